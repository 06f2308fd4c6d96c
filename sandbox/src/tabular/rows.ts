import { randomUUID } from "node:crypto";
import { open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregationKey, type PythonType, type QuerySpec } from "datagouv-kit/query";
import { literal, type Duck } from "datagouv-kit/duckdb";
import { querySql, type Collation, type Sql, type SqlOptions } from "datagouv-kit/query";
import { ident } from "../db.ts";
import { queryParam, readRequest, type ReadOptions, type ReadRequest } from "../query/parse.ts";
import { CORS_HEADERS, write, writeFile } from "../respond.ts";
import type { SandboxRequest } from "../types.ts";
import { ApiError, InternalError, queryError, sqlError } from "./errors.ts";
import { csvRowsSql, jsonRowsSql, pageRowsSql } from "./output.ts";

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
  /** How text sorts (default en_US.UTF-8, production's). */
  collation?: Collation;
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

/** The request as the real chain reads it (query/parse.ts), for a page (its limit and offset) or a stream. */
export function readQuery(rawQuery: string, options: ReadOptions = {}, paging?: Paging): ReadRequest {
  try {
    if (!paging) return readRequest(rawQuery, options);
    const offset = paging.page > 1 ? paging.pageSize * (paging.page - 1) : 0;
    return readRequest(rawQuery, { ...options, pageSize: paging.pageSize, offset });
  } catch (error) {
    throw queryError(error);
  }
}

export async function servePage(
  db: Duck,
  request: SandboxRequest,
  source: RowSource,
  query: ReadRequest,
  { page, pageSize }: Paging,
): Promise<void> {
  const offset = page > 1 ? pageSize * (page - 1) : 0;
  // the limit and offset PostgREST received (a "#" in the query cuts them off, and then every row comes)
  const options: SqlOptions = { limit: query.limit, offset: query.offset };
  // PostgreSQL's top-N sort leaves ties in an order that changes with the number of rows it keeps
  if (query.spec.sort) options.tieBreak = `hash(__id, ${(query.limit ?? 0) + (query.offset ?? 0)})`;
  const built = build(query, source, options);
  const rows = await db
    .all<{ line: string }>(pageRowsSql(built.sql, built.columns, outputTypes(query.spec, source)), built.params)
    .catch(sqlError(source.relation));
  let total: number | undefined;
  if (query.spec.aggregations.length === 0 || source.alwaysCount) {
    const spec = { ...query.spec, aggregations: [], columns: undefined, sort: undefined };
    total = await count(db, build({ ...query, spec }, source, { defaultOrder: false }), source);
  }
  const base = `${request.origin}${request.prefix}${request.path}`;
  // core/url.py: the once-decoded pieces, less every one starting with "page" (a column named so included)
  const kept = query.args.filter((arg) => !arg.startsWith("page"));
  const link = (p: number) => `${base}?${[...kept, `page=${p}`, `page_size=${pageSize}`].join("&")}`;
  const next =
    total !== undefined
      ? pageSize + offset < total
        ? link(page + 1)
        : null
      : rows.length < pageSize
        ? null
        : link(page + 1);
  const links = { ...source.links, next, prev: page > 1 ? link(page - 1) : null };
  const meta = total === undefined ? { page, page_size: pageSize } : { page, page_size: pageSize, total };
  // the rows' JSON goes out as DuckDB wrote it: integers past 2^53 stay exact
  const body = `{"data": [${rows.map((row) => row.line).join(", ")}], "links": ${JSON.stringify(links)}, "meta": ${JSON.stringify(meta)}}`;
  request.res.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...CORS_HEADERS,
  });
  request.res.end(body);
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
  query: ReadRequest,
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
  return (
    `FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\u0001', PREFIX ${literal(prefix)}, NEW_LINE ` +
    `${literal(separator)}, SUFFIX ${literal(suffix)}`
  );
}

function build(query: ReadRequest, source: RowSource, options: SqlOptions): Sql {
  try {
    const unordered = query.unordered ? { defaultOrder: false } : {};
    return querySql(query.spec, ident(source.table), source.types, {
      collation: source.collation,
      ...options,
      ...unordered,
    });
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

/** The output columns' types, for writing values: an aggregate's is its column's, counts' int and means' float. */
function outputTypes(spec: QuerySpec, source: RowSource): Record<string, PythonType | undefined> {
  if (spec.aggregations.length === 0) return source.types;
  return Object.fromEntries(
    spec.aggregations.map((a) => [
      aggregationKey(a),
      a.op === "count" ? "int" : a.op === "avg" ? "float" : source.types[a.column],
    ]),
  );
}
