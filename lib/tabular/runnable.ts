import type { DuckDBConnection } from "@duckdb/node-api";
import type { Table } from "apache-arrow";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import type { QuerySpec } from "../query/ast.ts";
import { QueryBuilder } from "../query/builder.ts";
import type { EngineLoader, ExportEngine, Exportable, ExportOptions, StreamRequest } from "./export-engine.ts";
import { dataRows } from "./iterate.ts";
import {
  dataPages,
  dataStream,
  type DataPage,
  type PageOptions,
  type Row,
  type RowOptions,
  type RowsTarget,
} from "./rows.ts";

/**
 * What Tabular and Metrics queries do once bound to a client: pages, rows, counts, CSV streams, and the columnar
 * exports, which the engine the client gave them carries out (loaded on first use, so the core never loads DuckDB).
 * `D` is the row type a query yields by default.
 */
export abstract class RunnableQuery<Self extends RunnableQuery<Self, D>, D = Row> extends QueryBuilder<Self> {
  readonly http?: HttpClient;
  protected readonly engine?: EngineLoader;

  protected constructor(spec: QuerySpec, http?: HttpClient, engine?: EngineLoader) {
    super(spec);
    this.http = http;
    this.engine = engine;
  }

  /** The query as the export engine reads it (itself: each kind says which kind it is). */
  protected abstract exportable(): Exportable;

  abstract get target(): RowsTarget;

  /** The CSV stream's path (`/data/csv/`). */
  protected abstract get csvPath(): string;

  /** `/data/` pages, each asked for by its number (a sorted query's ties may move between them: `rows()` does not). */
  pages<R = D>(options?: PageOptions): AsyncGenerator<DataPage<R>> {
    return dataPages<R>(this.client(), this.target, this.toQueryString(), options);
  }

  /** Rows one by one across pages; a sorted query's rows each exactly once, read by their sort key. */
  rows<R = D>(options?: RowOptions): AsyncGenerator<R> {
    return dataRows<R>(this.client(), this.target, this.spec, options);
  }

  async all<R = D>(options?: RowOptions): Promise<R[]> {
    const out: R[] = [];
    for await (const row of this.rows<R>(options)) out.push(row);
    return out;
  }

  first<R = D>(n = 1): Promise<R[]> {
    return this.all<R>({ limit: n });
  }

  /** How many rows match (undefined for aggregations, which the API does not count). */
  async count(): Promise<number | undefined> {
    const page = await this.pages({ pageSize: 2 }).next();
    return (page.value as DataPage | undefined)?.meta.total;
  }

  /** The CSV stream (PostgREST's CSV: `t`/`f` booleans, empty NULLs), at most 50,000 rows. */
  csv(signal?: AbortSignal): Promise<HttpResponse> {
    return dataStream(this.client(), this.target, this.csvPath, this.toQueryString(), signal);
  }

  /** What `csv()` asks for: the stream's API, path and query string. */
  csvRequest(): StreamRequest {
    return { api: this.target.api, path: this.csvPath, query: this.toQueryString() };
  }

  /** The rows as an Arrow table, typed (windows past the 50,000-row stream cap are fetched and assembled in order). */
  async toArrow(options?: ExportOptions): Promise<Table> {
    return (await this.#engine()).toArrow(this.exportable(), options);
  }

  /** The rows as a Parquet file (zstd), written atomically; resolves to the number of rows. */
  async toParquet(path: string, options?: ExportOptions): Promise<number> {
    return (await this.#engine()).toParquet(this.exportable(), path, options);
  }

  /** The rows as an Arrow IPC file, written batch by batch and atomically; resolves to the number of rows. */
  async toIpc(path: string, options?: ExportOptions): Promise<number> {
    return (await this.#engine()).toIpc(this.exportable(), path, options);
  }

  /** The rows into a table of a DuckDB connection (created or replaced); resolves to the number of rows. */
  async toDuckDB(connection: DuckDBConnection, table: string, options?: ExportOptions): Promise<number> {
    return (await this.#engine()).toDuckDB(this.exportable(), connection, table, options);
  }

  protected client(): HttpClient {
    if (!this.http)
      throw new TypeError(
        "this query is not bound to a client: use dg.tabular(rid) / dg.metrics(model), or query.bind(dg.http)",
      );
    return this.http;
  }

  #engine(): Promise<ExportEngine> {
    if (!this.engine)
      throw new TypeError(
        "this query has no export engine: use dg.tabular(rid) / dg.metrics(model), or datagouv-kit/duckdb's exports",
      );
    return this.engine();
  }
}
