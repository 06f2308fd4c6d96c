import type { DuckDBValue } from "@duckdb/node-api";
import { aggregationKey, type Condition, type Filter, type PythonType, type QuerySpec } from "./ast.ts";
import { AGGREGATOR_TABLE, OPERATOR_TABLE, type SqlParameters } from "./operators.ts";
import { DatabaseError, readValue, TYPE_NAMES } from "./postgres-input.ts";

/**
 * A query of the Tabular/Metrics model as DuckDB SQL, with the meaning PostgREST gives it over PostgreSQL 15: each
 * operator's SQL is its definition in operators.ts, values are read by PostgreSQL's input rules (postgres-input.ts)
 * and cast to the column's type, text is ordered and compared as en_US.UTF-8 orders it (DuckDB's ICU collation
 * `en_us`; `collation: "bytes"` for byte order, PostgreSQL's C.UTF-8), descending sorts put NULLs first, and what
 * PostgreSQL refuses is refused with its SQLSTATE. Every value is a bound parameter.
 */

/** A column the table does not have: the API relays PostgREST's 42703 "column … does not exist". */
export class UnknownColumn extends DatabaseError {
  constructor(readonly column: string) {
    super("42703", `column ${column} does not exist`);
  }
}

/**
 * A value the column's type cannot read, by PostgreSQL's input rules (stricter than DuckDB's casts: "1.5" is no
 * integer): 22P02 "invalid input syntax for type …", 22007 for dates and timestamps, 22003 and 22008 out of range.
 */
export { DatabaseError } from "./postgres-input.ts";

/** How PostgreSQL names the column types hydra creates, as its error messages spell them. */
export const POSTGRES_TYPES: Record<PythonType, string> = { ...TYPE_NAMES };

export interface SqlOptions {
  limit?: number | undefined;
  offset?: number | undefined;
  /** Order by `__id` when there is no sort and no aggregation (the Tabular API's default); off for local files without one. */
  defaultOrder?: boolean | undefined;
  /**
   * The table's rows are stored in `__id` order: without a LIMIT, the default order then needs no sort, since DuckDB
   * gives a query without ORDER BY its rows in insertion order (`preserve_insertion_order`, on by default).
   */
  storedInIdOrder?: boolean | undefined;
  /** How text is ordered: as en_US.UTF-8 orders it (the default, production's), or byte by byte. */
  collation?: Collation | undefined;
  /** What orders rows a sort leaves tied (default `__id`): the sandbox varies it with the offset, as PostgreSQL does. */
  tieBreak?: string | undefined;
}

export type Collation = "en_us" | "bytes";

export interface Sql {
  sql: string;
  params: DuckDBValue[];
  /** The output columns, in order. */
  columns: string[];
}

/** The DuckDB type each of csv-detective's python types is stored as. */
export const SQL_TYPES: Record<PythonType, string> = {
  string: "VARCHAR",
  int: "BIGINT",
  float: "DOUBLE",
  bool: "BOOLEAN",
  date: "DATE",
  datetime: "TIMESTAMP",
  json: "JSON",
};

