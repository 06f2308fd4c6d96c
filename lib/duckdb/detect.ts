import type { PythonType } from "../query/ast.ts";
import { SQL_TYPES } from "../query/sql.ts";
import type { ColumnDetection, ColumnStats, CsvProfile } from "../tabular/profile.ts";
import { quote as ident } from "../query/sql.ts";

/** Anything that runs a query with bound parameters and returns rows as objects. */
export interface Queryable {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Column typing and profiling in the manner of csv-detective, done in DuckDB over the loaded text: a column is an int,
 * float, bool, date, datetime or json when every non-empty value reads as one; codes with leading zeros stay strings.
 */

const PATTERNS: Record<Exclude<PythonType, "string">, string> = {
  int: "^-?(0|[1-9][0-9]*)$",
  // a leading zero makes a code ("01001"), not a number
  float: "^-?((0|[1-9][0-9]*)([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$",
  bool: "(?i)^(true|false|t|f|oui|non|yes|no)$",
  date: "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
  datetime: "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?([+-][0-9]{2}:?[0-9]{2}|Z)?$",
  json: "^\\s*[\\[{]",
};

/** The format csv-detective would name, for the few that matter to people reading a profile. */
const FORMATS: [string, string][] = [
  ["uuid", "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"],
  ["url", "^https?://"],
  ["code_commune_insee", "^([013-9][0-9]|2[AB1-9])[0-9]{3}$"],
  ["code_postal", "^[0-9]{5}$"],
  ["code_departement", "^([013-9][0-9]|2[AB1-9]|97[1-6])$"],
  ["code_region", "^[0-9]{2}$"],
];

const TYPE_ORDER: Exclude<PythonType, "string">[] = ["bool", "int", "float", "date", "datetime", "json"];

export interface DetectedColumn {
  name: string;
  type: PythonType;
  format: string;
}

/** Types the VARCHAR columns of `table` from their content. */
export async function detectColumns(db: Queryable, table: string, columns: string[]): Promise<DetectedColumn[]> {
  if (columns.length === 0) return [];
  const selects: string[] = [];
  columns.forEach((column, i) => {
    const c = ident(column);
    selects.push(`count(nullif(trim(${c}), '')) AS n${i}`);
    for (const type of TYPE_ORDER)
      selects.push(`count(*) FILTER (WHERE regexp_matches(trim(${c}), '${PATTERNS[type]}')) AS ${type}${i}`);
    selects.push(`count(*) FILTER (WHERE json_valid(${c}) AND regexp_matches(${c}, '${PATTERNS.json}')) AS jsonok${i}`);
    FORMATS.forEach(([, pattern], f) =>
      selects.push(`count(*) FILTER (WHERE regexp_matches(trim(${c}), '${pattern}')) AS f${f}_${i}`),
    );
  });
  const [counts] = await db.all<Record<string, bigint>>(`SELECT ${selects.join(", ")} FROM ${ident(table)}`);
  return columns.map((name, i) => {
    const n = Number(counts[`n${i}`]);
    const all = (key: string) => n > 0 && Number(counts[key]) === n;
    let type: PythonType = "string";
    if (all(`bool${i}`)) type = "bool";
    else if (all(`int${i}`)) type = "int";
    else if (all(`float${i}`)) type = "float";
    else if (all(`date${i}`)) type = "date";
    else if (all(`datetime${i}`)) type = "datetime";
    else if (all(`json${i}`) && all(`jsonok${i}`)) type = "json";
    let format: string = {
      string: "string",
      int: "int",
      float: "float",
      bool: "booleen",
      date: "date",
      datetime: "datetime_naive",
      json: "json",
    }[type];
    if (type === "string") {
      const found = FORMATS.findIndex((_, f) => all(`f${f}_${i}`));
      if (found >= 0) format = FORMATS[found][0];
    }
    return { name, type, format };
  });
}

/** The expression turning a text column into its detected type. */
export function castExpression(column: DetectedColumn): string {
  const c = `nullif(trim(${ident(column.name)}), '')`;
  switch (column.type) {
    case "bool":
      return `CASE WHEN lower(${c}) IN ('true','t','oui','yes') THEN true WHEN lower(${c}) IN ('false','f','non','no') THEN false END`;
    case "string":
      return `nullif(${ident(column.name)}, '')`;
    default:
      return `CAST(${c} AS ${SQL_TYPES[column.type]})`;
  }
}

/** Statistics of a typed table, shaped as csv-detective's `profile` section, plus the whole profile around it. */
export async function computeProfile(
  db: Queryable,
  table: string,
  columns: DetectedColumn[],
  source: { encoding: string; separator: string },
): Promise<CsvProfile> {
  const t = ident(table);
  const [{ total }] = await db.all<{ total: number }>(`SELECT count(*)::INTEGER AS total FROM ${t}`);
  const stats: Record<string, ColumnStats> = {};
  const detections: Record<string, ColumnDetection> = {};
  const formats: Record<string, string[]> = {};
  const categorical: string[] = [];
  for (const column of columns) {
    const c = ident(column.name);
    const numeric = column.type === "int" || column.type === "float";
    const [summary] = await db.all<Record<string, number | null>>(
      `SELECT count(DISTINCT ${c})::INTEGER AS nb_distinct, (count(*) - count(${c}))::INTEGER AS nb_missing_values` +
        (numeric
          ? `, min(${c})::DOUBLE AS min, max(${c})::DOUBLE AS max, avg(${c})::DOUBLE AS mean, stddev_samp(${c})::DOUBLE AS std`
          : "") +
        ` FROM ${t}`,
    );
    const tops =
      column.type === "json"
        ? []
        : await db.all<{ value: unknown; count: number }>(
            `SELECT ${c}${column.type === "date" || column.type === "datetime" ? "::VARCHAR" : ""} AS value, ` +
              `count(*)::INTEGER AS count FROM ${t} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
          );
    stats[column.name] = {
      tops: tops.map(({ value, count }) => ({ count, value: typeof value === "bigint" ? Number(value) : value })),
      ...summary,
    };
    if (numeric)
      for (const key of ["min", "max", "mean", "std"] as const)
        stats[column.name][key] = round(stats[column.name][key] as number | null);
    detections[column.name] = { python_type: column.type, format: column.format, score: 1 };
    (formats[column.format] ??= []).push(column.name);
    if (!numeric && total > 0 && Number(summary.nb_distinct) <= Math.min(25, total / 2)) categorical.push(column.name);
  }
  const [{ duplicates }] = columns.length
    ? await db.all<{ duplicates: number }>(
        `SELECT (count(*) - (SELECT count(*) FROM (SELECT DISTINCT ` +
          `${columns.map((c) => ident(c.name)).join(", ")} FROM ${t})))::INTEGER AS duplicates FROM ${t}`,
      )
    : [{ duplicates: 0 }];
  return {
    encoding: source.encoding,
    separator: source.separator,
    header_row_idx: 0,
    header: columns.map((c) => c.name),
    total_lines: total,
    nb_duplicates: duplicates,
    heading_columns: 0,
    trailing_columns: 0,
    categorical,
    columns_fields: Object.fromEntries(
      columns.map((c) => [c.name, { python_type: c.type, format: c.format, score: 1 }]),
    ),
    columns_labels: Object.fromEntries(
      columns.map((c) => [c.name, { python_type: c.type, format: c.format, score: 1 }]),
    ),
    columns: detections,
    formats,
    profile: stats,
  };
}

function round(value: number | null): number | null {
  return value === null || value === undefined ? null : Math.round(value * 1e6) / 1e6;
}
