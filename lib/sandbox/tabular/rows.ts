import type { ServerResponse } from "node:http";
import type { DuckDBValue } from "@duckdb/node-api";
import type { PythonType, QuerySpec } from "../../tabular/ast.ts";
import { querySql, quote, UnknownColumn } from "../../duckdb/query-sql.ts";
import { ident, type SandboxDb } from "../db.ts";
import { MalformedQuery, parseQueryString } from "../query/parse.ts";
import { CORS_HEADERS, sendJson, sendText, write } from "../respond.ts";
import type { SandboxRequest } from "../types.ts";

/**
 * `/data/`, `/data/json/` and `/data/csv/` over one DuckDB table, shared by the Tabular and Metrics APIs
 * (api-tabular serves both with the same code).
 */

export interface RowSource {
  table: string;
  types: Record<string, PythonType>;
  /** Absolute links added to `links` (Tabular: profile and swagger). */
  links?: Record<string, string>;
  /** Checks run once the query is parsed (Tabular: the aggregation allow-list); throw an ApiError to refuse. */
  authorize?: (spec: QuerySpec) => void;
  /** The file name streams are offered as, without extension. */
  name: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: unknown) {
    super(typeof detail === "string" ? detail : title);
  }
}

/** Errors as api-tabular raises them: a JSON `errors` list, and no CORS headers (raised errors bypass that middleware). */
export function sendApiError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { errors: [{ code: null, title: error.title, detail: error.detail }] });
}

export interface RowsOptions {
  maxPageSize: number;
  streamCap: number;
}

export async function servePage(db: SandboxDb, request: SandboxRequest, source: RowSource, options: RowsOptions): Promise<void> {
  const parsed = parse(request.rawQuery);
  source.authorize?.(parsed.spec);
  const pageSize = parsed.pageSize === undefined ? 20 : strictInt(parsed.pageSize);
  const page = Math.max(1, parsed.page === undefined ? 1 : strictInt(parsed.page));
  if (pageSize > options.maxPageSize) throw new ApiError(400, "Invalid query string", `Page size exceeds allowed maximum: ${options.maxPageSize}`);
  const offset = page > 1 ? pageSize * (page - 1) : 0;
  const aggregation = parsed.spec.aggregations.length > 0;
  const { sql, params, columns } = build(parsed.spec, source, { limit: pageSize, offset });
  const rows = await db.all<{ j: string }>(jsonProjection(sql, columns, source, parsed.spec), params).catch(mapDatabaseError(source));
  const data = rows.map((row) => JSON.parse(row.j));
  const base = `${request.origin}${request.prefix}${request.path}`;
  const kept = request.rawQuery.split("&").filter((arg) => arg !== "" && !arg.startsWith("page"));
  const link = (p: number) => `${base}?${[...kept, `page=${p}`, `page_size=${pageSize}`].join("&")}`;
  let total: number | undefined;
  let next: string | null;
  if (aggregation) {
    next = data.length < pageSize ? null : link(page + 1);
  } else {
    const count = build(parsed.spec, source, {});
    const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM (${count.sql})`, count.params).catch(mapDatabaseError(source));
    total = Number(n);
    next = pageSize + offset >= total ? null : link(page + 1);
  }
  const body = {
    data,
    links: { ...source.links, next, prev: page <= 1 ? null : link(page - 1) },
    meta: aggregation ? { page, page_size: pageSize } : { page, page_size: pageSize, total },
  };
  sendJson(request.res, 200, body, CORS_HEADERS);
}

/** The whole result, streamed (one JSON array plus a newline, or PostgREST's CSV), refused past the cap. */
export async function serveStream(db: SandboxDb, request: SandboxRequest, source: RowSource, options: RowsOptions, format: "json" | "csv"): Promise<void> {
  const parsed = parse(request.rawQuery);
  source.authorize?.(parsed.spec);
  const { sql, params, columns } = build(parsed.spec, source, {});
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM (${sql})`, params).catch(mapDatabaseError(source));
  if (Number(n) > options.streamCap) {
    throw new ApiError(403, "Output is too long", `The output has more than ${options.streamCap} rows, please consider downloading the source file directly`);
  }
  const { res } = request;
  const connection = await db.connect();
  try {
    const projected = format === "json" ? jsonProjection(sql, columns, source, parsed.spec) : csvProjection(sql, columns, source, parsed.spec);
    const result = await connection.stream(projected, params);
    res.writeHead(200, {
      ...CORS_HEADERS,
      "content-type": format === "json" ? "application/json" : "text/csv",
      "content-disposition": `attachment; filename="${source.name}.${format}"`,
    });
    let first = true;
    if (format === "json") await write(res, "[");
    else await write(res, `${columns.join(",")}\n`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const lines = chunk.getColumns()[0] as string[];
      const text = format === "json" ? `${first ? "" : ","}${lines.join(",")}` : `${lines.join("\n")}\n`;
      first = false;
      if (!(await write(res, text))) return;
    }
    if (format === "json") await write(res, "]");
    // api-tabular appends one newline to both streams
    await write(res, "\n");
    res.end();
  } finally {
    connection.closeSync();
  }
}

