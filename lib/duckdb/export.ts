import { createReadStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RecordBatch, Table } from "apache-arrow";
import type { PythonType } from "../query/ast.ts";
import { arrowSchema, type ColumnSpec } from "../arrow/columns.ts";
import { collectTable, jsonStreamToBatches, writeIpc } from "../arrow/batches.ts";
import { writeAtomically } from "../files.ts";
import { Duck, literal } from "./connection.ts";
import { place, prepareRows } from "./mode.ts";
import { liveBatches } from "./live.ts";
import { quote } from "../query/sql.ts";
import type { Exportable, ExportOptions } from "../tabular/export-engine.ts";
import type { Format } from "./formats.ts";
import type { Rows } from "./rows.ts";

/** Prepares the rows on `duck`, hands them to `work`, and cleans up whatever happens. */
async function withRows<T>(
  query: Exportable,
  duck: Duck,
  options: ExportOptions,
  work: (rows: Rows) => Promise<T>,
): Promise<T> {
  const rows = await prepareRows(await place(query, options), duck, options);
  let written = false;
  try {
    const result = await work(rows);
    written = true;
    return result;
  } finally {
    await rows.dispose(written);
  }
}

/**
 * The same, on a DuckDB database of its own (bounded memory, spilling to disk), closed afterwards; `options.signal`
 * interrupts its query.
 */
async function withOwnDuck<T>(
  query: Exportable,
  options: ExportOptions,
  work: (rows: Rows, duck: Duck) => Promise<T>,
): Promise<T> {
  const duck = await Duck.memory(options.memoryLimit);
  // an abort stops DuckDB's query under way too, not only the transfers
  const interrupt = () => duck.interrupt();
  options.signal?.addEventListener("abort", interrupt, { once: true });
  try {
    return await withRows(query, duck, options, (rows) => {
      options.signal?.throwIfAborted();
      return work(rows, duck);
    });
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
    duck.close();
  }
}

/**
 * The rows as a Parquet file (zstd), written atomically. Returns the number of rows. Within the default memory budget
 * the file is written on one thread: there DuckDB's Parquet writer keeps the rows in order on one thread anyway, and a
 * second one reading ahead of it costs more CPU and time than it saves (`npm run bench` measures both); a budget of
 * one's own (`memoryLimit`) lets it use every core.
 */
export function toParquet(query: Exportable, path: string, options: ExportOptions = {}): Promise<number> {
  return toFile(query, path, "parquet", options);
}

/** The rows into a table of a DuckDB connection (created or replaced). Returns the number of rows. */
export function toDuckDB(query: Exportable, duck: Duck, table: string, options: ExportOptions = {}): Promise<number> {
  return withRows(query, duck, options, async (rows) => {
    // CREATE TABLE AS answers the rows it inserted
    const [{ Count }] = await duck.all<{ Count: bigint }>(
      `CREATE OR REPLACE TABLE ${quote(table)} AS ${rows.sql}`,
      rows.params,
    );
    return Number(Count);
  });
}

/** Record batches of a query, the columns they carry, and what to release once they have been read. */
interface OpenBatches {
  columns: ColumnSpec[];
  batches: AsyncGenerator<RecordBatch>;
  /** With `written`, what the batches went into is complete (windows kept for a resumed run can go). */
  close(written: boolean): Promise<void>;
}

/**
 * Remotely, batches are decoded from the API's stream as bytes arrive (nothing spooled) when the windows' order is
 * the output's and nothing is to be kept; otherwise (a sort across windows, Metrics CSV, local runs, the windows of an
 * export into a file, kept for a resumed run) DuckDB puts the rows in order first.
 */
async function openBatches(query: Exportable, options: ExportOptions, intoFile: boolean): Promise<OpenBatches> {
  const placement = await place(query, options);
  const live = placement.mode === "remote" ? await liveBatches(placement, options, intoFile) : { cap: options.cap };
  if ("batches" in live) return { ...live, close: async () => void (await live.batches.return(undefined)) };
  const duck = await Duck.memory(options.memoryLimit);
  try {
    // JSON windows already in order are read by the Arrow builders as they are
    const rows = await prepareRows(placement, duck, { ...options, cap: live.cap }, "json");
    return {
      columns: rows.columns,
      batches: batches(duck, rows),
      async close(written) {
        try {
          await rows.dispose(written);
        } finally {
          duck.close();
        }
      },
    };
  } catch (error) {
    duck.close();
    throw error;
  }
}

async function withBatches<T>(
  query: Exportable,
  options: ExportOptions,
  intoFile: boolean,
  work: (batches: AsyncGenerator<RecordBatch>, columns: ColumnSpec[]) => Promise<T>,
): Promise<T> {
  const open = await openBatches(query, options, intoFile);
  let written = false;
  try {
    const result = await work(open.batches, open.columns);
    written = true;
    return result;
  } finally {
    await open.close(written);
  }
}

/** The rows as Arrow record batches, typed, in order, as they are decoded (constant memory). */
export async function* toRecordBatches(query: Exportable, options: ExportOptions = {}): AsyncGenerator<RecordBatch> {
  const open = await openBatches(query, options, false);
  let written = false;
  try {
    yield* open.batches;
    written = true;
  } finally {
    await open.close(written);
  }
}

