import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { DataGouvError } from "../http/errors.ts";
import type { QuerySpec } from "../query/ast.ts";
import type { ExportableMetrics, ExportableTabular, ExportOptions, WindowedQuery } from "../tabular/export-engine.ts";
import { METRICS_MODELS, isKnownModel, metricsColumnType } from "../metrics/models.ts";
import type { RecordBatch } from "apache-arrow";
import { columnsFromProfile, type ColumnSpec } from "../arrow/columns.ts";
import { jsonStreamToBatches } from "../arrow/batches.ts";
import { literal } from "./connection.ts";
import { quote, SQL_TYPES } from "../query/sql.ts";
import { rowCounter, spoolResponse } from "./spool.ts";
import { mapLimit, planWindows, within, type IdWindow } from "./windows.ts";
import type { Placement, ProfileOnce } from "./placement.ts";
import { bound, outputColumns, type Rows } from "./rows.ts";

/** How one kind of query streams, and how its stream is typed and read. */
interface Source {
  http: HttpClient;
  api: "tabular" | "metrics";
  label: string;
  format: StreamFormat;
  spec: QuerySpec;
  isAggregation: boolean;
  /** The columns of the fetched stream. */
  columns: ColumnSpec[];
  /** `__id` was added to the query's columns for ordering; it is dropped on output. */
  dropId: boolean;
  /** `__id` windows of the query that each stay under `cap`. */
  plan(cap: number, concurrency: number): Promise<IdWindow[]>;
  /** The stream of the rows in one window (all of them in the open one). */
  stream(window: IdWindow, signal?: AbortSignal): Promise<HttpResponse>;
}

const WHOLE: IdWindow = { from: null, to: null };

/** Windows of `base`, the query as fetched (with `__id` added to picked columns, to keep windows in order). */
function windowsOf<Q extends WindowedQuery<Q>>(
  base: Q,
  read: (query: Q, signal?: AbortSignal) => Promise<HttpResponse>,
): Pick<Source, "plan" | "stream"> {
  return {
    plan: (cap, concurrency) => planWindows(base, cap, concurrency),
    stream: (window, signal) => read(within(base, window.from, window.to), signal),
  };
}

function fetched(
  spec: QuerySpec,
  typeOf: (name: string) => ColumnSpec,
  all: ColumnSpec[],
): { columns: ColumnSpec[]; dropId: boolean } {
  const dropId = !spec.aggregations.length && spec.columns !== undefined && !spec.columns.includes("__id");
  const columns = outputColumns(spec, typeOf, all);
  return { columns: dropId ? [typeOf("__id"), ...columns] : columns, dropId };
}

/** The API's two streams: `/data/json/` (one JSON array) and `/data/csv/` (PostgREST's CSV). */
export type StreamFormat = "json" | "csv";

/** A Tabular query: its `/data/json/` or `/data/csv/` stream, typed from the resource's profile. */
async function tabularSource(
  query: ExportableTabular,
  wanted: StreamFormat,
  resourceProfile: ProfileOnce,
): Promise<Source> {
  const http = bound(query);
  const { profile } = await resourceProfile();
  const all = columnsFromProfile(profile);
  const typeOf = (name: string): ColumnSpec => all.find((c) => c.name === name) ?? { name, type: "string" };
  const { columns, dropId } = fetched(query.spec, typeOf, all);
  const base = dropId ? query.columns(["__id", ...query.spec.columns!]) : query;
  // PostgREST writes the CSV header's names as they are: one holding a line break would be read as rows; and with a
  // single column (an aggregation's), a NULL is an empty line, and an empty result's lone newlines would read as one
  const format =
    wanted === "csv" && (columns.length < 2 || columns.some((c) => /[\r\n]/.test(c.name))) ? "json" : wanted;
  return {
    http,
    api: "tabular",
    label: query.resourceId,
    format,
    spec: query.spec,
    isAggregation: query.isAggregation,
    columns,
    dropId,
    ...windowsOf(base, (q, signal) => (format === "json" ? q.json(signal) : q.csv(signal))),
  };
}

/** A Metrics query: the `/data/csv/` stream, typed from the model's known columns (counts as integers). */
function metricsSource(query: ExportableMetrics): Source {
  const http = bound(query);
  const names: readonly string[] = isKnownModel(query.model) ? METRICS_MODELS[query.model] : [];
  if (!names.length)
    throw new TypeError(
      `unknown metrics model ${JSON.stringify(query.model)}: columnar exports know ${Object.keys(METRICS_MODELS).join(", ")}`,
    );
  const typeOf = (name: string): ColumnSpec => {
    const kind = metricsColumnType(name);
    return { name, type: kind === "count" || kind === "id" ? "int" : kind === "month" ? "date" : "string" };
  };
  const { columns, dropId } = fetched(query.spec, typeOf, names.map(typeOf));
  const base = dropId ? query.columns(["__id", ...query.spec.columns!]) : query;
  return {
    http,
    api: "metrics",
    label: query.model,
    format: "csv",
    spec: query.spec,
    isAggregation: query.isAggregation,
    columns,
    dropId,
    ...windowsOf(base, (q, signal) => q.csv(signal)),
  };
}

