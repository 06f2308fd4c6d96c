import type { HttpClient, Logger } from "../http/client.ts";
import { aggregationKey, type PythonType, type QuerySpec } from "../query/ast.ts";
import type { TabularQuery } from "../tabular/query.ts";
import type { MetricsQuery } from "../metrics/query.ts";
import type { MetricsModel } from "../metrics/models.ts";
import type { ColumnSpec } from "../arrow/columns.ts";
import type { Progress } from "./spool.ts";
import type { Mode } from "./mode.ts";

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
  /** Local mode: the download cache (default DATAGOUV_CACHE_DIR, else .cache/datagouv). */
  cacheDir?: string;
  /** Local mode: download the file again even if the cached copy is current. */
  refresh?: boolean;
  /**
   * DuckDB's memory budget for the export (default `DEFAULT_MEMORY_LIMIT`, 128MB), past which it spills to disk: a
   * larger one ("512MB") lets the Parquet writer use every core, for more memory.
   */
  memoryLimit?: string;
  /** Arrow IPC layout for `toIpc`: the file format (default, random access) or the stream format. */
  ipcFormat?: "file" | "stream";
  signal?: AbortSignal;
}

export type AnyQuery = TabularQuery | MetricsQuery<MetricsModel>;

/**
 * A query's rows, ready to be written: SQL (with bound parameters) over the DuckDB connection they were prepared on,
 * the typed output columns, and a scratch directory removed by `dispose`.
 */
export interface Rows {
  sql: string;
  params: unknown[];
  columns: ColumnSpec[];
  /** JSON-array files holding the rows already in output order, for the Arrow builders to read as they are. */
  ordered?: string[];
  scratch: string;
  dispose(): Promise<void>;
}

export function bound(query: AnyQuery): HttpClient {
  if (!query.http)
    throw new TypeError(
      "this query is not bound to a client: use dg.tabular(rid) / dg.metrics(model), or query.bind(dg.http)",
    );
  return query.http;
}

export const isTabular = (query: AnyQuery): query is TabularQuery => "resourceId" in query;

/** Reports a line through the logger's info channel when it has one. */
export function say(logger: Logger, line: string): void {
  if (logger.info) logger.info(line);
  else logger.warn(line);
}

/** The output columns of a query, typed: the aggregations' keys, the picked columns, or every column. */
export function outputColumns(spec: QuerySpec, typeOf: (name: string) => ColumnSpec, all: ColumnSpec[]): ColumnSpec[] {
  if (spec.aggregations.length) {
    return spec.aggregations.map((a): ColumnSpec => {
      const type: PythonType = a.op === "count" ? "int" : a.op === "avg" ? "float" : typeOf(a.column).type;
      return { name: aggregationKey(a), type };
    });
  }
  return spec.columns ? spec.columns.map(typeOf) : all;
}
