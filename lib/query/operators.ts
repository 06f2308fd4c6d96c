import { PYTHON_TYPES, type PythonType } from "./column-types.ts";

/**
 * Every filter operator and aggregator of the Tabular and Metrics APIs, each defined once: the client encodes and
 * validates with these tables, the sandbox parses with them, local runs take their SQL from them, and the sandbox's
 * swagger and the CLI's help print their descriptions.
 *
 * On the wire a filter is `column__op=value` (api-tabular core/query.py); api-tabular rewrites it into the PostgREST
 * filter named `postgrest`, which PostgreSQL answers over hydra's column types. The SQL is DuckDB's with that meaning:
 * values are bound parameters cast to the column's type, `less`/`greater` are inclusive, `differs` is IS DISTINCT FROM
 * (NULLs kept), `contains` is a case-insensitive ILIKE whose pattern is `operand`'s (production's ILIKE reads `%` and
 * `_` as wildcards and `\` as its escape: the value's own are escaped, and `*` is the one wildcard a value has).
 *
 * The keys are in the order production lists a type's operators (core/swagger.py TYPE_POSSIBILITIES), which is the
 * order of the swagger's parameters.
 */

/** How the value is written: none (`col__isnull`), one (`col__exact=v`) or a comma list (`col__in=a,b`). */
export type Arity = "none" | "one" | "list";

/** Binds a filter's values as the statement's parameters; each call returns its placeholder. */
export interface SqlParameters {
  /** The value read as the column's type, by PostgreSQL's input rules: `CAST(? AS BIGINT)`. */
  typed(value: string): string;
  /** The value bound as text, as is: `?`. */
  text(value: string): string;
}

interface Described {
  /** One line, after the column's name: the swagger says `col: <description>`, the CLI's help lists it. */
  readonly description: string;
  /** The column types production accepts it on. */
  readonly types: readonly PythonType[];
}

export type OperatorDefinition = Described & {
  /** The PostgREST filter api-tabular turns it into: `column=<postgrest>.value`. */
  readonly postgrest: string;
} & (
    | { readonly arity: "none"; readonly sql: (column: string) => string }
    | {
        readonly arity: "one";
        /** What the SQL compares with, when it is not the value itself: contains' LIKE pattern. */
        readonly operand?: (value: string) => string;
        readonly sql: (column: string, operand: string, params: SqlParameters) => string;
      }
    | {
        readonly arity: "list";
        readonly sql: (column: string, values: readonly string[], params: SqlParameters) => string;
      }
  );

export interface AggregatorDefinition extends Described {
  /** The DuckDB expression over the quoted column (PostgREST's `column.op()` in its select). */
  readonly sql: (column: string) => string;
}

const ALL = PYTHON_TYPES;
const NOT_JSON = PYTHON_TYPES.filter((type) => type !== "json");
/** The types with an order: comparisons and lists. */
const ORDERED: readonly PythonType[] = ["string", "int", "float", "date", "datetime"];
const TEXT: readonly PythonType[] = ["string", "date", "datetime"];
const NUMBERS: readonly PythonType[] = ["int", "float"];

/** The value's characters that PostgreSQL's LIKE would read as wildcards or as its escape, escaped. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/**
 * The ILIKE pattern of a contains value, as production builds it from what the client sends (`escapeLike(value)`):
 * api-tabular wraps it in `*…*` and PostgREST turns every `*` into `%`. The text is found anywhere, ignoring case;
 * `*` matches anything; `%`, `_` and `\` match themselves.
 */
export const likePattern = (value: string) => `%${escapeLike(value).replaceAll("*", "%")}%`;

const ilike = (c: string, pattern: string, p: SqlParameters) =>
  `(CAST(${c} AS VARCHAR) ILIKE ${p.text(pattern)} ESCAPE '\\')`;

