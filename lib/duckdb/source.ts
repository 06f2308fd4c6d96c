import type { DownloadOptions, HttpClient, HttpResponse } from "../http/client.ts";
import { DataGouvError } from "../http/errors.ts";
import type { QuerySpec } from "../query/ast.ts";
import type { ExportableMetrics, ExportableTabular, StreamRequest, WindowedQuery } from "../tabular/export-engine.ts";
import { TabularApi } from "../tabular/api.ts";
import { METRICS_MODELS, isKnownModel, metricsColumnType } from "../metrics/models.ts";
import { columnsFromProfile, type ColumnSpec } from "../arrow/columns.ts";
import { planWindows, surveyIds, within, type IdSurvey, type IdWindow } from "./windows.ts";
import type { Placement, ProfileOnce } from "./placement.ts";
import { bound, outputColumns } from "./rows.ts";

/** The API's two streams: `/data/json/` (one JSON array) and `/data/csv/` (PostgREST's CSV). */
export type StreamFormat = "json" | "csv";

/** How one kind of query streams, and how its stream is typed and read. */
export interface Source {
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
  /** The query as fetched, as written in logs: with the API's root, what a kept export is keyed by. */
  fetchedQuery: string;
  /** The count and span of ids windows are planned from. */
  survey(): Promise<IdSurvey>;
  /** What says the rows were loaded again since (the Tabular table's creation time); nothing for Metrics. */
  version(): Promise<string | undefined>;
  /** `__id` windows of the query that each stay under `cap`. */
  plan(cap: number, concurrency: number, survey?: IdSurvey): Promise<IdWindow[]>;
  /** The stream of the rows in one window (all of them in the open one). */
  stream(window: IdWindow, signal?: AbortSignal): Promise<HttpResponse>;
  /** The same stream written into `file`; its size. */
  download(
    window: IdWindow,
    file: string,
    watch: Pick<DownloadOptions, "onChunk" | "onRestart" | "signal">,
  ): Promise<number>;
}

export const WHOLE: IdWindow = { from: null, to: null };

/** Windows of `base`, the query as fetched (with `__id` added to picked columns, to keep windows in order). */
function windowsOf<Q extends WindowedQuery<Q>>(
  http: HttpClient,
  base: Q,
  read: (query: Q, signal?: AbortSignal) => Promise<HttpResponse>,
  request: (query: Q) => StreamRequest,
): Pick<Source, "fetchedQuery" | "survey" | "plan" | "stream" | "download"> {
  return {
    fetchedQuery: String(base),
    survey: () => surveyIds(base),
    plan: (cap, concurrency, survey) => planWindows(base, cap, concurrency, survey),
    stream: (window, signal) => read(within(base, window.from, window.to), signal),
    async download(window, file, watch) {
      const { api, path, query } = request(within(base, window.from, window.to));
      return (await http.download(api, path, file, { query, ...watch })).bytes;
    },
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

/** A placed query's source: Tabular rows come as `wanted` says (CSV for DuckDB, JSON for the Arrow builders). */
export function sourceOf(placement: Placement, wanted: StreamFormat): Promise<Source> {
  if ("profile" in placement) return tabularSource(placement.query, wanted, placement.profile);
  return Promise.resolve(metricsSource(placement.query));
}

/** A Tabular query: its `/data/json/` or `/data/csv/` stream, typed from the resource's profile. */
export async function tabularSource(
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
    version: async () => (await new TabularApi(http).resource(query.resourceId)).created_at,
    ...windowsOf(
      http,
      base,
      (q, signal) => (format === "json" ? q.json(signal) : q.csv(signal)),
      (q) => (format === "json" ? q.jsonRequest() : q.csvRequest()),
    ),
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
    version: async () => undefined,
    ...windowsOf(
      http,
      base,
      (q, signal) => q.csv(signal),
      (q) => q.csvRequest(),
    ),
  };
}

/** The cap a stream was refused for: 403 "Output is too long", "The output has more than N rows, …". */
export function serverCap(error: unknown): number | undefined {
  if (!(error instanceof DataGouvError) || error.status !== 403) return undefined;
  const cap = Number(/more than (\d+) rows/.exec(error.serverMessage ?? "")?.[1]);
  return Number.isFinite(cap) ? cap : undefined;
}

/** The stream's columns as output: without the `__id` added for ordering. */
export function outputOf(source: Source): ColumnSpec[] {
  return source.dropId ? source.columns.filter((c) => c.name !== "__id") : source.columns;
}
