import type { HttpClient } from "../http/client.ts";
import type { Condition, QuerySpec } from "../query/ast.ts";
import { filter, text, type Value } from "../query/conditions.ts";
import { encodeQuerySpec } from "../query/encode.ts";
import { pagedRows, type PageOptions, type RowsTarget } from "./rows.ts";

/**
 * A sorted query's rows, each exactly once, although production breaks no tie: PostgreSQL's top-N sort returns the
 * rows tied at a page's edge in an order that depends on the page's LIMIT and OFFSET, so following pages repeats
 * some and skips others. Rows are read by their sort key instead (keyset pagination): the first page of the rows
 * past the last key seen holds every row whose key is before its last row's, and the rows of that last key are then
 * read together, in `__id` order, which is unique and so stable; the next page starts after that key. The rows
 * without a value come first (desc) or last (asc), read in `__id` order too.
 */
export async function* sortedRows<R>(
  http: HttpClient,
  target: RowsTarget,
  spec: QuerySpec,
  options: PageOptions,
): AsyncGenerator<R> {
  const { column, direction } = spec.sort!;
  // the key must come back to be read: a picked set of columns gets it, and loses it again on output
  const added = spec.columns !== undefined && !spec.columns.includes(column);
  const base: QuerySpec = added ? { ...spec, columns: [...spec.columns!, column] } : spec;
  const output = (row: Record<string, unknown>) => {
    if (added) delete row[column];
    return row as R;
  };
  const where = (condition: Condition, sorted = false): QuerySpec => ({
    ...base,
    where: [...base.where, condition],
    ...(sorted ? {} : { sort: undefined }),
  });
  async function* byId(query: QuerySpec): AsyncGenerator<R> {
    for await (const row of pagedRows<Record<string, unknown>>(http, target, encodeQuerySpec(query), options))
      yield output(row);
  }
  const pageSize = options.pageSize ?? target.maxPageSize;
  if (direction === "desc") yield* byId(where(filter(column, "isnull")));
  let after: Value | undefined;
  for (;;) {
    const range =
      after === undefined
        ? filter(column, "isnotnull")
        : filter(column, direction === "asc" ? "strictly_greater" : "strictly_less", after);
    const rows = await collectPage(http, target, where(range, true), options);
    if (rows.length < pageSize) {
      for (const row of rows) yield output(row);
      break;
    }
    const last = rows.at(-1)![column] as Value | bigint;
    for (const row of rows) if (!sameKey(row[column], last)) yield output(row);
    const key = typeof last === "bigint" ? last.toString() : text(last);
    yield* byId(where(filter(column, "exact", key)));
    after = key;
  }
  if (direction === "asc") yield* byId(where(filter(column, "isnull")));
}

/** The first page of a query, in its own order. */
async function collectPage(
  http: HttpClient,
  target: RowsTarget,
  query: QuerySpec,
  options: PageOptions,
): Promise<Record<string, unknown>[]> {
  const pageSize = options.pageSize ?? target.maxPageSize;
  const queryString = [encodeQuerySpec(query), "page=1", `page_size=${pageSize}`].join("&");
  const page = await http.json<{ data: Record<string, unknown>[] }>(target.api, target.dataPath, {
    query: queryString,
    signal: options.signal,
  });
  return page.data;
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
}
