/**
 * The query model shared by the Tabular and Metrics APIs, as plain data. The client's builders produce it, the
 * sandbox parses query strings into it, and DuckDB runs it locally: one meaning everywhere.
 *
 * Values travel as strings, as on the wire; the column's type decides how they compare (PostgREST casts the literal).
 */

import type { Aggregator, Operator } from "./operators.ts";

// the operators' names, defined in operators.ts, are part of the query model's vocabulary
export {
  AGGREGATORS,
  OPERATORS,
  OPERATORS_BY_TYPE,
  UNARY_OPERATORS,
  type Aggregator,
  type Operator,
} from "./operators.ts";
export type { PythonType } from "./column-types.ts";

export type SortDirection = "asc" | "desc";

export interface Filter {
  type: "filter";
  column: string;
  op: Operator;
  /** As the operator's arity says: absent (isnull, isnotnull), a list (in, notin) or a string. */
  value?: string | string[];
  /**
   * contains/notcontains only: the ILIKE pattern itself, in PostgreSQL's syntax (`%` and `_` wildcards, `\` escaping
   * the next character), instead of what `value` means (its text found anywhere, `*` matching anything). The sandbox
   * reads it off the wire; a client may give one that starts and ends with `%` and holds no `*`.
   */
  pattern?: string;
}

/** `or=(…)` at the top level; `or(…)`/`and(…)` nested inside. */
export interface Group {
  type: "or" | "and";
  items: Condition[];
}

export type Condition = Filter | Group;

export interface Sort {
  column: string;
  direction: SortDirection;
}

export interface Aggregation {
  column: string;
  op: Aggregator;
}

export interface QuerySpec {
  /** ANDed together; groups are the top-level `or=(…)` parameters. */
  where: Condition[];
  sort?: Sort;
  /** `columns=a,b`: the columns to return (not combinable with aggregation). */
  columns?: string[];
  aggregations: Aggregation[];
}

export const EMPTY_QUERY: QuerySpec = Object.freeze({ where: [], aggregations: [] }) as QuerySpec;

/** The key an aggregated value comes back under: group-by columns keep their name, others are `col__op`. */
export function aggregationKey(aggregation: Aggregation): string {
  return aggregation.op === "groupby" ? aggregation.column : `${aggregation.column}__${aggregation.op}`;
}