const operators = {
  isnull: {
    postgrest: "is.null",
    arity: "none",
    description: "without a value",
    types: ALL,
    sql: (c) => `${c} IS NULL`,
  },
  isnotnull: {
    postgrest: "not.is.null",
    arity: "none",
    description: "with a value",
    types: ALL,
    sql: (c) => `${c} IS NOT NULL`,
  },
  less: {
    postgrest: "lte",
    arity: "one",
    description: "less than or equal to the value",
    types: ORDERED,
    sql: (c, v, p) => `${c} <= ${p.typed(v)}`,
  },
  greater: {
    postgrest: "gte",
    arity: "one",
    description: "greater than or equal to the value",
    types: ORDERED,
    sql: (c, v, p) => `${c} >= ${p.typed(v)}`,
  },
  strictly_less: {
    postgrest: "lt",
    arity: "one",
    description: "strictly less than the value",
    types: ORDERED,
    sql: (c, v, p) => `${c} < ${p.typed(v)}`,
  },
  strictly_greater: {
    postgrest: "gt",
    arity: "one",
    description: "strictly greater than the value",
    types: ORDERED,
    sql: (c, v, p) => `${c} > ${p.typed(v)}`,
  },
  contains: {
    postgrest: "ilike",
    arity: "one",
    description: "containing the text, ignoring case (* matches anything; %, _ and \\ match themselves)",
    types: TEXT,
    operand: likePattern,
    sql: ilike,
  },
  notcontains: {
    postgrest: "not.ilike",
    arity: "one",
    description: "not containing the text, ignoring case",
    types: TEXT,
    operand: likePattern,
    sql: (c, pattern, p) => `NOT ${ilike(c, pattern, p)}`,
  },
  differs: {
    postgrest: "isdistinct",
    arity: "one",
    description: "different from the value (rows without a value included)",
    types: NOT_JSON,
    sql: (c, v, p) => `${c} IS DISTINCT FROM ${p.typed(v)}`,
  },
  exact: {
    postgrest: "eq",
    arity: "one",
    description: "equal to the value",
    types: NOT_JSON,
    sql: (c, v, p) => `${c} = ${p.typed(v)}`,
  },
  // an empty list matches nothing (and its negation everything), as PostgREST reads `in.()`
  in: {
    postgrest: "in",
    arity: "list",
    description: "equal to one of the comma-separated values",
    types: ORDERED,
    sql: (c, values, p) => (values.length === 0 ? "false" : `${c} IN (${values.map(p.typed).join(", ")})`),
  },
  notin: {
    postgrest: "not.in",
    arity: "list",
    description: "equal to none of the comma-separated values",
    types: ORDERED,
    sql: (c, values, p) => (values.length === 0 ? "true" : `${c} NOT IN (${values.map(p.typed).join(", ")})`),
  },
} satisfies Record<string, OperatorDefinition>;

export type Operator = keyof typeof operators;
export const OPERATOR_TABLE: Readonly<Record<Operator, OperatorDefinition>> = Object.freeze(operators);

/** `col__sort=asc|desc`: not a filter, but listed with them per type. */
export const SORT: Described = Object.freeze({ description: "sorted by this column (asc or desc)", types: NOT_JSON });

const aggregators = {
  groupby: { description: "grouped by this column", types: NOT_JSON, sql: (c) => c },
  count: { description: "count of the values", types: NOT_JSON, sql: (c) => `count(${c})` },
  avg: { description: "mean of the values", types: NUMBERS, sql: (c) => `avg(${c})` },
  max: { description: "largest value", types: NUMBERS, sql: (c) => `max(${c})` },
  min: { description: "smallest value", types: NUMBERS, sql: (c) => `min(${c})` },
  sum: { description: "sum of the values", types: NUMBERS, sql: (c) => `sum(${c})` },
} satisfies Record<string, AggregatorDefinition>;

export type Aggregator = keyof typeof aggregators;
export const AGGREGATOR_TABLE: Readonly<Record<Aggregator, AggregatorDefinition>> = Object.freeze(aggregators);

export const OPERATORS: readonly Operator[] = Object.freeze(Object.keys(operators) as Operator[]);
export const AGGREGATORS: readonly Aggregator[] = Object.freeze(Object.keys(aggregators) as Aggregator[]);

/** Operators that take no value. */
export const UNARY_OPERATORS: readonly Operator[] = Object.freeze(
  OPERATORS.filter((op) => OPERATOR_TABLE[op].arity === "none"),
);

export function isOperator(name: string): name is Operator {
  return Object.hasOwn(OPERATOR_TABLE, name);
}

export function isAggregator(name: string): name is Aggregator {
  return Object.hasOwn(AGGREGATOR_TABLE, name);
}

/** Which operators, sort and aggregators each column type accepts, in the swagger's order. */
export const OPERATORS_BY_TYPE: Readonly<Record<PythonType, readonly (Operator | "sort" | Aggregator)[]>> =
  Object.freeze(
    Object.fromEntries(
      PYTHON_TYPES.map((type) => [
        type,
        Object.freeze([
          ...OPERATORS.filter((op) => OPERATOR_TABLE[op].types.includes(type)),
          ...(SORT.types.includes(type) ? (["sort"] as const) : []),
          ...AGGREGATORS.filter((op) => AGGREGATOR_TABLE[op].types.includes(type)),
        ]),
      ]),
    ) as Record<PythonType, readonly (Operator | "sort" | Aggregator)[]>,
  );
