import type { PythonType } from "datagouv-kit/query";
import { quote } from "datagouv-kit/query";
import type { Duck } from "datagouv-kit/duckdb";
import { ident } from "../db.ts";

/**
 * Rows as PostgREST writes them over hydra's tables, computed in DuckDB so a stream never builds them in JavaScript:
 * JSON objects (numbers, booleans, "YYYY-MM-DD" dates, ISO datetimes, json embedded), or lines of PostgREST's CSV.
 */

/**
 * A double's text as PostgreSQL 15 writes it (float8out, shortest exact digits): from DuckDB's text `t` (Python's
 * repr: fixed from 1e-4 to 1e16, `.0` on whole values), fixed only below 1e15, no `.0`, NaN and Infinity spelled so.
 */
export function postgresFloatSql(t: string): string {
  const digits = `rtrim(replace(ltrim(${t}, '-'), '.', ''), '0')`;
  const exponent15 =
    `(CASE WHEN starts_with(${t}, '-') THEN '-' ELSE '' END) || left(${digits}, 1) || CASE WHEN length(${digits}) ` +
    `> 1 THEN '.' || substr(${digits}, 2) ELSE '' END || 'e+15'`;
  return (
    `CASE WHEN contains(${t}, 'n') THEN CASE ${t} WHEN 'nan' THEN 'NaN' WHEN 'inf' THEN 'Infinity' ELSE ` +
    `'-Infinity' END WHEN contains(${t}, 'e') THEN ${t} WHEN length(split_part(ltrim(${t}, '-'), '.', 1)) = 16 ` +
    `THEN ${exponent15} WHEN ends_with(${t}, '.0') THEN substr(${t}, 1, length(${t}) - 2) ELSE ${t} END`
  );
}

/**
 * A double's text in a `/data/` page, which passes through Python's json: PostgreSQL's whole numbers (no "." nor
 * "e") are read as ints and written back so, the rest as floats, written by repr (DuckDB's own text); NaN and the
 * infinities came as JSON strings.
 */
function pageFloatSql(t: string): string {
  return (
    `CASE WHEN contains(${t}, 'n') THEN CASE ${t} WHEN 'nan' THEN '"NaN"' WHEN 'inf' THEN '"Infinity"' ELSE ` +
    `'"-Infinity"' END WHEN contains(${t}, 'e') OR length(split_part(ltrim(${t}, '-'), '.', 1)) = 16 THEN ${t} ` +
    `WHEN ${t} = '-0.0' THEN '0' WHEN ends_with(${t}, '.0') THEN substr(${t}, 1, length(${t}) - 2) ELSE ${t} END`
  );
}

const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** One JSON object a row, built as text so that each value is written as its source writes it. */
function objectSql(sql: string, columns: string[], value: (column: string) => string, separators: [string, string]) {
  const fields = columns.map(
    (column) => `${sqlText(`${JSON.stringify(column)}${separators[1]}`)} || coalesce(${value(column)}, 'null')`,
  );
  return `SELECT '{' || ${fields.length ? fields.join(` || ${sqlText(separators[0])} || `) : "''"} || '}' AS line FROM (${sql}) q`;
}

function valueJson(column: string, type: PythonType | undefined, float: (t: string) => string): string {
  const c = `q.${quote(column)}`;
  if (type === "float") return float(`CAST(${c} AS VARCHAR)`);
  if (type === "datetime") return `to_json(replace(CAST(${c} AS VARCHAR), ' ', 'T'))::VARCHAR`;
  return `to_json(${c})::VARCHAR`;
}

/**
 * Rows as PostgREST writes them in the JSON stream over hydra's tables: numbers, booleans, "YYYY-MM-DD" dates, ISO
 * datetimes, json embedded, doubles as PostgreSQL writes them. `types` holds the output columns' types.
 */
