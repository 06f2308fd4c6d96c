import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExportOptions } from "../tabular/export-engine.ts";
import type { ColumnSpec } from "../arrow/columns.ts";
import { literal } from "./connection.ts";
import { quote, SQL_TYPES } from "../query/sql.ts";
import { anyHolds, rowCounter } from "./spool.ts";
import { mapLimit, type IdWindow } from "./windows.ts";
import type { Placement } from "./placement.ts";
import { entryDir, keepWindows, keptPlan, stillHolds, type KeptWindows } from "./resume.ts";
import { say, type Rows } from "./rows.ts";
import { outputOf, serverCap, sourceOf, WHOLE, type Source, type StreamFormat } from "./source.ts";

export type { StreamFormat } from "./source.ts";

/**
 * The rows fetched as streams spooled to disk. The whole result is asked for in one stream first (most results fit
 * under the cap, and that spares a count); the server refuses a longer one with a 403 that gives its cap ("more than
 * N rows"), and the rows are then fetched in `__id` windows that fit under it. With `options.cap`, windows are planned
 * from the start, and so they are when an interrupted run of the same export left its windows in the cache.
 *
 * Tabular rows bound for DuckDB come as CSV (`format`, the default): the server writes it faster than JSON and DuckDB
 * reads it faster (measured by `npm run bench` on 1,000,000 rows). The Arrow builders read JSON.
 */
