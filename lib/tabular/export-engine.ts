import type { DuckDBConnection } from "@duckdb/node-api";
import type { Table } from "apache-arrow";
import type { HttpClient, HttpResponse, Logger } from "../http/client.ts";
import type { QuerySpec } from "../query/ast.ts";

/**
 * The meeting point of the queries and the export engine (lib/duckdb), declared below both: the queries implement
 * `Exportable`, the engine implements `ExportEngine`, and the client hands its queries an `EngineLoader` that imports
 * the engine on the first export, so that neither side imports the other and DuckDB loads only when an export runs.
 */

/** Where a query runs: on the API ("remote"), on the resource's file in DuckDB ("local"), or whichever serves it. */
export type Mode = "remote" | "local" | "auto";

export interface Progress {
  rows?: number;
  bytes: number;
  /** What is being transferred. */
  label: string;
}

export interface ExportOptions {
  /**
   * Where a Tabular query runs: on the Tabular API ("remote", the default), on the resource's downloaded file with
   * DuckDB ("local"), or whichever serves it ("auto", which says what it chose through the logger).
   */
  mode?: Mode;
  /**
   * Rows a stream may return: windows are planned under it from the start. By default the whole result is asked for
   * in one stream, and windows planned under the cap the server gives if it refuses (50,000 on data.gouv.fr).
   */
  cap?: number;
  /** Windows fetched at once (default 2: the machine's cores are shared with the decoding). */
  concurrency?: number;
  /** Called as bytes arrive (and rows, as windows complete). Off unless given. */
  progress?: (progress: Progress) => void;
  /** Where the mode chosen and the downloads are reported (default: the client's logger). */
  logger?: Logger;
  /**
   * The download cache (default DATAGOUV_CACHE_DIR, else .cache/datagouv): the resource's file in local mode, and the
   * windows of a remote export past the stream cap until its output is written.
   */
  cacheDir?: string;
  /**
   * Start over: in local mode, download the file again even if the cached copy is current; remotely, fetch every
   * window again instead of resuming from those an interrupted run of the same export left in the cache.
   */
  refresh?: boolean;
  /**
   * A remote export past the stream cap keeps the windows it has fetched in the download cache until its output is
   * written, so that the same export run again after an interruption (Ctrl-C, a kill, a lost network) fetches only
   * the missing ones, and says so through the logger (default true; false spools them to a temporary directory).
   */
  resume?: boolean;
  /**
   * DuckDB's memory budget for the export (default `DEFAULT_MEMORY_LIMIT`, 128MB), past which it spills to disk: a
   * larger one ("512MB") lets the Parquet writer use every core, for more memory.
   */
  memoryLimit?: string;
  /** Arrow IPC layout for `toIpc`: the file format (default, random access) or the stream format. */
  ipcFormat?: "file" | "stream";
  /**
   * Stops the export: the transfers under way, no retry, and DuckDB's query when it writes a file; the output is not
   * written and whole windows are kept for a resumed run.
   */
  signal?: AbortSignal;
}

/** A stream's request: its API, its path (relative to the API's root) and its query string. */
export interface StreamRequest {
  api: "tabular" | "metrics";
  path: string;
  query: string;
}

/** What the engine asks of a query to cut it into `__id` windows: derived queries of the same kind, and counts. */
export interface WindowedQuery<Self> {
  readonly isAggregation: boolean;
  where(column: string, op: "greater" | "strictly_less", value: number): Self;
  onlyFilters(): Self;
  sort(column: string, direction: "asc" | "desc"): Self;
  columns(columns: readonly string[]): Self;
  count(): Promise<number | undefined>;
  first<R>(n: number): Promise<R[]>;
}

interface ExportableQuery<Self> extends WindowedQuery<Self> {
  readonly spec: QuerySpec;
  /** The client it runs on; unbound queries have none, and the engine says how to bind them. */
  readonly http?: HttpClient;
  /** The `/data/csv/` stream (PostgREST's CSV), at most one stream cap of rows. */
  csv(signal?: AbortSignal): Promise<HttpResponse>;
  /** What `csv()` asks for, for the engine to download it into a file. */
  csvRequest(): StreamRequest;
  /** The query as written in logs (`tabular <rid>?…`). */
  toString(): string;
}

/** A Tabular query as the engine reads it: typed from its resource's profile, runnable on the resource's file too. */
export interface ExportableTabular extends ExportableQuery<ExportableTabular> {
  readonly resourceId: string;
  /** The `/data/json/` stream, which the Arrow builders decode as it arrives. */
  json(signal?: AbortSignal): Promise<HttpResponse>;
  /** What `json()` asks for. */
  jsonRequest(): StreamRequest;
}

/** A Metrics query as the engine reads it: typed from its model's known columns. */
export interface ExportableMetrics extends ExportableQuery<ExportableMetrics> {
  readonly model: string;
}

export type Exportable = ExportableTabular | ExportableMetrics;

/** The exports a query offers, carried out by the engine. */
export interface ExportEngine {
  toArrow(query: Exportable, options?: ExportOptions): Promise<Table>;
  toParquet(query: Exportable, path: string, options?: ExportOptions): Promise<number>;
  toIpc(query: Exportable, path: string, options?: ExportOptions): Promise<number>;
  toDuckDB(query: Exportable, connection: DuckDBConnection, table: string, options?: ExportOptions): Promise<number>;
}

/** Loads the engine when an export first needs it. */
export type EngineLoader = () => Promise<ExportEngine>;