function parse(rawQuery: string) {
  try {
    return parseQueryString(rawQuery);
  } catch (error) {
    if (error instanceof MalformedQuery) throw new ApiError(400, "Invalid query string", `Malformed query: ${error.message}`);
    throw error;
  }
}

/** A page or page_size that is not an integer makes the real service fail with an unhandled ValueError: a 500. */
class InternalError extends Error {}

function strictInt(text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new InternalError(`invalid literal for int() with base 10: '${text}'`);
  return Number(text);
}

export function sendInternalError(res: ServerResponse): void {
  sendText(res, 500, "500 Internal Server Error\n\nServer got itself in trouble");
}

export function isInternalError(error: unknown): boolean {
  return error instanceof InternalError;
}

function build(spec: QuerySpec, source: RowSource, options: { limit?: number; offset?: number }) {
  try {
    return querySql(spec, ident(source.table), source.types, options);
  } catch (error) {
    if (error instanceof UnknownColumn) throw databaseError(source, "42703", `column ${source.table}.${error.column} does not exist`);
    throw error;
  }
}

function databaseError(source: RowSource, code: string, message: string): ApiError {
  return new ApiError(400, "Database error", { code, details: null, hint: null, message });
}

/** DuckDB's conversion errors become PostgREST's 22P02 "invalid input syntax for type …". */
function mapDatabaseError(source: RowSource) {
  return (error: unknown): never => {
    const message = String((error as Error).message ?? error);
    const conversion = /Could not convert string '([^']*)' to (\w+)|Conversion Error:.*?'([^']*)'.*?(INT\w*|DOUBLE|BOOL\w*|DATE|TIMESTAMP)/i.exec(message);
    if (conversion) {
      const value = conversion[1] ?? conversion[3];
      const type = ({ BIGINT: "bigint", INT64: "bigint", INT32: "integer", INTEGER: "integer", DOUBLE: "double precision", BOOL: "boolean", BOOLEAN: "boolean", DATE: "date", TIMESTAMP: "timestamp without time zone" } as Record<string, string>)[(conversion[2] ?? conversion[4]).toUpperCase()] ?? (conversion[2] ?? conversion[4]).toLowerCase();
      throw databaseError(source, "22P02", `invalid input syntax for type ${type}: "${value}"`);
    }
    if (/Conversion Error|Invalid Input Error|Could not convert/i.test(message)) throw databaseError(source, "22P02", `invalid input syntax: ${message.split("\n")[0]}`);
    throw error;
  };
}

/** Each output row as JSON text, values as hydra casts them (ISO datetimes, embedded JSON). */
function jsonProjection(sql: string, columns: string[], source: RowSource, spec: QuerySpec): string {
  const expressions = columns.map((column) => {
    const c = `q.${quote(column)}`;
    return source.types[column] === "datetime" && spec.aggregations.length === 0 ? `replace(CAST(${c} AS VARCHAR), ' ', 'T') AS ${quote(column)}` : `${c} AS ${quote(column)}`;
  });
  return `SELECT to_json(r)::VARCHAR AS j FROM (SELECT ${expressions.join(", ")} FROM (${sql}) q) r`;
}

/** Each output row as a line of PostgREST's CSV: Postgres record text, `t`/`f`, NULL empty, quoted where needed. */
function csvProjection(sql: string, columns: string[], source: RowSource, spec: QuerySpec): string {
  const fields = columns.map((column) => {
    const c = `q.${quote(column)}`;
    const type = spec.aggregations.length === 0 ? source.types[column] : undefined;
    // Postgres writes booleans t/f and whole floats without ".0"
    const text = type === "bool" ? `CASE WHEN ${c} THEN 't' ELSE 'f' END` : type === "float" ? `regexp_replace(CAST(${c} AS VARCHAR), '\\.0$', '')` : `CAST(${c} AS VARCHAR)`;
    return `CASE WHEN ${c} IS NULL THEN '' WHEN regexp_matches(${text}, '[,"\\s()\\\\]') OR ${text} = '' THEN '"' || replace(replace(${text}, '\\', '\\\\'), '"', '""') || '"' ELSE ${text} END`;
  });
  return `SELECT concat_ws(',', ${fields.join(", ")}) FROM (${sql}) q`;
}