export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function querySql(
  spec: QuerySpec,
  from: string,
  types: Record<string, PythonType>,
  options: SqlOptions = {},
): Sql {
  const params: DuckDBValue[] = [];
  const known = (column: string) => {
    if (!Object.hasOwn(types, column)) throw new UnknownColumn(column);
    return column;
  };
  const collated = (column: string) =>
    types[column] === "string" && options.collation !== "bytes" ? `${quote(column)} COLLATE en_us` : quote(column);
  const orderTerm = (column: string, direction: "asc" | "desc") =>
    `${collated(column)} ${direction === "asc" ? "ASC NULLS LAST" : "DESC NULLS FIRST"}`;
  const where = spec.where.map((condition) => conditionSql(condition, types, params, known, collated));
  let select: string[];
  let columns: string[];
  let groupBy = "";
  let order = "";
  if (spec.aggregations.length > 0) {
    const groups = spec.aggregations.filter((a) => a.op === "groupby").map((a) => known(a.column));
    select = spec.aggregations.map((a) => {
      const expression = AGGREGATOR_TABLE[a.op].sql(quote(known(a.column)));
      return `${expression} AS ${quote(aggregationKey(a))}`;
    });
    columns = spec.aggregations.map(aggregationKey);
    if (groups.length > 0) groupBy = ` GROUP BY ${groups.map(quote).join(", ")}`;
    if (spec.sort) order = ` ORDER BY ${orderTerm(spec.sort.column, spec.sort.direction)}`;
    else if (groups.length > 0) order = ` ORDER BY ${groups.map(collated).join(", ")}`;
  } else {
    columns = spec.columns ? spec.columns.map(known) : Object.keys(types);
    select = columns.map(quote);
    const tieBreak = options.tieBreak ?? (Object.hasOwn(types, "__id") ? "__id" : undefined);
    if (spec.sort) {
      const term = orderTerm(known(spec.sort.column), spec.sort.direction);
      order = ` ORDER BY ${term}${spec.sort.column === "__id" || !tieBreak ? "" : `, ${tieBreak}`}`;
    } else if (
      options.defaultOrder !== false &&
      Object.hasOwn(types, "__id") &&
      !(options.storedInIdOrder && options.limit === undefined && !options.offset)
    )
      order = " ORDER BY __id";
  }
  let sql = `SELECT ${select.join(", ")} FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""}${groupBy}${order}`;
  if (options.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
  if (options.offset) sql += ` OFFSET ${Math.max(0, Math.floor(options.offset))}`;
  return { sql, params, columns };
}

function conditionSql(
  condition: Condition,
  types: Record<string, PythonType>,
  params: DuckDBValue[],
  known: (c: string) => string,
  collated: (c: string) => string,
): string {
  if (condition.type !== "filter") {
    const joiner = condition.type === "or" ? " OR " : " AND ";
    return `(${condition.items.map((item) => conditionSql(item, types, params, known, collated)).join(joiner)})`;
  }
  const column = known(condition.column);
  return filterSql(condition, column === "__id" ? "id" : types[column], params, collated(column));
}

/** PostgreSQL's operator symbols, for its 42883 "operator does not exist". */
const SYMBOLS: Record<string, string> = {
  contains: "~~*",
  notcontains: "~~*",
  less: "<=",
  greater: ">=",
  strictly_less: "<",
  strictly_greater: ">",
};

function filterSql(filter: Filter, type: PythonType | "id", params: DuckDBValue[], collated: string): string {
  const definition = OPERATOR_TABLE[filter.op];
  const textual = filter.op === "contains" || filter.op === "notcontains";
  // ILIKE is text's; json has no comparison at all
  if ((textual && type !== "string") || (type === "json" && definition.arity !== "none"))
    throw new DatabaseError(
      "42883",
      `operator does not exist: ${TYPE_NAMES[type]} ${SYMBOLS[filter.op] ?? "="} unknown`,
      "No operator matches the given name and argument types. You might need to add explicit type casts.",
    );
  const sqlType = type === "id" ? "BIGINT" : SQL_TYPES[type];
  const bind: SqlParameters = {
    typed: (value) => {
      const read = readValue(type, value);
      params.push(read.text);
      return read.carry ? `(CAST(? AS ${sqlType}) + INTERVAL 1 MICROSECOND)` : `CAST(? AS ${sqlType})`;
    },
    text: (value) => {
      params.push(value);
      return "?";
    },
  };
  const c = ORDERED_OPERATORS.has(filter.op) ? collated : quote(filter.column);
  switch (definition.arity) {
    case "none":
      return definition.sql(c);
    case "one": {
      const operand = filter.pattern ?? definition.operand?.(filter.value as string) ?? (filter.value as string);
      if (textual && /(^|[^\\])(\\\\)*\\$/.test(operand))
        throw new DatabaseError("22025", "LIKE pattern must not end with escape character");
      return definition.sql(c, operand, bind);
    }
    case "list":
      return definition.sql(c, filter.value as string[], bind);
  }
}

/** Comparisons that order text, under the collation; equality stays byte for byte, as PostgreSQL's deterministic one. */
const ORDERED_OPERATORS = new Set(["less", "greater", "strictly_less", "strictly_greater"]);
