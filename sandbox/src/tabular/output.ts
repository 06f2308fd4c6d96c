import type { PythonType } from "datagouv-kit/query";
import { quote } from "datagouv-kit/query";
import type { Duck } from "datagouv-kit/duckdb";
import { ident } from "../db.ts";

/**
 * Rows as PostgREST writes them over hydra's tables, computed in DuckDB so a stream never builds them in JavaScript:
 * JSON objects (numbers, booleans, "YYYY-MM-DD" dates, ISO datetimes, json embedded), or lines of PostgREST's CSV.
 */

/** `types` holds the output columns' types; aggregated outputs are absent from it and written as DuckDB gives them. */
export function jsonRowsSql(sql: string, columns: string[], types: Record<string, PythonType | undefined>): string {
  const expressions = columns.map((column) => {
    const c = `q.${quote(column)}`;
    return types[column] === "datetime"
      ? `replace(CAST(${c} AS VARCHAR), ' ', 'T') AS ${quote(column)}`
      : `${c} AS ${quote(column)}`;
  });
  return `SELECT to_json(r)::VARCHAR AS line FROM (SELECT ${expressions.join(", ")} FROM (${sql}) q) r`;
}

/** Whether PostgreSQL's record text quotes a value: empty, or holding a comma, a double quote, whitespace, a parenthesis or a backslash. */
export function needsQuotesSql(text: string): string {
  return `(${text} = '' OR regexp_matches(${text}, '[,"\\s()\\\\]'))`;
}

/** Types whose values PostgreSQL's record text writes without ever quoting them (numbers and t/f). */
const NEVER_QUOTED: ReadonlySet<PythonType | undefined> = new Set(["int", "float", "bool"]);

/**
 * PostgREST's CSV: each row is PostgreSQL's record text without its parentheses. NULL is an empty field, booleans are
 * t/f, whole floats lose their ".0", and a field holding a comma, a double quote, a backslash, a parenthesis or
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
    types[column] === "float" ? `CAST(q.${quote(column)} AS VARCHAR) AS ${quote(column)}` : `q.${quote(column)}`,
  );
  const fields = columns.map((column) => {
    const c = `q.${quote(column)}`;
    const type = types[column];
    if (plain.has(column) && !NEVER_QUOTED.has(type)) return `coalesce(CAST(${c} AS VARCHAR), '')`;
    // an integer, a float or a boolean is never empty and holds none of the characters that call for quotes
    if (type === "float")
      return `CASE WHEN ${c} IS NULL THEN '' WHEN ends_with(${c}, '.0') THEN substr(${c}, 1, length(${c}) - 2) ELSE ${c} END`;
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