/**
 * The rows fetched as streams spooled to disk. The whole result is asked for in one stream first (most results fit
 * under the cap, and that spares a count); the server refuses a longer one with a 403 that gives its cap ("more than
 * N rows"), and the rows are then fetched in `__id` windows that fit under it. With `options.cap`, windows are planned
 * from the start.
 *
 * Tabular rows bound for DuckDB come as CSV (`format`, the default): the server writes it faster than JSON and DuckDB
 * reads it faster (measured by `npm run bench` on 1,000,000 rows). The Arrow builders read JSON.
 */
export async function remoteRows(
  placement: Placement,
  options: ExportOptions,
  format: StreamFormat = "csv",
): Promise<Rows> {
  const source =
    "profile" in placement
      ? await tabularSource(placement.query, format, placement.profile)
      : metricsSource(placement.query);
  const dir = await mkdtemp(join(tmpdir(), "datagouv-export-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const files = await spool(source, options, dir, options.cap).catch((error: unknown) => {
      const cap = serverCap(error);
      if (cap === undefined || source.isAggregation || (options.cap !== undefined && cap >= options.cap)) throw error;
      return spool(source, options, dir, cap);
    });
    // Arrow builders read JSON windows as they are when no sort spans several of them
    const ordered = source.format === "json" && (!source.spec.sort || files.length === 1) ? files : undefined;
    const columns = source.dropId ? source.columns.filter((c) => c.name !== "__id") : source.columns;
    return { sql: readSql(source, files), params: [], columns, ordered, scratch: dir, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The cap a stream was refused for: 403 "Output is too long", "The output has more than N rows, …". */
function serverCap(error: unknown): number | undefined {
  if (!(error instanceof DataGouvError) || error.status !== 403) return undefined;
  const cap = Number(/more than (\d+) rows/.exec(error.serverMessage ?? "")?.[1]);
  return Number.isFinite(cap) ? cap : undefined;
}

/** Spools the query in one stream (no cap given), or in `__id` windows under `cap`. */
async function spool(source: Source, options: ExportOptions, dir: string, cap: number | undefined): Promise<string[]> {
  const concurrency = options.concurrency ?? 2;
  const windows = source.isAggregation || cap === undefined ? [WHOLE] : await source.plan(cap, concurrency);
  const label = `${source.label}${windows.length > 1 ? ` (${windows.length} windows)` : ""}`;
  let bytes = 0;
  let rows = 0;
  // one window failing stops the others' transfers
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  return mapLimit(windows, concurrency, async (window, i) => {
    const file = join(dir, `window-${String(i).padStart(5, "0")}.${source.format}`);
    const response = await source.stream(window, signal).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
    const count = rowCounter(source.format);
    const progress = options.progress;
    await spoolResponse(
      source.http,
      source.api,
      response,
      file,
      progress &&
        ((chunk) => {
          bytes += chunk.length;
          rows += count(chunk);
          // aggregated rows have no __id to count
          progress({ bytes, rows: source.isAggregation ? undefined : rows, label });
        }),
    ).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
    return file;
  });
}

/** Record batches decoded as bytes arrive, and the columns they carry. */
export interface LiveBatches {
  columns: ColumnSpec[];
  batches: AsyncGenerator<RecordBatch>;
}

/**
 * A Tabular query's rows as record batches decoded from `/data/json/` as bytes arrive, window after window in `__id`
 * order, with nothing spooled. Undefined where the windows' order is not the output's (a sort across several
 * windows), and for Metrics (CSV) or a given `cap`: those are spooled and read by DuckDB.
 */
export async function liveBatches(placement: Placement, options: ExportOptions): Promise<LiveBatches | undefined> {
  if (!("profile" in placement) || options.cap !== undefined) return undefined;
  const source = await tabularSource(placement.query, "json", placement.profile);
  let whole: HttpResponse | undefined;
  let windows: IdWindow[] = [];
  try {
    whole = await source.stream(WHOLE, options.signal);
  } catch (error) {
    const cap = serverCap(error);
    if (cap === undefined || source.isAggregation) throw error;
    windows = await source.plan(cap, options.concurrency ?? 2);
    if (source.spec.sort && windows.length > 1) return undefined;
  }
  const columns = source.dropId ? source.columns.filter((c) => c.name !== "__id") : source.columns;
  return { columns, batches: decodeWindows(source, columns, whole, windows, options) };
}

async function* decodeWindows(
  source: Source,
  columns: ColumnSpec[],
  whole: HttpResponse | undefined,
  windows: IdWindow[],
  options: ExportOptions,
): AsyncGenerator<RecordBatch> {
  const label = `${source.label}${windows.length > 1 ? ` (${windows.length} windows)` : ""}`;
  const totals = { bytes: 0, rows: 0 };
  if (whole) {
    yield* jsonStreamToBatches(arriving(source, whole, label, totals, options), columns);
    return;
  }
  // the next window is asked for while this one is decoded, so that the server prepares it meanwhile; one ahead at most
  const ask = (i: number) => quiet(source.stream(windows[i], options.signal));
  let next = windows.length ? ask(0) : undefined;
  try {
    for (let i = 0; i < windows.length; i++) {
      const response = await next!;
      next = i + 1 < windows.length ? ask(i + 1) : undefined;
      yield* jsonStreamToBatches(arriving(source, response, label, totals, options), columns);
    }
  } finally {
    // a consumer that stops early, or a failure, leaves the request ahead unread: release it
    next?.then(
      (response) => response.body.destroy(),
      () => {},
    );
  }
}

/** A promise whose rejection is not reported as unhandled while nobody awaits it yet. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** A response's body as it arrives, with progress; a transfer cut short is the HTTP layer's error, named as such. */
async function* arriving(
  source: Source,
  response: HttpResponse,
  label: string,
  totals: { bytes: number; rows: number },
  options: ExportOptions,
): AsyncGenerator<Buffer> {
  const count = rowCounter("json");
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (options.progress) {
        totals.bytes += chunk.length;
        totals.rows += count(chunk);
        options.progress({ bytes: totals.bytes, rows: source.isAggregation ? undefined : totals.rows, label });
      }
      yield chunk;
    }
  } catch (error) {
    throw source.http.bodyError("tabular", "GET", response.url, error);
  }
}

