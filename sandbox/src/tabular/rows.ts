import { randomUUID } from "node:crypto";
import { open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PythonType, QuerySpec } from "datagouv-kit/query";
import { literal, type Duck } from "datagouv-kit/duckdb";
import { POSTGRES_TYPES, querySql, type Sql, type SqlOptions } from "datagouv-kit/query";
import { ident } from "../db.ts";
import { parseQueryString, queryParam, type ParsedQuery, type ParseOptions } from "../query/parse.ts";
import { CORS_HEADERS, sendJson, write, writeFile } from "../respond.ts";
import type { SandboxRequest } from "../types.ts";
import { ApiError, databaseError, InternalError, queryError, sqlError } from "./errors.ts";
import { csvRowsSql, jsonRowsSql } from "./output.ts";

/**
 * `/data/`, `/data/json/` and `/data/csv/` over one DuckDB table, shared by the Tabular and Metrics APIs
 * (api-tabular serves both with the same code). Callers check in the real service's order: paging, then the query,
 * then the resource, then the database.
 */

export interface RowSource {
  table: string;
  /** The relation's name in PostgREST's messages (hydra's table, or the metrics model). */
  relation: string;
  types: Record<string, PythonType>;
  /** Absolute links added to `links` (Tabular: profile and swagger). */
  links?: Record<string, string>;
  /** The file name streams are offered as, without extension. */
  name: string;
  /** The table's rows are stored in `__id` order. */
  storedInIdOrder?: boolean;
  /** Columns written as text no value of which needs quotes in the CSV stream. */
  plainText?: ReadonlySet<string>;
  /** Metrics: `meta.total` even for aggregations (PostgREST's count of the rows, which the Tabular API hides). */
  alwaysCount?: boolean;
}

export interface Paging {
  page: number;
  pageSize: number;
}

/** `page` and `page_size` read with Python's int() (anything else is the real service's unhandled 500), then bounded. */
export function readPaging(rawQuery: string, maxPageSize: number): Paging {
  const page = pythonInt(queryParam(rawQuery, "page") ?? "1");
  const pageSize = pythonInt(queryParam(rawQuery, "page_size") ?? "20");
  if (pageSize > maxPageSize)
    throw new ApiError(400, "Invalid query string", `Page size exceeds allowed maximum: ${maxPageSize}`);
  return { page, pageSize };
}

function pythonInt(text: string): number {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(text))
    throw new InternalError(`invalid literal for int() with base 10: '${text}'`);
  return Number(text.trim().replaceAll("_", ""));
}

export function readQuery(rawQuery: string, options: ParseOptions = {}): ParsedQuery {
  try {
    return parseQueryString(rawQuery, options);
  } catch (error) {
    throw queryError(error);
  }
}

export async function servePage(
  db: Duck,
  request: SandboxRequest,
  source: RowSource,
  query: ParsedQuery,
  { page, pageSize }: Paging,
): Promise<void> {
  const offset = page > 1 ? pageSize * (page - 1) : 0;
  const built = build(query, source, { limit: pageSize, offset });
  const rows = await db
    .all<{ line: string }>(jsonRowsSql(built.sql, built.columns, outputTypes(query.spec, source)), built.params)
    .catch(sqlError(source.relation));
  const data = rows.map((row) => JSON.parse(row.line));
  let total: number | undefined;
  if (query.spec.aggregations.length === 0 || source.alwaysCount) {
    const counted = build({ ...query, spec: { ...query.spec, aggregations: [], columns: undefined } }, source, {});
    total = await count(db, counted, source);
  }
  const base = `${request.origin}${request.prefix}${request.path}`;
  // api-tabular rebuilds the query without the parameters starting with "page" (a column named so included)
  const kept = request.rawQuery === "" ? [] : request.rawQuery.split("&").filter((arg) => !arg.startsWith("page"));
  const link = (p: number) => `${base}?${[...kept, `page=${p}`, `page_size=${pageSize}`].join("&")}`;
  const next =
    total !== undefined
      ? pageSize + offset < total
        ? link(page + 1)
        : null
      : data.length < pageSize
        ? null
        : link(page + 1);
  const body = {
    data,
    links: { ...source.links, next, prev: page > 1 ? link(page - 1) : null },
    meta: total === undefined ? { page, page_size: pageSize } : { page, page_size: pageSize, total },
  };
  sendJson(request.res, 200, body, CORS_HEADERS);
}

/**
 * The whole result: one JSON array plus a newline, or PostgREST's CSV, refused past the cap as api-tabular does.
 * DuckDB writes the stream's exact bytes with its own writer (rows as `output.ts` makes them, joined by `NEW_LINE`
 * between `PREFIX` and `SUFFIX`) into a temporary file on a connection of its own, while the rows are counted on
 * another; a count past the cap interrupts it. A failing query is answered before any byte is sent; the file is
 * unlinked as soon as it is open and its bytes go out with backpressure, without passing through JavaScript strings.
 */
