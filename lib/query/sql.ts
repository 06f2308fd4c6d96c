import type { DuckDBValue } from "@duckdb/node-api";
import { aggregationKey, type Condition, type Filter, type PythonType, type QuerySpec } from "./ast.ts";
import { AGGREGATOR_TABLE, OPERATOR_TABLE, type SqlParameters } from "./operators.ts";

/**
 * A query of the Tabular/Metrics model as DuckDB SQL, with the meaning PostgREST gives it over Postgres: each
 * operator's SQL is its definition in operators.ts, values are cast to the column's type, descending sorts put NULLs
 * first. Every value is a bound parameter.
 */

/** A column the table does not have: the API relays PostgREST's 42703 "column … does not exist". */
export class UnknownColumn extends Error {
  constructor(readonly column: string) {
    super(`column ${column} does not exist`);
  }
}

/**
 * A value the column's type cannot read, by PostgreSQL's input rules (stricter than DuckDB's casts: "1.5" is no
 * integer): the API relays PostgREST's 22P02 "invalid input syntax for type …".
 */
export class InvalidValue extends Error {
  constructor(
    readonly type: PythonType,
    readonly value: string,
  ) {
    super(`invalid input syntax for type ${POSTGRES_TYPES[type]}: "${value}"`);
  }
}

/** How PostgreSQL names the column types hydra creates, as its error messages spell them. */
export const POSTGRES_TYPES: Record<PythonType, string> = {
  string: "character varying",
  int: "integer",
  float: "double precision",
  bool: "boolean",
  date: "date",
  datetime: "timestamp",
  json: "json",
};

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
}

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
  const where = spec.where.map((condition) => conditionSql(condition, types, params, known));
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
    else if (groups.length > 0) order = ` ORDER BY ${groups.map(quote).join(", ")}`;
  } else {
    columns = spec.columns ? spec.columns.map(known) : Object.keys(types);
    select = columns.map(quote);
    const tieBreak = Object.hasOwn(types, "__id") ? ", __id" : "";
    if (spec.sort)
      order = ` ORDER BY ${orderTerm(known(spec.sort.column), spec.sort.direction)}${spec.sort.column === "__id" ? "" : tieBreak}`;
    else if (
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

function orderTerm(column: string, direction: "asc" | "desc"): string {
  return `${quote(column)} ${direction === "asc" ? "ASC NULLS LAST" : "DESC NULLS FIRST"}`;
}

function conditionSql(
  condition: Condition,
  types: Record<string, PythonType>,
  params: DuckDBValue[],
  known: (c: string) => string,
): string {
  if (condition.type !== "filter") {
    const joiner = condition.type === "or" ? " OR " : " AND ";
    return `(${condition.items.map((item) => conditionSql(item, types, params, known)).join(joiner)})`;
  }
  return filterSql(condition, types[known(condition.column)], params);
}

function filterSql(filter: Filter, type: PythonType, params: DuckDBValue[]): string {
  const bind: SqlParameters = {
    typed: (value) => {
      params.push(readAs(type, value));
      return `CAST(? AS ${SQL_TYPES[type]})`;
    },
    text: (value) => {
      params.push(value);
      return "?";
    },
  };
  const c = quote(filter.column);
  const definition = OPERATOR_TABLE[filter.op];
  switch (definition.arity) {
    case "none":
      return definition.sql(c);
    case "one":
      return definition.sql(c, filter.value as string, bind);
    case "list":
      return definition.sql(c, filter.value as string[], bind);
  }
}

/**
 * The value as PostgreSQL reads it for the column's type, where DuckDB's cast would read more: integers without a
 * fraction, floats in plain or scientific notation, booleans spelled as PostgreSQL spells them (and their prefixes).
 * Dates, datetimes and JSON are left to DuckDB's cast.
 */
function readAs(type: PythonType, value: string): string {
  const text = value.trim();
  switch (type) {
    case "int":
      if (!/^[+-]?\d+$/.test(text)) throw new InvalidValue(type, value);
      return text;
    case "float":
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?(nan|inf|infinity)$/i.test(text))
        throw new InvalidValue(type, value);
      return text;
    case "bool": {
      const word = text.toLowerCase();
      if (word === "1" || word === "on" || (word !== "" && ("true".startsWith(word) || "yes".startsWith(word))))
        return "true";
      if (
        word === "0" ||
        word === "of" ||
        word === "off" ||
        (word !== "" && ("false".startsWith(word) || "no".startsWith(word)))
      )
        return "false";
      throw new InvalidValue(type, value);
    }
    default:
      return value;
  }
}
