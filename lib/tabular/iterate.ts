import type { HttpClient } from "../http/client.ts";
import type { QuerySpec } from "../query/ast.ts";
import { encodeQuerySpec } from "../query/encode.ts";
import { pagedRows, type RowOptions, type RowsTarget } from "./rows.ts";
import { sortedRows } from "./sorted.ts";

/**
 * Rows one by one across pages. A sorted query is read by its sort key rather than by page number: production pages
 * with LIMIT/OFFSET and no tie-breaker, so rows tied on the sort key may move between pages and be met twice or
 * never (sorted.ts says how every row comes exactly once).
 */
export async function* dataRows<R>(
  http: HttpClient,
  target: RowsTarget,
  query: string | QuerySpec,
  options: RowOptions = {},
): AsyncGenerator<R> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  // A small limit asks for a small page; never 1, which production answers wrongly when combined with __exact.
  const pageSize = Number.isFinite(limit)
    ? Math.min(options.pageSize ?? target.maxPageSize, Math.max(limit, 2))
    : options.pageSize;
  const spec = typeof query === "string" ? undefined : query;
  const rows =
    // __id is unique: its pages hold no tie
    spec?.sort && spec.sort.column !== "__id" && spec.aggregations.length === 0 && options.page === undefined
      ? sortedRows<R>(http, target, spec, { ...options, pageSize })
      : pagedRows<R>(http, target, typeof query === "string" ? query : encodeQuerySpec(query), {
          ...options,
          pageSize,
        });
  let count = 0;
  for await (const row of rows) {
    yield row;
    if (++count >= limit) return;
  }
}
