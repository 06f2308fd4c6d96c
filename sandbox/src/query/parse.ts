import {
  OPERATOR_TABLE,
  OPERATORS,
  aggregationKey,
  type Aggregation,
  type Condition,
  type Filter,
  type Operator,
  type QuerySpec,
} from "datagouv-kit/query";
import { buildSqlQueryString, type BuildOptions } from "./api-tabular.ts";
import { parsePostgrest, Unsupported, type PgFilter, type PgRequest, type PgTree } from "./postgrest.ts";
import { queryPairs, queryString, sentQuery } from "./yarl.ts";

export { MalformedQuery, ParserCrash, UnauthorizedParameters } from "./api-tabular.ts";
export { PostgrestParseError, Unsupported } from "./postgrest.ts";

/**
 * A Tabular or Metrics request read as the real chain reads it: aiohttp hands api-tabular the query decoded once
 * (yarl.ts), api-tabular splits it on "&" and builds PostgREST's query string with its quirks (api-tabular.ts), the
 * client session requotes that URL, dropping tabs, line breaks and everything after a "#" (yarl.ts), and PostgREST
 * parses what arrives (postgrest.ts). What PostgREST reads is then turned back into the query model, so that the
 * sandbox answers what production answers, misreadings included.
 */
export interface ReadRequest {
  /** What PostgREST runs, in the query model's terms. */
  spec: QuerySpec;
  /** PostgREST's limit and offset (absent when a "#" cut them off). */
  limit?: number;
  offset?: number;
  /** No `order` reached PostgREST: rows come in the table's order. */
  unordered: boolean;
  /** The pieces api-tabular split the once-decoded query into: `links` are built from them. */
  args: string[];
  /** The query string PostgREST received. */
  postgrest: string;
}

export type ReadOptions = Omit<BuildOptions, "pageSize" | "offset">;

export function readRequest(rawQuery: string, options: ReadOptions & { pageSize?: number; offset?: number } = {}) {
  const decoded = queryString(rawQuery);
  const args = decoded === "" ? [] : decoded.split("&");
  const built = buildSqlQueryString(args, options);
  const postgrest = sentQuery(`http://postgrest/table?${built}`);
  const request = parsePostgrest(postgrest);
  const read: ReadRequest = { ...toSpec(request), args, postgrest };
  if (request.limit !== undefined) read.limit = request.limit;
  if (request.offset !== undefined) read.offset = request.offset;
  return read;
}

/** The first value of a parameter as aiohttp's `request.query` gives it (`page`, `page_size`). */
export function queryParam(rawQuery: string, name: string): string | undefined {
  return queryPairs(rawQuery).find(([key]) => key === name)?.[1];
}

const BY_POSTGREST = new Map<string, Operator>(OPERATORS.map((op) => [OPERATOR_TABLE[op].postgrest, op]));

function toSpec(request: PgRequest): { spec: QuerySpec; unordered: boolean } {
  const spec: QuerySpec = {
    where: [...request.filters.map(toFilter), ...request.logic.map(toGroup)],
    aggregations: [],
  };
  const order = request.order;
  if (order) {
    if (order.length !== 1 || order[0].nulls) throw new Unsupported("an order on several terms or with NULLs placed");
    const [{ field, direction = "asc" }] = order;
    if (!(field === "__id" && direction === "asc")) spec.sort = { column: field, direction };
  }
  const select = request.select?.filter((item) => !(item.field === "*" && !item.aggregate && !item.alias));
  if (select?.length && select.length !== request.select!.length) throw new Unsupported("`*` beside other columns");
  if (select?.some((item) => item.aggregate)) spec.aggregations = select.map(toAggregation);
  else if (select?.length) {
    if (select.some((item) => item.alias)) throw new Unsupported("renamed columns");
    spec.columns = select.map((item) => item.field);
  }
  return { spec, unordered: !order };
}

function toAggregation(item: { field: string; aggregate?: Aggregation["op"]; alias?: string }): Aggregation {
  const aggregation: Aggregation = { column: item.field, op: item.aggregate ?? "groupby" };
  if ((item.alias ?? aggregationKey(aggregation)) !== aggregationKey(aggregation))
    throw new Unsupported(`the alias ${JSON.stringify(item.alias)}`);
  return aggregation;
}

function toGroup(tree: PgTree): Condition {
  if (tree.not) throw new Unsupported("negated logic trees");
  return {
    type: tree.type,
    items: tree.items.map((item) => (item.type === "filter" ? toFilter(item) : toGroup(item))),
  };
}

function toFilter(filter: PgFilter): Filter {
  const { operation } = filter;
  if (operation.kind === "op" && operation.quantifier) throw new Unsupported("any/all quantifiers");
  const name =
    operation.kind === "op" ? operation.op : operation.kind === "is" ? `is.${operation.value}` : operation.kind;
  const op = BY_POSTGREST.get(`${filter.not ? "not." : ""}${name}`);
  if (!op) throw new Unsupported(`PostgREST's ${filter.not ? "not." : ""}${name} filter`);
  const column = filter.field;
  switch (operation.kind) {
    case "is":
      return { type: "filter", column, op };
    case "in":
      // PostgREST runs `in.()` (one empty element) as `= ANY('{}')`
      return {
        type: "filter",
        column,
        op,
        value: operation.values.length === 1 && operation.values[0] === "" ? [] : operation.values,
      };
    default:
      return op === "contains" || op === "notcontains"
        ? { type: "filter", column, op, value: operation.value, pattern: operation.value.replaceAll("*", "%") }
        : { type: "filter", column, op, value: operation.value };
  }
}
