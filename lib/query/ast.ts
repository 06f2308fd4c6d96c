/**
 * The query model shared by the Tabular and Metrics APIs, as plain data. The client's builders produce it, the
 * sandbox parses query strings into it, and DuckDB runs it locally: one meaning everywhere.
 *
 * Values travel as strings, as on the wire; the column's type decides how they compare (PostgREST casts the literal).
 */

export const OPERATORS = [
  "exact", // = v
  "differs", // IS DISTINCT FROM v: rows where the column is NULL are kept
  "isnull",
  "isnotnull",
  "contains", // ILIKE %v% (case-insensitive; `*` in v is a wildcard)
  "notcontains",
  "in", // comma list; a value cannot contain a comma
  "notin",
  "less", // <= v (inclusive)
  "greater", // >= v (inclusive)
  "strictly_less", // < v
  "strictly_greater", // > v
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Operators that take no value. */
export const UNARY_OPERATORS: readonly Operator[] = ["isnull", "isnotnull"];

export const AGGREGATORS = ["groupby", "count", "avg", "min", "max", "sum"] as const;
export type Aggregator = (typeof AGGREGATORS)[number];

export type SortDirection = "asc" | "desc";

export interface Filter {
  type: "filter";
  column: string;
  op: Operator;
  /** Absent for isnull/isnotnull; a list for in/notin; a string otherwise. */
  value?: string | string[];
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

/** csv-detective's python types, as the Tabular profile names them. */
export type PythonType = "string" | "int" | "float" | "bool" | "date" | "datetime" | "json";

/** Which operators the real API allows per column type (api-tabular core/swagger.py TYPE_POSSIBILITIES). */
export const OPERATORS_BY_TYPE: Record<PythonType, readonly (Operator | "sort" | Aggregator)[]> = {
  string: [
    "isnull",
    "isnotnull",
    "less",
    "greater",
    "strictly_less",
    "strictly_greater",
    "contains",
    "notcontains",
    "differs",
    "exact",
    "in",
    "notin",
    "sort",
    "groupby",
    "count",
  ],
  date: [
    "isnull",
    "isnotnull",
    "less",
    "greater",
    "strictly_less",
    "strictly_greater",
    "contains",
    "notcontains",
    "differs",
    "exact",
    "in",
    "notin",
    "sort",
    "groupby",
    "count",
  ],
  datetime: [
    "isnull",
    "isnotnull",
    "less",
    "greater",
    "strictly_less",
    "strictly_greater",
    "contains",
    "notcontains",
    "differs",
    "exact",
    "in",
    "notin",
    "sort",
    "groupby",
    "count",
  ],
  int: [
    "isnull",
    "isnotnull",
    "less",
    "greater",
    "strictly_less",
    "strictly_greater",
    "differs",
    "exact",
    "in",
    "notin",
    "sort",
    "groupby",
    "count",
    "avg",
    "max",
    "min",
    "sum",
  ],
  float: [
    "isnull",
    "isnotnull",
    "less",
    "greater",
    "strictly_less",
    "strictly_greater",
    "differs",
    "exact",
    "in",
    "notin",
    "sort",
    "groupby",
    "count",
    "avg",
    "max",
    "min",
    "sum",
  ],
  bool: ["isnull", "isnotnull", "differs", "exact", "sort", "groupby", "count"],
  json: ["isnull", "isnotnull"],
};

/** The key an aggregated value comes back under: group-by columns keep their name, others are `col__op`. */
export function aggregationKey(aggregation: Aggregation): string {
  return aggregation.op === "groupby" ? aggregation.column : `${aggregation.column}__${aggregation.op}`;
}
