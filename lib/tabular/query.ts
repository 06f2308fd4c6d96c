import type { DuckDBConnection } from "@duckdb/node-api";
import type { Table } from "apache-arrow";
import type { ExportOptions } from "../duckdb/export.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { EMPTY_QUERY, type QuerySpec } from "./ast.ts";
import { QueryBuilder } from "./builder.ts";
import { dataPages, dataRows, dataStream, type DataPage, type PageOptions, type Row, type RowOptions, type RowsTarget } from "./rows.ts";

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
export class TabularQuery extends QueryBuilder<TabularQuery> {
  readonly resourceId: string;
  readonly http?: HttpClient;

  private constructor(resourceId: string, spec: QuerySpec, http?: HttpClient) {
    super(spec);
    this.resourceId = resourceId;
    this.http = http;
  }

  static of(resourceId: string, spec: QuerySpec = EMPTY_QUERY): TabularQuery {
    if (!/^[\w-]+$/.test(resourceId)) throw new TypeError(`not a resource id: ${JSON.stringify(resourceId)}`);
    return new TabularQuery(resourceId, spec);
  }

  protected with(spec: QuerySpec): TabularQuery {
    return new TabularQuery(this.resourceId, spec, this.http);
  }

  bind(http: HttpClient): TabularQuery {
    return new TabularQuery(this.resourceId, this.spec, http);
  }

  get target(): RowsTarget {
    return { api: "tabular", dataPath: `api/resources/${this.resourceId}/data/`, maxPageSize: TABULAR_MAX_PAGE_SIZE };
  }

  /** `/data/` pages, following `links.next`. */
  pages<R = Row>(options?: PageOptions): AsyncGenerator<DataPage<R>> {
    return dataPages<R>(this.#client(), this.target, this.toQueryString(), options);
  }

  /** Rows one by one across pages. */
  rows<R = Row>(options?: RowOptions): AsyncGenerator<R> {
    return dataRows<R>(this.#client(), this.target, this.toQueryString(), options);
  }

  async all<R = Row>(options?: RowOptions): Promise<R[]> {
    const out: R[] = [];
    for await (const row of this.rows<R>(options)) out.push(row);
    return out;
  }

  first<R = Row>(n = 1): Promise<R[]> {
    return this.all<R>({ limit: n });
  }

  /** How many rows match (undefined for aggregations, which the API does not count). */
  async count(): Promise<number | undefined> {
    const page = await this.pages({ pageSize: 2 }).next();
    return (page.value as DataPage | undefined)?.meta.total;
  }

  /** `/data/json/`: one JSON array of row objects and a newline, streamed; at most 50,000 rows. */
  json(signal?: AbortSignal): Promise<HttpResponse> {
    return dataStream(this.#client(), this.target, `api/resources/${this.resourceId}/data/json/`, this.toQueryString(), signal);
  }

  /** `/data/csv/`: PostgREST's CSV (`t`/`f` booleans, empty NULLs), streamed; at most 50,000 rows. */
  csv(signal?: AbortSignal): Promise<HttpResponse> {
    return dataStream(this.#client(), this.target, `api/resources/${this.resourceId}/data/csv/`, this.toQueryString(), signal);
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
    return `tabular ${this.resourceId}${query ? `?${query}` : ""}`;
  }

  #client(): HttpClient {
    if (!this.http) throw new TypeError("this query is not bound to a client: use dg.tabular(rid) or query.bind(dg.http)");
    return this.http;
  }
}
