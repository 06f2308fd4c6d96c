import { HttpClient, resolveEndpoints, type EndpointOptions, type HttpOptions, type Logger } from "./http/index.ts";
import {
  Dataservices,
  Datasets,
  Discussions,
  Organizations,
  Posts,
  Reuses,
  Site,
  Spatial,
  Tags,
  Topics,
  Users,
} from "./catalog/index.ts";
import { bindGeneratedGroups, type GeneratedGroups } from "./catalog/routes/index.ts";
import { TabularApi, TabularQuery, type EngineLoader } from "./tabular/index.ts";
import { MetricsQuery, type MetricsModel } from "./metrics/index.ts";

/** The export engine, imported on the first export of any query: the core never loads DuckDB before. */
const loadEngine: EngineLoader = async () => (await import("./duckdb/engine.ts")).engine;

export interface DataGouvOptions extends EndpointOptions {
  /** Sent as X-API-KEY on writes only; defaults to DATAGOUV_API_KEY. */
  apiKey?: string | undefined;
  connections?: number | undefined;
  timeoutMs?: number | undefined;
  retry?: HttpOptions["retry"] | undefined;
  logger?: Logger | undefined;
  userAgent?: string | undefined;
  dispatcher?: HttpOptions["dispatcher"] | undefined;
}

/** The groups of Main API routes without a class of their own (me, harvest, transfers, …), typed from the route table. */
export interface DataGouv extends GeneratedGroups {}

/**
 * The entry point: one client for the Main, Tabular and Metrics APIs.
 *
 *   const dg = new DataGouv();                     // prod, or the sandbox when DATAGOUV_SANDBOX_URL is set
 *   for await (const ds of dg.datasets.search({ q: "transport" })) …
 *   const rows = await dg.tabular(rid).where("dep", "in", ["75", "92"]).rows();
 *   const visits = dg.metrics("datasets").where("dataset_id", "exact", id);
 */
export class DataGouv {
  readonly http: HttpClient;
  readonly datasets: Datasets;
  readonly organizations: Organizations;
  readonly reuses: Reuses;
  readonly dataservices: Dataservices;
  readonly discussions: Discussions;
  readonly users: Users;
  readonly topics: Topics;
  readonly posts: Posts;
  readonly spatial: Spatial;
  readonly site: Site;
  readonly tags: Tags;
  /** Tabular API resource metadata, profiles, swagger, aggregation exceptions. */
  readonly tabularApi: TabularApi;

  constructor(options: DataGouvOptions = {}, environment: Record<string, string | undefined> = process.env) {
    const timeout = numberFrom(environment.DATAGOUV_TIMEOUT, "DATAGOUV_TIMEOUT");
    const retries = numberFrom(environment.DATAGOUV_RETRIES, "DATAGOUV_RETRIES");
    this.http = new HttpClient({
      endpoints: resolveEndpoints(options, environment),
      apiKey: options.apiKey ?? environment.DATAGOUV_API_KEY,
      connections: options.connections,
      timeoutMs: options.timeoutMs ?? (timeout === undefined ? undefined : timeout * 1000),
      retry: retries === undefined ? options.retry : { retries: Math.floor(retries), ...options.retry },
      logger: options.logger,
      userAgent: options.userAgent,
      dispatcher: options.dispatcher,
    });
    this.datasets = new Datasets(this.http);
    this.organizations = new Organizations(this.http);
    this.reuses = new Reuses(this.http);
    this.dataservices = new Dataservices(this.http);
    this.discussions = new Discussions(this.http);
    this.users = new Users(this.http);
    this.topics = new Topics(this.http);
    this.posts = new Posts(this.http);
    this.spatial = new Spatial(this.http);
    this.site = new Site(this.http);
    this.tags = new Tags(this.http);
    this.tabularApi = new TabularApi(this.http);
    Object.assign(this, bindGeneratedGroups(this.http));
  }

  /** A query over the rows of one Tabular API resource, bound to this client and the export engine. */
  tabular(resourceId: string): TabularQuery {
    return TabularQuery.of(resourceId).bind(this.http, loadEngine);
  }

  /** A query over one Metrics API model (e.g. "datasets", "site", "organizations_total"), bound likewise. */
  metrics<M extends MetricsModel>(model: M): MetricsQuery<M> {
    return MetricsQuery.of(model).bind(this.http, loadEngine);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** A non-negative number from the environment (DATAGOUV_TIMEOUT in seconds, DATAGOUV_RETRIES), or undefined. */
function numberFrom(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new TypeError(`${name} must be a number, not ${JSON.stringify(value)}`);
  return number;
}