export async function serveStream(
  db: Duck,
  request: SandboxRequest,
  source: RowSource,
  query: ParsedQuery,
  streamCap: number,
  format: "json" | "csv",
): Promise<void> {
  const built = build(query, source, { storedInIdOrder: source.storedInIdOrder });
  // the count needs no order
  const counted = build({ ...query, spec: { ...query.spec, sort: undefined } }, source, { defaultOrder: false });
  const types = outputTypes(query.spec, source);
  const lines =
    format === "json"
      ? jsonRowsSql(built.sql, built.columns, types)
      : csvRowsSql(built.sql, built.columns, types, source.plainText);
  const file = join(tmpdir(), `datagouv-stream-${randomUUID()}.${format}`);
  let rows: number;
  let body: FileHandle;
  const stream = await db.connect();
  // the stream is written while the rows are counted; a count past the cap (or failing) interrupts it
  const copying = stream.all<{ Count: bigint }>(
    `COPY (${lines}) TO ${literal(file)} (${streamFraming(format, built.columns)})`,
    built.params,
  );
  const settled = copying.then(
    () => {},
    () => {},
  );
  try {
    const total = await count(db, counted, source).catch((error: unknown) => {
      stream.interrupt();
      throw error;
    });
    if (total > streamCap) {
      stream.interrupt();
      throw new ApiError(
        403,
        "Output is too long",
        `The output has more than ${streamCap} rows, please consider downloading the source file directly`,
      );
    }
    const [copied] = await copying.catch(sqlError(source.relation));
    rows = Number(copied.Count);
    body = await open(file);
  } finally {
    // the COPY has settled (or been interrupted) before its file is removed
    await settled;
    stream.close();
    await rm(file, { force: true });
  }
  const { res } = request;
  try {
    res.writeHead(200, {
      ...CORS_HEADERS,
      "content-type": format === "json" ? "application/json" : "text/csv",
      "content-disposition": `attachment; filename="${source.name}.${format}"`,
    });
    // PostgREST names the CSV columns from the first row, so an empty result has an empty header line
    if (format === "csv" && rows === 0) {
      if (!(await write(res, "\n\n"))) return;
    } else if (!(await writeFile(res, body))) return;
    res.end();
  } finally {
    await body.close();
  }
}

/**
 * COPY options that make DuckDB's CSV writer put out the lines as they are (one column, never quoted) in the stream's
 * framing: `[` rows joined by `,` `]`, or the header then the rows, each line ended by a newline (api-tabular appends
 * one newline to both streams).
 */
function streamFraming(format: "json" | "csv", columns: string[]): string {
  const [prefix, separator, suffix] = format === "json" ? ["[", ",", "]\n"] : [`${columns.join(",")}\n`, "\n", "\n"];
  return `FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\u0001', PREFIX ${literal(prefix)}, NEW_LINE ${literal(separator)}, SUFFIX ${literal(suffix)}`;
}

function build(query: ParsedQuery, source: RowSource, options: SqlOptions): Sql {
  try {
    refuseTextOperators(query.spec, source.types);
    const built = querySql(query.spec, ident(source.table), source.types, options);
    if (query.unreadableSort) throw unreadableSort(query.unreadableSort);
    return built;
  } catch (error) {
    return sqlError(source.relation)(error);
  }
}

async function count(db: Duck, built: Sql, source: RowSource): Promise<number> {
  const [{ n }] = await db
    .all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM (${built.sql})`, built.params)
    .catch(sqlError(source.relation));
  return Number(n);
}

/** The output columns' types for writing values: none for aggregated outputs, which DuckDB already types. */
function outputTypes(spec: QuerySpec, source: RowSource): Record<string, PythonType | undefined> {
  return spec.aggregations.length > 0 ? {} : source.types;
}

/** `ilike` on a number, boolean or json column has no operator in PostgreSQL: PostgREST answers 42883 (a 404). */
function refuseTextOperators(spec: QuerySpec, types: Record<string, PythonType>): void {
  const visit = (conditions: QuerySpec["where"]): void => {
    for (const condition of conditions) {
      if (condition.type !== "filter") visit(condition.items);
      else if (
        (condition.op === "contains" || condition.op === "notcontains") &&
        Object.hasOwn(types, condition.column)
      ) {
        const type = types[condition.column];
        if (type === "int" || type === "float" || type === "bool" || type === "json") {
          throw databaseError(404, "42883", `operator does not exist: ${POSTGRES_TYPES[type]} ~~* unknown`, {
            hint: "No operator matches the given name and argument types. You might need to add explicit type casts.",
          });
        }
      }
    }
  };
  visit(spec.where);
}

/** PostgREST's parse error for an `order` it cannot read (`__sort` values are passed through unchecked). */
function unreadableSort({ column, direction }: { column: string; direction: string }): ApiError {
  return databaseError(
    400,
    "PGRST100",
    `"failed to parse order (${ident(column)}.${direction})" (line 1, column ${ident(column).length + 2})`,
    {
      details: `${direction === "" ? "unexpected end of input" : `unexpected "${direction[0]}"`} expecting "asc", "desc", "nullsfirst" or "nullslast"`,
    },
  );
}
