import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { DataGouvError } from "../http/errors.ts";
import { aggregationKey, type PythonType, type QuerySpec } from "../tabular/ast.ts";
import { TabularApi } from "../tabular/api.ts";
import { STREAM_ROW_CAP, type TabularQuery } from "../tabular/query.ts";
import type { MetricsQuery } from "../metrics/query.ts";
import { METRICS_MODELS, isKnownModel, metricsColumnType, type MetricsModel } from "../metrics/models.ts";
import { arrowSchema, columnsFromProfile, type ColumnSpec } from "../arrow/columns.ts";
import { collectTable, jsonStreamToBatches, writeIpc } from "../arrow/batches.ts";
import { writeAtomically } from "../files.ts";
import { Duck, literal } from "./connection.ts";
import { quote, SQL_TYPES } from "./query-sql.ts";
import { spoolResponse, type Progress } from "./spool.ts";
import { mapLimit, planWindows, within, type RowQuery } from "./windows.ts";

export interface ExportOptions {
  /** Rows a stream may return (the APIs' cap: 50,000). */
  cap?: number;
  /** Windows fetched at once (default 2: the machine's cores are shared with the decoding). */
  concurrency?: number;
  /** Called as bytes arrive. */
  progress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

type AnyQuery = TabularQuery | MetricsQuery<MetricsModel>;

/** How one kind of query streams and how its stream is typed and read. */
interface Source {
  http: HttpClient;
  label: string;
  format: "json" | "csv";
  spec: QuerySpec;
  isAggregation: boolean;
  base: AnyQuery;
  columns: ColumnSpec[];
  /** `__id` was added to the query's columns for ordering; it is dropped on output. */
  dropId: boolean;
  stream(query: AnyQuery, signal?: AbortSignal): Promise<HttpResponse>;
}

function bound(query: AnyQuery): HttpClient {
  if (!query.http) throw new TypeError("this query is not bound to a client: use dg.tabular(rid) / dg.metrics(model), or query.bind(dg.http)");
  return query.http;
}

function aggregated(spec: QuerySpec, typeOf: (name: string) => ColumnSpec): ColumnSpec[] {
  return spec.aggregations.map((a): ColumnSpec => {
    const type: PythonType = a.op === "count" ? "int" : a.op === "avg" ? "float" : typeOf(a.column).type;
    return { name: aggregationKey(a), type };
  });
}

/** Columns in output order, `__id` added where the query picked columns without it. */
function selected(spec: QuerySpec, typeOf: (name: string) => ColumnSpec, all: ColumnSpec[]): { columns: ColumnSpec[]; dropId: boolean } {
  if (spec.aggregations.length) return { columns: aggregated(spec, typeOf), dropId: false };
  if (!spec.columns) return { columns: all, dropId: false };
  const dropId = !spec.columns.includes("__id");
  return { columns: (dropId ? ["__id", ...spec.columns] : spec.columns).map(typeOf), dropId };
}

/** A Tabular query: the `/data/json/` stream, typed from the resource's profile. */
export async function tabularSource(query: TabularQuery): Promise<Source> {
  const http = bound(query);
  const { profile } = await new TabularApi(http).profile(query.resourceId);
  const all = columnsFromProfile(profile);
  const typeOf = (name: string): ColumnSpec => all.find((c) => c.name === name) ?? { name, type: "string" };
  const { columns, dropId } = selected(query.spec, typeOf, all);
  const base = dropId ? query.columns(["__id", ...query.spec.columns!]) : query;
  return { http, label: query.resourceId, format: "json", spec: query.spec, isAggregation: query.isAggregation, base, columns, dropId, stream: (q, signal) => (q as TabularQuery).json(signal) };
}

/** A Metrics query: the `/data/csv/` stream, typed from the model's known columns (counts as integers). */
export function metricsSource(query: MetricsQuery<MetricsModel>): Source {
  const http = bound(query);
  const names: readonly string[] = isKnownModel(query.model) ? METRICS_MODELS[query.model] : [];
  if (!names.length) throw new TypeError(`unknown metrics model ${JSON.stringify(query.model)}: columnar exports know ${Object.keys(METRICS_MODELS).join(", ")}`);
  const typeOf = (name: string): ColumnSpec => {
    const kind = metricsColumnType(name);
    return { name, type: kind === "count" || kind === "id" ? "int" : kind === "month" ? "date" : "string" };
  };
  const { columns, dropId } = selected(query.spec, typeOf, names.map(typeOf));
  const base = dropId ? query.columns(["__id", ...query.spec.columns!]) : query;
  return { http, label: query.model, format: "csv", spec: query.spec, isAggregation: query.isAggregation, base, columns, dropId, stream: (q, signal) => (q as MetricsQuery<MetricsModel>).csv(signal) };
}

// both query classes satisfy RowQuery of themselves; the engine only needs that much of them
const rowsOf = (source: Source) => source.base as unknown as RowQuery<any>;

interface Spooled {
  dir: string;
  files: string[];
}

/**
 * Fetches the rows as streams spooled to disk: one when they fit under the cap, `__id` windows otherwise. A server
 * whose cap is lower than assumed says so in its 403 ("more than N rows"): the plan is made again with its figure.
 */
async function spool(source: Source, options: ExportOptions): Promise<Spooled> {
  try {
    return await spoolWithCap(source, options, options.cap ?? STREAM_ROW_CAP);
  } catch (error) {
    const cap = error instanceof DataGouvError && error.status === 403 ? Number(/more than (\d+) rows/.exec(error.serverMessage ?? "")?.[1]) : NaN;
    if (!Number.isFinite(cap) || cap >= (options.cap ?? STREAM_ROW_CAP) || source.isAggregation) throw error;
    return spoolWithCap(source, options, cap);
  }
}

async function spoolWithCap(source: Source, options: ExportOptions, cap: number): Promise<Spooled> {
  const concurrency = options.concurrency ?? 2;
  const windows = source.isAggregation ? [{ from: null, to: null, count: 0 }] : await planWindows(rowsOf(source), cap, concurrency);
  const dir = await mkdtemp(join(tmpdir(), "datagouv-export-"));
  try {
    let bytes = 0;
    const label = `${source.label}${windows.length > 1 ? ` (${windows.length} windows)` : ""}`;
    const files = await mapLimit(windows, concurrency, async (window, i) => {
      const file = join(dir, `window-${String(i).padStart(5, "0")}.${source.format}`);
      const response = await source.stream(within(rowsOf(source), window.from, window.to) as unknown as AnyQuery, options.signal);
      await spoolResponse(source.http, source.format === "json" ? "tabular" : "metrics", response, file, (n) => {
        bytes += n;
        options.progress?.({ bytes, label });
      });
      return file;
    });
    return { dir, files };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** DuckDB's own readers over the spooled files, typed, in `__id` order (or the query's sort). */
function readSql(source: Source, files: string[]): string {
  const struct = source.columns.map((c) => `${quote(c.name)}: '${c.type === "date" && source.format === "csv" ? "VARCHAR" : SQL_TYPES[c.type]}'`).join(", ");
  const list = `[${files.map(literal).join(", ")}]`;
  const from = source.format === "json"
    ? `read_json(${list}, format = 'array', columns = {${struct}})`
    : `read_csv(${list}, header = true, delim = ',', quote = '"', escape = '"', columns = {${struct}})`;
  const output = source.columns
    .filter((c) => !(source.dropId && c.name === "__id"))
    // Metrics months ("YYYY-MM") load as the first day of the month
    .map((c) => (c.type === "date" && source.format === "csv" ? `strptime(${quote(c.name)}, '%Y-%m')::DATE AS ${quote(c.name)}` : quote(c.name)));
  const sort = source.spec.sort;
  const direction = sort?.direction === "desc" ? "DESC NULLS FIRST" : "ASC NULLS LAST";
  // Windows are fetched in __id order and DuckDB keeps the order of the files it reads, so only a query's own sort
  // needs sorting here (an aggregation comes back in one stream, already in the API's order).
  const order = source.isAggregation || !sort ? "" : ` ORDER BY ${quote(sort.column)} ${direction}, __id`;
  return `SELECT ${output.join(", ")} FROM ${from}${order}`;
}

async function withSpool<T>(source: Source, options: ExportOptions, work: (files: string[], dir: string) => Promise<T>): Promise<T> {
  const { dir, files } = await spool(source, options);
  try {
    return await work(files, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sourceOf = (query: AnyQuery): Promise<Source> => ("resourceId" in query ? tabularSource(query) : Promise.resolve(metricsSource(query)));

/** The rows as a Parquet file (zstd), written atomically. Returns the number of rows. */
export async function toParquet(query: AnyQuery, path: string, options: ExportOptions = {}): Promise<number> {
  const source = await sourceOf(query);
  return withSpool(source, options, async (files) => {
    const duck = await Duck.memory();
    try {
      return await writeAtomically(path, async (temporary) => {
        await duck.run(`COPY (${readSql(source, files)}) TO ${literal(temporary)} (FORMAT parquet, COMPRESSION zstd)`);
        const [{ n }] = await duck.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${literal(temporary)})`);
        return Number(n);
      });
    } finally {
      duck.close();
    }
  });
}

/** The rows into a table of a DuckDB connection (created or replaced). Returns the number of rows. */
export async function toDuckDB(query: AnyQuery, duck: Duck, table: string, options: ExportOptions = {}): Promise<number> {
  const source = await sourceOf(query);
  return withSpool(source, options, async (files) => {
    await duck.run(`CREATE OR REPLACE TABLE ${quote(table)} AS ${readSql(source, files)}`);
    const [{ n }] = await duck.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM ${quote(table)}`);
    return Number(n);
  });
}

/** The rows as an Arrow table (for results that fit in memory). */
export async function toArrow(query: AnyQuery, options: ExportOptions = {}): Promise<Table> {
  const source = await sourceOf(query);
  return withSpool(source, options, async (files, dir) => collectTable(batches(source, files, dir), arrowSchema(outputColumns(source))));
}

/** The rows as an Arrow IPC file, batch by batch (constant memory), written atomically. Returns the number of rows. */
export async function toIpc(query: AnyQuery, path: string, options: ExportOptions = {}): Promise<number> {
  const source = await sourceOf(query);
  return withSpool(source, options, (files, dir) =>
    writeAtomically(path, async (temporary) => {
      const handle = await open(temporary, "w");
      try {
        return await writeIpc(batches(source, files, dir), arrowSchema(outputColumns(source)), async (bytes) => void (await handle.write(bytes)));
      } finally {
        await handle.close();
      }
    }),
  );
}

function outputColumns(source: Source): ColumnSpec[] {
  return source.dropId ? source.columns.filter((c) => c.name !== "__id") : source.columns;
}

/**
 * Record batches: JSON windows are parsed straight into Arrow builders when their order is already right; otherwise
 * (a sort across windows, or CSV) DuckDB puts the rows in order and writes them as one JSON array first.
 */
async function* batches(source: Source, files: string[], dir: string) {
  const columns = outputColumns(source);
  if (source.format === "json" && (!source.spec.sort || files.length === 1)) {
    for (const file of files) yield* jsonStreamToBatches(createReadStream(file), columns);
    return;
  }
  const duck = await Duck.memory();
  try {
    const ordered = join(dir, "ordered.json");
    await duck.run(`COPY (${readSql(source, files)}) TO ${literal(ordered)} (FORMAT json, ARRAY true)`);
    yield* jsonStreamToBatches(createReadStream(ordered), columns);
  } finally {
    duck.close();
  }
}

/** Output formats of the command line and the loaders. */
export const FORMATS = ["csv", "json", "ndjson", "parquet", "arrow"] as const;
export type Format = (typeof FORMATS)[number];

/** COPY options per text/columnar format (arrow is written from record batches instead). */
export function copyOptions(format: Exclude<Format, "arrow">): string {
  return { csv: "FORMAT csv, HEADER true", json: "FORMAT json, ARRAY true", ndjson: "FORMAT json", parquet: "FORMAT parquet, COMPRESSION zstd" }[format];
}

/**
 * Writes the result of a SQL query over a DuckDB connection to a file in any of the formats, atomically. Arrow goes
 * through DuckDB's JSON writer and the profile-free Arrow builders (types as DuckDB reports them).
 */
export async function sqlToFile(duck: Duck, sql: string, params: unknown[], path: string, format: Format, columns?: ColumnSpec[]): Promise<number> {
  return writeAtomically(path, async (temporary) => {
    if (format !== "arrow") {
      const staged = params.length ? await stage(duck, sql, params) : `(${sql})`;
      await duck.run(`COPY ${staged} TO ${literal(temporary)} (${copyOptions(format)})`);
      const [{ n }] = await duck.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM ${staged}`);
      return Number(n);
    }
    const staged = await stage(duck, sql, params);
    const specs = columns ?? (await describe(duck, staged));
    const json = `${temporary}.json`;
    try {
      await duck.run(`COPY ${staged} TO ${literal(json)} (FORMAT json, ARRAY true)`);
      const handle = await open(temporary, "w");
      try {
        return await writeIpc(jsonStreamToBatches(createReadStream(json), specs), arrowSchema(specs), async (bytes) => void (await handle.write(bytes)));
      } finally {
        await handle.close();
      }
    } finally {
      await rm(json, { force: true });
    }
  });
}

/** COPY takes no parameters: a parameterised query is first materialised in a temporary table. */
async function stage(duck: Duck, sql: string, params: unknown[]): Promise<string> {
  const name = `staged_${Math.random().toString(36).slice(2)}`;
  await duck.run(`CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`, params);
  return name;
}

async function describe(duck: Duck, relation: string): Promise<ColumnSpec[]> {
  const rows = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${relation}`);
  const type = (sql: string): PythonType =>
    /INT/.test(sql) ? "int" : /DOUBLE|FLOAT|DECIMAL|REAL/.test(sql) ? "float" : sql === "BOOLEAN" ? "bool" : sql === "DATE" ? "date" : /TIMESTAMP/.test(sql) ? "datetime" : "string";
  return rows.map((r) => ({ name: r.column_name, type: type(r.column_type) }));
}

/** A Tabular or Metrics query's rows to a file in any format, fetched remotely (windows past the cap). */
export async function toFile(query: AnyQuery, path: string, format: Format, options: ExportOptions = {}): Promise<number> {
  if (format === "parquet") return toParquet(query, path, options);
  if (format === "arrow") return toIpc(query, path, options);
  const source = await sourceOf(query);
  return withSpool(source, options, async (files) => {
    const duck = await Duck.memory();
    try {
      return await sqlToFile(duck, readSql(source, files), [], path, format);
    } finally {
      duck.close();
    }
  });
}