export async function remoteRows(
  placement: Placement,
  options: ExportOptions,
  format: StreamFormat = "csv",
): Promise<Rows> {
  const source = await sourceOf(placement, format);
  const scratch = await mkdtemp(join(tmpdir(), "datagouv-export-"));
  let windows: Spooled | undefined;
  const dispose = async (written = false) => {
    try {
      await windows?.close(written);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
  try {
    const kept = resumes(options) ? await keptPlan(keptDir(source, options)) : undefined;
    windows = await spool(source, options, scratch, options.cap ?? kept?.cap).catch((error: unknown) => {
      const cap = serverCap(error);
      if (cap === undefined || source.isAggregation || (options.cap !== undefined && cap >= options.cap)) throw error;
      return spool(source, options, scratch, cap);
    });
    const { files, backslashes } = windows;
    // Arrow builders read JSON windows as they are when no sort spans several of them
    const ordered = source.format === "json" && (!source.spec.sort || files.length === 1) ? files : undefined;
    return {
      sql: readSql(source, files, backslashes),
      params: [],
      columns: outputOf(source),
      ordered,
      scratch,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

const BACKSLASH = 0x5c;

/** Fetched windows: their files in order, and whether any CSV text may hold a doubled backslash to halve. */
interface Fetched {
  files: string[];
  backslashes: boolean;
}

/** Spooled windows, and what becomes of those kept for a resumed run. */
interface Spooled extends Fetched {
  close(written: boolean): Promise<void>;
}

/** Whether windows are kept for a run after an interruption: unless told not to, or to start over. */
const resumes = (options: ExportOptions) => options.resume !== false && !options.refresh;

function keptDir(source: Source, options: ExportOptions): string {
  return entryDir(source.http.endpoints[source.api], source.fetchedQuery, source.format, options.cacheDir);
}

/**
 * Spools the query in one stream (no cap given), or in `__id` windows under `cap`, kept in the download cache until
 * the output is written (see resume.ts): what an earlier run of the same export fetched, and the rows have not changed
 * since, is not fetched again.
 */
async function spool(
  source: Source,
  options: ExportOptions,
  scratch: string,
  cap: number | undefined,
): Promise<Spooled> {
  const scratchFile = (i: number) => join(scratch, `window-${String(i).padStart(5, "0")}.${source.format}`);
  if (source.isAggregation || cap === undefined) {
    return { ...(await fetchWindows(source, options, [WHOLE], scratchFile)), close: async () => {} };
  }
  const concurrency = options.concurrency ?? 2;
  const [survey, version] = await Promise.all([source.survey(), source.version()]);
  const facts = { query: source.fetchedQuery, format: source.format, cap, survey, version };
  const dir = keptDir(source, options);
  const earlier = resumes(options) ? await keptPlan(dir) : undefined;
  const holds = stillHolds(earlier, facts);
  const windows = holds ? earlier.windows : await source.plan(cap, concurrency, survey);
  const logger = options.logger ?? source.http.logger;
  if (earlier && !holds)
    say(logger, `the rows of ${source.label} changed since its export was cut short: starting over`);
  const kept = options.resume === false ? undefined : await keepWindows(dir, { ...facts, windows }, holds);
  if (kept?.resumed)
    say(logger, `resuming ${source.label}: ${kept.resumed} of ${windows.length} windows already fetched (in ${dir})`);
  try {
    return {
      ...(await fetchWindows(source, options, windows, kept ?? scratchFile)),
      close: async (written) => {
        await kept?.close(written);
      },
    };
  } catch (error) {
    const left = await kept?.close(false);
    if (left)
      say(logger, `kept ${left} of ${source.label} in ${dir}: the same export run again fetches only the others`);
    throw error;
  }
}

/**
 * Fetches the windows, a few at once, into the kept entry or scratch files; returns their files in order. CSV text is
 * watched for backslashes as it passes (a byte search, far cheaper than DuckDB testing every value; a kept window is
 * read for one), so that values are rewritten only where some may need it.
 */
async function fetchWindows(
  source: Source,
  options: ExportOptions,
  windows: IdWindow[],
  into: KeptWindows | ((index: number) => string),
): Promise<Fetched> {
  const label = `${source.label}${windows.length > 1 ? ` (${windows.length} windows)` : ""}`;
  const totals = { bytes: 0, rows: 0 };
  // one window failing stops the others' transfers
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const watch = source.format === "csv" && source.columns.some((c) => c.type === "string" || c.type === "json");
  // a backslash in a transfer cut short and fetched again only costs the rewrite: it is not forgotten
  let backslashes = false;
  const progress = options.progress;
  const fetchInto = (window: IdWindow, file: string): Promise<number> => {
    let count = rowCounter(source.format);
    // what a window cut short had counted no longer holds once it is fetched again
    const mine = { bytes: 0, rows: 0 };
    return source.download(window, file, {
      signal,
      onChunk: !(progress || watch)
        ? undefined
        : (chunk) => {
            if (watch && !backslashes && chunk.includes(BACKSLASH)) backslashes = true;
            if (!progress) return;
            const rows = count(chunk);
            mine.bytes += chunk.length;
            mine.rows += rows;
            totals.bytes += chunk.length;
            totals.rows += rows;
            // aggregated rows have no __id to count
            progress({ bytes: totals.bytes, rows: source.isAggregation ? undefined : totals.rows, label });
          },
      onRestart: () => {
        totals.bytes -= mine.bytes;
        totals.rows -= mine.rows;
        mine.bytes = mine.rows = 0;
        count = rowCounter(source.format);
      },
    });
  };
  const files = await mapLimit(windows, options.concurrency ?? 2, async (window, i) => {
    try {
      if (typeof into === "function") {
        await fetchInto(window, into(i));
        return into(i);
      }
      if (!into.has(i)) await into.write(i, (temporary) => fetchInto(window, temporary));
      else if (watch && !backslashes && (await anyHolds([into.file(i)], BACKSLASH))) backslashes = true;
      return into.file(i);
    } catch (error) {
      stop.abort();
      throw error;
    }
  });
  return { files, backslashes };
}

/**
 * DuckDB's own readers over the spooled files, typed, in `__id` order (or the query's sort); nothing left to detect.
 * The CSV streams are PostgREST's: PostgreSQL's record text, where NULL is an empty field and an empty string a quoted
 * one, booleans are t/f (which DuckDB reads as booleans), and backslashes are doubled inside quotes, so text columns
 * have theirs halved back when the files hold any (`backslashes`).
 */
function readSql(source: Source, files: string[], backslashes: boolean): string {
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
        const halved = backslashes
          ? `CASE WHEN contains(${name}, '\\') THEN replace(${name}, '\\\\', '\\') ELSE ${name} END`
          : name;
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
