import type { HttpClient, Logger } from "../http/client.ts";
import { aggregationKey, type PythonType, type QuerySpec } from "../query/ast.ts";
import type { Exportable, ExportableTabular } from "../tabular/export-engine.ts";
import type { ColumnSpec } from "../arrow/columns.ts";

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
  /** Removes the scratch directory; with `written` (the output is complete), windows kept for a resumed run too. */
  dispose(written?: boolean): Promise<void>;
}

export function bound(query: Exportable): HttpClient {
  if (!query.http)
    throw new TypeError(
      "this query is not bound to a client: use dg.tabular(rid) / dg.metrics(model), or query.bind(dg.http)",
    );
  return query.http;
}

export const isTabular = (query: Exportable): query is ExportableTabular => "resourceId" in query;

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