export function jsonRowsSql(sql: string, columns: string[], types: Record<string, PythonType | undefined>): string {
  return objectSql(sql, columns, (column) => valueJson(column, types[column], postgresFloatSql), [",", ":"]);
}

/** Rows of a `/data/` page: what PostgREST sent, after Python's json (its separators, its floats). */
export function pageRowsSql(sql: string, columns: string[], types: Record<string, PythonType | undefined>): string {
  return objectSql(sql, columns, (column) => valueJson(column, types[column], pageFloatSql), [", ", ": "]);
}

/** Whether PostgreSQL's record text quotes a value: empty, or holding a comma, a double quote, whitespace, a parenthesis or a backslash. */
export function needsQuotesSql(text: string): string {
  return `(${text} = '' OR regexp_matches(${text}, '[,"\\s()\\\\]'))`;
}

/** Types whose values PostgreSQL's record text writes without ever quoting them (numbers and t/f). */
const NEVER_QUOTED: ReadonlySet<PythonType | undefined> = new Set(["int", "float", "bool"]);

/**
 * PostgREST's CSV: each row is PostgreSQL's record text without its parentheses. NULL is an empty field, booleans are
 * t/f, doubles are written as PostgreSQL writes them, and a field holding a comma, a double quote, a backslash, a parenthesis or
 * whitespace (or nothing at all) is double-quoted with `"` and `\` doubled. Columns in `plain` hold no value whose
 * text needs quotes (a statistic kept per table), so theirs are written without the test. A float's text is computed
 * once, in an inner projection, rather than once per test.
 */
export function csvRowsSql(
  sql: string,
  columns: string[],
  types: Record<string, PythonType | undefined>,
  plain: ReadonlySet<string> = new Set(),
): string {
  const inner = columns.map((column) =>
    types[column] === "float"
      ? `${postgresFloatSql(`CAST(q.${quote(column)} AS VARCHAR)`)} AS ${quote(column)}`
      : `q.${quote(column)}`,
  );
  const fields = columns.map((column) => {
    const c = `q.${quote(column)}`;
    const type = types[column];
    if (plain.has(column) && !NEVER_QUOTED.has(type)) return `coalesce(CAST(${c} AS VARCHAR), '')`;
    // an integer, a float or a boolean is never empty and holds none of the characters that call for quotes
    if (type === "float") return `coalesce(${c}, '')`;
    if (type === "bool") return `CASE WHEN ${c} IS NULL THEN '' WHEN ${c} THEN 't' ELSE 'f' END`;
    if (type === "int") return `coalesce(CAST(${c} AS VARCHAR), '')`;
    const text = `CAST(${c} AS VARCHAR)`;
    return `CASE WHEN ${c} IS NULL THEN '' WHEN ${needsQuotesSql(text)} THEN '"' || replace(replace(${text}, '\\', '\\\\'), '"', '""') || '"' ELSE ${text} END`;
  });
  return `SELECT concat_ws(',', ${fields.join(", ")}) AS line FROM (SELECT ${inner.join(", ")} FROM (${sql}) q) q`;
}

/**
 * The columns of a table written as text (strings, dates, datetimes, json: numbers and booleans never need the test)
 * none of whose values PostgreSQL's record text would quote (NULLs aside), found in one scan. A datetime's space always
 * calls for quotes.
 */
export async function plainTextColumns(
  db: Duck,
  table: string,
  columns: { name: string; type: PythonType }[],
): Promise<string[]> {
  const text = columns.filter((c) => !NEVER_QUOTED.has(c.type)).map((c) => c.name);
  if (!text.length) return [];
  const tests = text.map(
    (column, i) => `coalesce(bool_or(${needsQuotesSql(`CAST(${quote(column)} AS VARCHAR)`)}), false) AS "${i}"`,
  );
  const [quoted] = await db.all<Record<string, boolean>>(`SELECT ${tests.join(", ")} FROM ${ident(table)}`);
  return text.filter((_, i) => !quoted[String(i)]);
}
