import type { RecordBatch } from "apache-arrow";
import type { HttpResponse } from "../http/client.ts";
import type { ExportOptions } from "../tabular/export-engine.ts";
import type { ColumnSpec } from "../arrow/columns.ts";
import { jsonStreamToBatches } from "../arrow/batches.ts";
import type { Placement } from "./placement.ts";
import { entryDir, keptPlan } from "./resume.ts";
import { rowCounter } from "./spool.ts";
import { outputOf, serverCap, tabularSource, WHOLE, type Source } from "./source.ts";
import type { IdWindow } from "./windows.ts";

/** Record batches decoded as bytes arrive, and the columns they carry. */
export interface LiveBatches {
  columns: ColumnSpec[];
  batches: AsyncGenerator<RecordBatch>;
}

/** Rows to spool rather than decode as they arrive, in windows under `cap` when it is known. */
export interface SpoolInstead {
  cap?: number;
}

/**
 * A Tabular query's rows as record batches decoded from `/data/json/` as bytes arrive, window after window in `__id`
 * order, with nothing spooled. Spooled instead (and read by DuckDB) where the windows' order is not the output's (a
 * sort across several windows), for Metrics (CSV) or a given `cap`, and with `keep` (an export into a file) once the
 * rows need windows: those are kept in the download cache until the file is written, for a run cut short to resume.
 */
export async function liveBatches(
  placement: Placement,
  options: ExportOptions,
  keep: boolean,
): Promise<LiveBatches | SpoolInstead> {
  if (!("profile" in placement) || options.cap !== undefined) return { cap: options.cap };
  const source = await tabularSource(placement.query, "json", placement.profile);
  const resumable = keep && options.resume !== false;
  if (resumable && !options.refresh) {
    const root = source.http.endpoints.tabular;
    const kept = await keptPlan(entryDir(root, source.fetchedQuery, source.format, options.cacheDir));
    if (kept) return { cap: kept.cap };
  }
  let whole: HttpResponse | undefined;
  let windows: IdWindow[] = [];
  try {
    whole = await source.stream(WHOLE, options.signal);
  } catch (error) {
    const cap = serverCap(error);
    if (cap === undefined || source.isAggregation) throw error;
    if (resumable) return { cap };
    windows = await source.plan(cap, options.concurrency ?? 2);
    if (source.spec.sort && windows.length > 1) return { cap };
  }
  const columns = outputOf(source);
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
    yield* decoded(source, whole, columns, label, totals, options);
    return;
  }
  // the next window is asked for while this one is decoded, so that the server prepares it meanwhile; one ahead at most
  const ask = (i: number) => quiet(source.stream(windows[i], options.signal));
  let next = windows.length ? ask(0) : undefined;
  try {
    for (let i = 0; i < windows.length; i++) {
      const response = await next!;
      next = i + 1 < windows.length ? ask(i + 1) : undefined;
      yield* decoded(source, response, columns, label, totals, options);
    }
  } finally {
    // a consumer that stops early, or a failure, leaves the request ahead unread: release it
    next?.then(
      (response) => response.body.destroy(),
      () => {},
    );
  }
}

/**
 * One stream's batches. When its connection breaks, the same stream is asked for again from the start and the rows
 * already handed on are skipped: the API's order (`__id`, or the sort) is the same from one request to the next.
 */
async function* decoded(
  source: Source,
  response: HttpResponse,
  columns: ColumnSpec[],
  label: string,
  totals: { bytes: number; rows: number },
  options: ExportOptions,
): AsyncGenerator<RecordBatch> {
  let handedOn = 0;
  for (let current = response; ;) {
    let skip = handedOn;
    const mine = { bytes: 0, rows: 0 };
    try {
      for await (const batch of jsonStreamToBatches(arriving(source, current, label, totals, mine, options), columns)) {
        if (skip >= batch.numRows) {
          skip -= batch.numRows;
          continue;
        }
        const rest = skip > 0 ? batch.slice(skip) : batch;
        skip = 0;
        handedOn += rest.numRows;
        yield rest;
      }
      return;
    } catch (error) {
      totals.bytes -= mine.bytes;
      totals.rows -= mine.rows;
      current.body.on("error", () => {}).destroy();
      current = await current.again(error);
    }
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
  mine: { bytes: number; rows: number },
  options: ExportOptions,
): AsyncGenerator<Buffer> {
  const count = rowCounter("json");
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (options.progress) {
        const rows = count(chunk);
        mine.bytes += chunk.length;
        mine.rows += rows;
        totals.bytes += chunk.length;
        totals.rows += rows;
        options.progress({ bytes: totals.bytes, rows: source.isAggregation ? undefined : totals.rows, label });
      }
      yield chunk;
    }
  } catch (error) {
    throw source.http.bodyError("tabular", "GET", response.url, error);
  }
}