/** The rows as an Arrow table (for results that fit in memory). */
export function toArrow(query: Exportable, options: ExportOptions = {}): Promise<Table> {
  return withBatches(query, options, false, (batches, columns) => collectTable(batches, arrowSchema(columns)));
}

/** The rows as an Arrow IPC file (or stream, with `ipcFormat`), batch by batch, written atomically. Returns the number of rows. */
export function toIpc(query: Exportable, path: string, options: ExportOptions = {}): Promise<number> {
  return withBatches(query, options, true, (batches, columns) =>
    writeAtomically(path, (temporary) => ipcFile(temporary, batches, columns, options.ipcFormat)),
  );
}

/** A Tabular or Metrics query's rows to a file in any of the formats, written atomically. */
export function toFile(query: Exportable, path: string, format: Format, options: ExportOptions = {}): Promise<number> {
  if (format === "arrow") return toIpc(query, path, options);
  return withOwnDuck(query, options, async (rows, duck) => {
    if (format === "parquet" && options.memoryLimit === undefined) await duck.run("SET threads = 1");
    return sqlToFile(duck, rows.sql, rows.params, path, format);
  });
}

/**
 * Record batches of prepared rows: JSON windows already in order are parsed straight into the Arrow builders;
 * otherwise DuckDB writes the rows in order as one JSON array first, which the builders then read.
 */
async function* batches(duck: Duck, rows: Rows): AsyncGenerator<RecordBatch> {
  if (rows.ordered) {
    for (const file of rows.ordered) yield* jsonStreamToBatches(createReadStream(file), rows.columns);
    return;
  }
  const json = join(rows.scratch, "ordered.json");
  await copyTo(duck, rows.sql, rows.params, json, copyOptions("json"));
  yield* jsonStreamToBatches(createReadStream(json), rows.columns);
}

async function ipcFile(
  path: string,
  batches: AsyncIterable<RecordBatch>,
  columns: ColumnSpec[],
  format: "file" | "stream" = "file",
): Promise<number> {
  const handle = await open(path, "w");
  try {
    return await writeIpc(batches, arrowSchema(columns), async (bytes) => void (await handle.write(bytes)), format);
  } finally {
    await handle.close();
  }
}

export { FORMATS, type Format } from "./formats.ts";

/**
 * COPY options per text/columnar format (arrow is written from record batches instead). Parquet is zstd with the
 * format's version 2 encodings: delta for integers, byte-stream-split for floats. Every row carries `__id`, a million
 * distinct ids for a million rows, which version 1 can only store plain (about 1.2 bytes a row after zstd, a third of
 * such a file); delta-encoded, it takes a few hundred bytes (measured by `npm run bench`). Readers: Arrow, DuckDB,
 * Polars, Spark 3.2 and later.
 */
export function copyOptions(format: Exclude<Format, "arrow">): string {
  return {
    csv: "FORMAT csv, HEADER true",
    json: "FORMAT json, ARRAY true",
    ndjson: "FORMAT json",
    parquet: "FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2",
  }[format];
}

/**
 * Writes the result of a SQL query over a DuckDB connection to a file in any of the formats, atomically; returns the
 * number of rows. Arrow goes through DuckDB's JSON writer and the Arrow builders, typed by `columns` (by default, as
 * DuckDB describes the result).
 */
export async function sqlToFile(
  duck: Duck,
  sql: string,
  params: unknown[],
  path: string,
  format: Format,
  columns?: ColumnSpec[],
): Promise<number> {
  return writeAtomically(path, async (temporary) => {
    if (format !== "arrow") return copyTo(duck, sql, params, temporary, copyOptions(format));
    const specs = columns ?? (await describe(duck, sql, params));
    const json = `${temporary}.json`;
    try {
      await copyTo(duck, sql, params, json, copyOptions("json"));
      return await ipcFile(temporary, jsonStreamToBatches(createReadStream(json), specs), specs);
    } finally {
      await rm(json, { force: true });
    }
  });
}

/**
 * COPY of a query to a file; returns the number of rows written. COPY takes no parameters, so a parameterised query is
 * first materialised in a temporary table.
 */
async function copyTo(duck: Duck, sql: string, params: unknown[], file: string, options: string): Promise<number> {
  if (!params.length) {
    const [{ Count }] = await duck.all<{ Count: bigint }>(`COPY (${sql}) TO ${literal(file)} (${options})`);
    return Number(Count);
  }
  const staged = `staged_${Math.random().toString(36).slice(2)}`;
  await duck.run(`CREATE OR REPLACE TEMP TABLE ${staged} AS ${sql}`, params);
  try {
    const [{ Count }] = await duck.all<{ Count: bigint }>(`COPY ${staged} TO ${literal(file)} (${options})`);
    return Number(Count);
  } finally {
    await duck.run(`DROP TABLE IF EXISTS ${staged}`);
  }
}

async function describe(duck: Duck, sql: string, params: unknown[]): Promise<ColumnSpec[]> {
  const rows = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`, params);
  const type = (sql: string): PythonType =>
    /INT/.test(sql)
      ? "int"
      : /DOUBLE|FLOAT|DECIMAL|REAL/.test(sql)
        ? "float"
        : sql === "BOOLEAN"
          ? "bool"
          : sql === "DATE"
            ? "date"
            : /TIMESTAMP/.test(sql)
              ? "datetime"
              : "string";
  return rows.map((r) => ({ name: r.column_name, type: type(r.column_type) }));
}
