import { abbreviate } from "../http/errors.ts";
import { AGGREGATORS, OPERATORS, type Operator } from "../query/ast.ts";
import { AGGREGATOR_TABLE, OPERATOR_TABLE, type Arity } from "../query/operators.ts";
import type { QueryBuilder } from "../query/builder.ts";
import { FORMATS, type Format } from "../duckdb/formats.ts";
import { UsageError } from "./exit.ts";
import { DETAIL_COLUMN } from "./help.ts";
import type { OptionTable } from "./options.ts";
import { didYouMean } from "./suggest.ts";

/** The help's table lines, read from the operators' own definitions so that the help cannot drift from them. */
const helpRow = (term: string, description: string) => `${" ".repeat(DETAIL_COLUMN)}${term.padEnd(30)}${description}`;
const VALUE_FORMS: Record<Arity, string> = { none: "", one: "=value", list: "=value1,value2" };
const FILTER_ROWS = OPERATORS.map((op) =>
  helpRow(`col__${op}${VALUE_FORMS[OPERATOR_TABLE[op].arity]}`, OPERATOR_TABLE[op].description),
);
const AGGREGATES = AGGREGATORS.filter((op) => op !== "groupby");
const AGGREGATE_ROWS = AGGREGATES.map((op) => helpRow(op, AGGREGATOR_TABLE[op].description));

/** The query options shared by `datagouv tabular` and `datagouv metrics`, in the order the help lists them. */
export const FILTER_OPTIONS = {
  where: {
    type: "string",
    multiple: true,
    value: "col__op=value",
    help: "a filter (repeatable; all must hold), one of:",
    details: FILTER_ROWS,
  },
  sort: { type: "string", value: "col[:desc]", help: "sort by one column" },
  columns: { type: "string", value: "a,b", help: "the columns to return" },
  "group-by": { type: "string", multiple: true, value: "col", help: "group by a column (repeatable), with --agg" },
  agg: {
    type: "string",
    multiple: true,
    value: "col:op",
    help: "aggregate a column (repeatable), op one of:",
    details: AGGREGATE_ROWS,
  },
} as const satisfies OptionTable;

export const OUTPUT_OPTIONS = {
  format: {
    type: "string",
    value: "FORMAT",
    help: `the output's format: ${FORMATS.join(", ")} (default: from --output's extension, else csv)`,
  },
  output: {
    type: "string",
    short: "o",
    value: "FILE",
    help: "write there (atomically: the file appears only once complete, in a folder that exists); default stdout",
  },
  "memory-limit": {
    type: "string",
    value: "SIZE",
    help: "DuckDB's memory budget (default 128MB; past it, it spills to disk): a larger one, such as 512MB, writes Parquet on every core for more memory",
  },
} as const satisfies OptionTable;

/** `col__op=value` → a filter on the builder; the error says what was expected. */
export function applyWhere<Q extends QueryBuilder<Q>>(query: Q, where: string): Q {
  const equals = where.indexOf("=");
  const key = equals < 0 ? where : where.slice(0, equals);
  const value = equals < 0 ? undefined : where.slice(equals + 1);
  const split = key.lastIndexOf("__");
  if (split <= 0)
    throw new UsageError(
      `--where ${JSON.stringify(abbreviate(where, 80))}: expected column__operator=value, e.g. population__greater=10000`,
    );
  const column = key.slice(0, split);
  const op = key.slice(split + 2);
  const shown = JSON.stringify(abbreviate(where, 80));
  if (!Object.hasOwn(OPERATOR_TABLE, op)) {
    const like = didYouMean(op, OPERATORS);
    throw new UsageError(
      `--where ${shown}: unknown operator ${JSON.stringify(op)}${like || `; use one of ${OPERATORS.join(", ")}`}`,
    );
  }
  const { arity } = OPERATOR_TABLE[op as Operator];
  if (arity === "none" && value !== undefined)
    throw new UsageError(`--where ${shown}: ${op} takes no value (write column__${op})`);
  if (arity !== "none" && value === undefined)
    throw new UsageError(`--where ${shown}: ${op} needs a value (column__${op}${VALUE_FORMS[arity]})`);
  const list = arity === "list";
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
    if (!column || !op || !(AGGREGATES as readonly string[]).includes(op)) {
      const like = op ? didYouMean(op, AGGREGATES) : "";
      throw new UsageError(
        `--agg ${JSON.stringify(agg)}: expected column:op with op one of ${AGGREGATES.join(", ")}${like}`,
      );
    }
    q = q.aggregate(column, op as "count");
  }
  return q;
}

/** `--format`, else the extension of `--output` (.ipc and .feather are Arrow files), else CSV. */
export function outputFormat(format: string | undefined, output: string | undefined): Format {
  const extension = output
    ? /\.(\w+)$/
        .exec(output)?.[1]
        ?.toLowerCase()
        .replace(/^(ipc|feather)$/, "arrow")
    : undefined;
  const chosen = format ?? extension ?? "csv";
  if ((FORMATS as readonly string[]).includes(chosen)) return chosen as Format;
  if (format !== undefined)
    throw new UsageError(
      `--format ${JSON.stringify(format)}: not a format${didYouMean(format, FORMATS) || `; use one of ${FORMATS.join(", ")}`}`,
    );
  throw new UsageError(
    `--output ${JSON.stringify(output)}: .${extension} is not an output format; name the file .${FORMATS.join(", .")}, or give --format`,
  );
}

/** `--memory-limit`, checked before anything is fetched (by the engine's own rule, loaded only then). */
export async function memoryLimitOption(size: string | undefined): Promise<string | undefined> {
  if (size === undefined) return undefined;
  const { checkMemoryLimit } = await import("../duckdb/connection.ts");
  try {
    return checkMemoryLimit(size);
  } catch (error) {
    throw new UsageError(`--memory-limit: ${(error as Error).message}`);
  }
}
