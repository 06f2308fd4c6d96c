import { RecordBatch, Table, RecordBatchFileWriter, RecordBatchStreamWriter, type Schema } from "apache-arrow";
import { batchBuilder, batchEncoder, type ColumnSpec } from "./columns.ts";
import { jsonArrayRows } from "./json-array.ts";

/** Rows handed from the parser to the batch being built at a time: few enough that they are dropped young. */
const PARSED_ROWS = 1_024;

/** Record batches of `batchRows` rows from a `/data/json/` byte stream, typed by `columns`, built as the bytes arrive. */
export async function* jsonStreamToBatches(
  chunks: AsyncIterable<Uint8Array | string>,
  columns: ColumnSpec[],
  batchRows = 65_536,
): AsyncGenerator<RecordBatch> {
  const builder = batchBuilder(columns, batchRows);
  for await (const rows of jsonArrayRows(chunks, Math.min(PARSED_ROWS, batchRows))) yield* builder.append(rows);
  const last = builder.flush();
  if (last) yield last;
}

/** A record batch from rows already parsed (pages of `/data/`), typed by `columns`. */
export function rowsToBatch(rows: readonly Record<string, unknown>[], columns: ColumnSpec[]): RecordBatch {
  return batchEncoder(columns).encode(rows);
}

/** Collects batches into a table (for results that fit in memory). */
export async function collectTable(batches: AsyncIterable<RecordBatch>, schema: Schema): Promise<Table> {
  const all: RecordBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return all.length ? new Table(all) : new Table(schema);
}

/** Writes batches as Arrow IPC (file or stream format) to a byte sink, one batch at a time. */
export async function writeIpc(
  batches: AsyncIterable<RecordBatch>,
  schema: Schema,
  sink: (bytes: Uint8Array) => Promise<void>,
  format: "file" | "stream" = "file",
): Promise<number> {
  const writer = format === "file" ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  let rows = 0;
  const drain = (async () => {
    for await (const bytes of writer) await sink(bytes);
  })();
  writer.reset(undefined, schema);
  for await (const batch of batches) {
    writer.write(batch);
    rows += batch.numRows;
  }
  writer.finish();
  writer.close();
  await drain;
  return rows;
}
