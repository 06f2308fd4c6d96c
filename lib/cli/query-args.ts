import { AGGREGATORS, OPERATORS, type Operator } from "../query/ast.ts";
import { AGGREGATOR_TABLE, OPERATOR_TABLE, type Arity } from "../query/operators.ts";
import type { QueryBuilder } from "../query/builder.ts";
import { checkMemoryLimit } from "../duckdb/connection.ts";
import { FORMATS, type Format } from "../duckdb/export.ts";
import { UsageError } from "./exit.ts";

/** The query options shared by `datagouv tabular` and `datagouv metrics`. */
export const QUERY_OPTIONS = {
  where: { type: "string", multiple: true },
  sort: { type: "string" },
  columns: { type: "string" },
  "group-by": { type: "string", multiple: true },
  agg: { type: "string", multiple: true },
  format: { type: "string" },
  output: { type: "string", short: "o" },
  "memory-limit": { type: "string" },
} as const;

/** The help's table lines, read from the operators' own definitions so that the help cannot drift from them. */
const helpRow = (term: string, description: string) => `${" ".repeat(28)}${term.padEnd(30)}${description}`;
const VALUE_FORMS: Record<Arity, string> = { none: "", one: "=value", list: "=value1,value2" };
const FILTER_ROWS = OPERATORS.map((op) =>
  helpRow(`col__${op}${VALUE_FORMS[OPERATOR_TABLE[op].arity]}`, OPERATOR_TABLE[op].description),
);
const AGGREGATE_ROWS = AGGREGATORS.filter((op) => op !== "groupby").map((op) =>
  helpRow(op, AGGREGATOR_TABLE[op].description),
);

export const QUERY_HELP = `  --where col__op=value   a filter (repeatable), one of:
${FILTER_ROWS.join("\n")}
  --sort col[:desc]       sort by one column
  --columns a,b           the columns to return
  --group-by col          group (repeatable), with --agg col:op (repeatable), op one of:
${AGGREGATE_ROWS.join("\n")}
  --format F              csv, json, ndjson, arrow or parquet (default: from --output's extension, else csv)
  --output FILE           write there (atomically: the file appears only once complete); default stdout
  --memory-limit SIZE     DuckDB's memory budget (default 128MB; past it, it spills to disk): a larger one, such as
                          512MB, writes Parquet on every core for more memory`;

/** `col__op=value` → a filter on the builder; the error says what was expected. */
export function applyWhere<Q extends QueryBuilder<Q>>(query: Q, where: string): Q {
  const equals = where.indexOf("=");
  const key = equals < 0 ? where : where.slice(0, equals);
  const value = equals < 0 ? undefined : where.slice(equals + 1);
  const split = key.lastIndexOf("__");
  if (split <= 0)
    throw new UsageError(
      `--where ${JSON.stringify(where)}: expected column__operator=value, e.g. population__greater=10000`,
    );
  const column = key.slice(0, split);
  const op = key.slice(split + 2);
  if (!(OPERATORS as readonly string[]).includes(op))
    throw new UsageError(
      `--where ${JSON.stringify(where)}: unknown operator ${JSON.stringify(op)}; use one of ${OPERATORS.join(", ")}`,
    );
  if ((op === "isnull" || op === "isnotnull") !== (value === undefined)) {
    throw new UsageError(
      `--where ${JSON.stringify(where)}: ${op === "isnull" || op === "isnotnull" ? `${op} takes no value` : `${op} needs a value (column__${op}=value)`}`,
    );
  }
  const list = op === "in" || op === "notin";
  return query.where(column, op as Operator, list ? value!.split(",") : value);
}

export function applyQueryOptions<Q extends QueryBuilder<Q>>(
  query: Q,
  values: { where?: string[]; sort?: string; columns?: string; "group-by"?: string[]; agg?: string[] },
): Q {
  let q = query;
  for (const where of values.where ?? []) q = applyWhere(q, where);
  if (values.sort) {
    const [column, direction = "asc"] = values.sort.split(":");
    if (direction !== "asc" && direction !== "desc")
      throw new UsageError(`--sort ${JSON.stringify(values.sort)}: expected column or column:desc`);
    q = q.sort(column, direction);
  }
  if (values.columns)
    q = q.columns(
      values.columns
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    );
  for (const column of values["group-by"] ?? []) q = q.groupBy(column);
  for (const agg of values.agg ?? []) {
    const [column, op] = agg.split(":");
    if (!column || !op || !(AGGREGATORS as readonly string[]).includes(op) || op === "groupby") {
      throw new UsageError(`--agg ${JSON.stringify(agg)}: expected column:op with op one of count, avg, min, max, sum`);
    }
    q = q.aggregate(column, op as "count");
  }
  return q;
}

export function outputFormat(format: string | undefined, output: string | undefined): Format {
  const chosen =
    format ?? (output ? /\.(\w+)$/.exec(output)?.[1]?.replace(/^(ipc|feather)$/, "arrow") : undefined) ?? "csv";
  if (!(FORMATS as readonly string[]).includes(chosen))
    throw new UsageError(`unknown format ${JSON.stringify(chosen)}: use ${FORMATS.join(", ")}`);
  return chosen as Format;
}

/** `--memory-limit`, checked before anything is fetched. */
export function memoryLimitOption(size: string | undefined): string | undefined {
  if (size === undefined) return undefined;
  try {
    return checkMemoryLimit(size);
  } catch (error) {
    throw new UsageError(`--memory-limit: ${(error as Error).message}`);
  }
}
