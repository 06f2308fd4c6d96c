import type { PythonType } from "../../tabular/ast.ts";
import { quote } from "../../duckdb/query-sql.ts";

/**
 * Rows as PostgREST writes them over hydra's tables, computed in DuckDB so a stream never builds them in JavaScript:
 * JSON objects (numbers, booleans, "YYYY-MM-DD" dates, ISO datetimes, json embedded), or lines of PostgREST's CSV.
 */

/** `types` holds the output columns' types; aggregated outputs are absent from it and written as DuckDB gives them. */
export function jsonRowsSql(sql: string, columns: string[], types: Record<string, PythonType | undefined>): string {
  const expressions = columns.map((column) => {
    const c = `q.${quote(column)}`;
    return types[column] === "datetime" ? `replace(CAST(${c} AS VARCHAR), ' ', 'T') AS ${quote(column)}` : `${c} AS ${quote(column)}`;
  });
  return `SELECT to_json(r)::VARCHAR AS line FROM (SELECT ${expressions.join(", ")} FROM (${sql}) q) r`;
}

/**
 * PostgREST's CSV: each row is PostgreSQL's record text without its parentheses. NULL is an empty field, booleans are
 * t/f, whole floats lose their ".0", and a field holding a comma, a double quote, a backslash, a parenthesis or
 * whitespace (or nothing at all) is double-quoted with `"` and `\` doubled.
 */
export function csvRowsSql(sql: string, columns: string[], types: Record<string, PythonType | undefined>): string {
  const fields = columns.map((column) => {
    const c = `q.${quote(column)}`;
    const type = types[column];
    const text = type === "bool" ? `CASE WHEN ${c} THEN 't' ELSE 'f' END` : type === "float" ? `regexp_replace(CAST(${c} AS VARCHAR), '\\.0$', '')` : `CAST(${c} AS VARCHAR)`;
    // an integer, a float or a boolean is never empty and holds none of the characters that call for quotes
    if (type === "int" || type === "float" || type === "bool") return `CASE WHEN ${c} IS NULL THEN '' ELSE ${text} END`;
    return `CASE WHEN ${c} IS NULL THEN '' WHEN ${text} = '' OR regexp_matches(${text}, '[,"\\s()\\\\]') THEN '"' || replace(replace(${text}, '\\', '\\\\'), '"', '""') || '"' ELSE ${text} END`;
  });
  return `SELECT concat_ws(',', ${fields.join(", ")}) AS line FROM (${sql}) q`;
}

