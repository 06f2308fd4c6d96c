import type { HttpClient, HttpResponse } from "../http/client.ts";
import { EMPTY_QUERY, type QuerySpec } from "../query/ast.ts";
import type { EngineLoader, ExportableTabular, StreamRequest } from "./export-engine.ts";
import { dataStream, type RowsTarget } from "./rows.ts";
import { RunnableQuery } from "./runnable.ts";

/** The Tabular API serves at most this many rows a page in production (its 400 names the maximum when it changes). */
export const TABULAR_MAX_PAGE_SIZE = 200;
/** Streams (`/data/json/`, `/data/csv/`) refuse results larger than this (403 "Output is too long"). */
export const STREAM_ROW_CAP = 50_000;

/**
 * A query over the rows of one Tabular API resource. A value: build it, print it, reuse it; `bind` it to a client (or
 * get it from `dg.tabular(rid)`) to run it.
 *
 *   dg.tabular(rid).where("dep", "in", ["75", "92"]).where("population", "greater", 10_000).sort("population", "desc")
 */
export class TabularQuery extends RunnableQuery<TabularQuery> implements ExportableTabular {
  readonly resourceId: string;

  private constructor(resourceId: string, spec: QuerySpec, http?: HttpClient, engine?: EngineLoader) {
    super(spec, http, engine);
    this.resourceId = resourceId;
  }

  static of(resourceId: string, spec: QuerySpec = EMPTY_QUERY): TabularQuery {
    if (!/^[\w-]+$/.test(resourceId)) throw new TypeError(`not a resource id: ${JSON.stringify(resourceId)}`);
    return new TabularQuery(resourceId, spec);
  }

  protected with(spec: QuerySpec): TabularQuery {
    return new TabularQuery(this.resourceId, spec, this.http, this.engine);
  }

  /** The query on a client; with the engine that carries out its exports (`dg.tabular(rid)` gives both). */
  bind(http: HttpClient, engine?: EngineLoader): TabularQuery {
    return new TabularQuery(this.resourceId, this.spec, http, engine);
  }

  protected exportable(): ExportableTabular {
    return this;
  }

  get target(): RowsTarget {
    return { api: "tabular", dataPath: `api/resources/${this.resourceId}/data/`, maxPageSize: TABULAR_MAX_PAGE_SIZE };
  }

  protected get csvPath(): string {
    return `api/resources/${this.resourceId}/data/csv/`;
  }

  /** `/data/json/`: one JSON array of row objects and a newline, streamed; at most 50,000 rows. */
  json(signal?: AbortSignal): Promise<HttpResponse> {
    const { path, query } = this.jsonRequest();
    return dataStream(this.client(), this.target, path, query, signal);
  }

  /** What `json()` asks for. */
  jsonRequest(): StreamRequest {
    return { api: "tabular", path: `api/resources/${this.resourceId}/data/json/`, query: this.toQueryString() };
  }

  override toString(): string {
    const query = decodeURIComponent(this.toQueryString());
    return `tabular ${this.resourceId}${query ? `?${query}` : ""}`;
  }
}
