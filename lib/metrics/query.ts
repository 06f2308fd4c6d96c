import type { DuckDBConnection } from "@duckdb/node-api";
import type { Table } from "apache-arrow";
import type { ExportOptions } from "../duckdb/export.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { QueryError } from "../http/errors.ts";
import { EMPTY_QUERY, type QuerySpec } from "../tabular/ast.ts";
import { QueryBuilder } from "../tabular/builder.ts";
import { dataPages, dataRows, dataStream, type DataPage, type PageOptions, type Row, type RowOptions, type RowsTarget } from "../tabular/rows.ts";
import type { KnownMetricsModel, MetricsModel, MetricsRows } from "./models.ts";

/** The row type of a model: typed for the known ones, an open record otherwise. */
export type MetricsRow<M extends MetricsModel> = M extends KnownMetricsModel ? MetricsRows[M] : Row;

/** The Metrics API serves at most 50 rows a page in production. */
export const METRICS_MAX_PAGE_SIZE = 50;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * A query over one Metrics API model, with the Tabular API's operators (the same server code parses both).
 *
 *   dg.metrics("datasets").where("dataset_id", "exact", id).months("2025-01", "2025-12").sort("metric_month", "desc")
 */
export class MetricsQuery<M extends MetricsModel = MetricsModel> extends QueryBuilder<MetricsQuery<M>> {
  readonly model: M;
  readonly http?: HttpClient;

  private constructor(model: M, spec: QuerySpec, http?: HttpClient) {
    super(spec);
    this.model = model;
    this.http = http;
  }

  static of<M extends MetricsModel>(model: M, spec: QuerySpec = EMPTY_QUERY): MetricsQuery<M> {
    if (!/^\w+$/.test(model)) throw new QueryError(`not a metrics model name: ${JSON.stringify(model)}`);
    return new MetricsQuery(model, spec);
  }

  protected with(spec: QuerySpec): MetricsQuery<M> {
    return new MetricsQuery(this.model, spec, this.http);
  }

  bind(http: HttpClient): MetricsQuery<M> {
    return new MetricsQuery(this.model, this.spec, http);
  }

  /** Months from `from` to `to`, both included ("YYYY-MM"; `greater`/`less` are inclusive). */
  months(from?: string, to?: string): MetricsQuery<M> {
    let query: MetricsQuery<M> = this;
    for (const month of [from, to]) {
      if (month !== undefined && !MONTH.test(month)) throw new QueryError(`months are written YYYY-MM, not ${JSON.stringify(month)}`);
    }
    if (from !== undefined) query = query.where("metric_month", "greater", from);
    if (to !== undefined) query = query.where("metric_month", "less", to);
    return query;
  }

  get target(): RowsTarget {
    return { api: "metrics", dataPath: `api/${this.model}/data/`, maxPageSize: METRICS_MAX_PAGE_SIZE };
  }

  pages<R = MetricsRow<M>>(options?: PageOptions): AsyncGenerator<DataPage<R>> {
    return dataPages<R>(this.#client(), this.target, this.toQueryString(), options);
  }

  rows<R = MetricsRow<M>>(options?: RowOptions): AsyncGenerator<R> {
    return dataRows<R>(this.#client(), this.target, this.toQueryString(), options);
  }

  async all<R = MetricsRow<M>>(options?: RowOptions): Promise<R[]> {
    const out: R[] = [];
    for await (const row of this.rows<R>(options)) out.push(row);
    return out;
  }

  first<R = MetricsRow<M>>(n = 1): Promise<R[]> {
    return this.all<R>({ limit: n });
  }

  async count(): Promise<number | undefined> {
    const page = await this.pages({ pageSize: 2 }).next();
    return (page.value as DataPage | undefined)?.meta.total;
  }

  /** `/api/{model}/data/csv/`: the whole filtered result as CSV (at most 50,000 rows). */
  csv(signal?: AbortSignal): Promise<HttpResponse> {
    return dataStream(this.#client(), this.target, `api/${this.model}/data/csv/`, this.toQueryString(), signal);
  }

  /** The rows as an Arrow table, typed (windows past the 50,000-row stream cap are fetched and assembled in order). */
  async toArrow(options?: ExportOptions): Promise<Table> {
    return (await import("../duckdb/export.ts")).toArrow(this, options);
  }

  /** The rows as a Parquet file (zstd), written atomically; resolves to the number of rows. */
  async toParquet(path: string, options?: ExportOptions): Promise<number> {
    return (await import("../duckdb/export.ts")).toParquet(this, path, options);
  }

  /** The rows as an Arrow IPC file, written batch by batch and atomically; resolves to the number of rows. */
  async toIpc(path: string, options?: ExportOptions): Promise<number> {
    return (await import("../duckdb/export.ts")).toIpc(this, path, options);
  }

  /** The rows into a table of a DuckDB connection (created or replaced); resolves to the number of rows. */
  async toDuckDB(connection: DuckDBConnection, table: string, options?: ExportOptions): Promise<number> {
    const { toDuckDB } = await import("../duckdb/export.ts");
    const { Duck } = await import("../duckdb/connection.ts");
    return toDuckDB(this, Duck.wrap(connection), table, options);
  }

  override toString(): string {
    const query = decodeURIComponent(this.toQueryString());
    return `metrics ${this.model}${query ? `?${query}` : ""}`;
  }

  #client(): HttpClient {
    if (!this.http) throw new TypeError("this query is not bound to a client: use dg.metrics(model) or query.bind(dg.http)");
    return this.http;
  }
}