/**
 * DuckDB's own readers over the spooled files, typed, in `__id` order (or the query's sort); nothing left to detect.
 * The CSV streams are PostgREST's: PostgreSQL's record text, where NULL is an empty field and an empty string a quoted
 * one, booleans are t/f (which DuckDB reads as booleans), and backslashes are doubled inside quotes, so text columns
 * have theirs halved back.
 */
function readSql(source: Source, files: string[]): string {
  // Metrics months ("YYYY-MM") are read as text and load as the first day of the month
  const month = (c: ColumnSpec) => c.type === "date" && source.api === "metrics";
  // JSON columns come as text, read as such until their backslashes are halved
  const text = (c: ColumnSpec) => month(c) || (source.format === "csv" && c.type === "json");
  const struct = source.columns.map((c) => `${quote(c.name)}: '${text(c) ? "VARCHAR" : SQL_TYPES[c.type]}'`).join(", ");
  const list = `[${files.map(literal).join(", ")}]`;
  const from =
    source.format === "json"
      ? `read_json(${list}, format = 'array', columns = {${struct}})`
      : `read_csv(${list}, header = true, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, auto_detect = false, columns = {${struct}})`;
  const output = source.columns
    .filter((c) => !(source.dropId && c.name === "__id"))
    .map((c) => {
      const name = quote(c.name);
      if (month(c)) return `strptime(${name}, '%Y-%m')::DATE AS ${name}`;
      if (source.format === "csv" && (c.type === "string" || c.type === "json")) {
        // most values hold no backslash: testing for one costs less than rewriting every value
        const halved = `CASE WHEN contains(${name}, '\\') THEN replace(${name}, '\\\\', '\\') ELSE ${name} END`;
        // PostgreSQL writes JSON with spaces after its commas and colons: json() minifies it as DuckDB's readers do
        return `${c.type === "json" ? `json(${halved})` : halved} AS ${name}`;
      }
      return name;
    });
  const sort = source.spec.sort;
  const direction = sort?.direction === "desc" ? "DESC NULLS FIRST" : "ASC NULLS LAST";
  // Windows are fetched in __id order and DuckDB keeps the order of the files it reads, so only a query's own sort
  // needs sorting here (an aggregation comes back in one stream, already in the API's order).
  // text in the server's order, en_US.UTF-8 (sql.ts's collation), not DuckDB's byte order
  const textSort = source.columns.some((c) => c.name === sort?.column && c.type === "string");
  const key = `${quote(sort?.column ?? "__id")}${textSort ? " COLLATE en_us" : ""}`;
  const order = source.isAggregation || !sort ? "" : ` ORDER BY ${key} ${direction}, __id`;
  return `SELECT ${output.join(", ")} FROM ${from}${order}`;
}
