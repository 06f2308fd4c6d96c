import { RecordBatch, Struct, Table, makeData, RecordBatchFileWriter, RecordBatchStreamWriter, type Schema } from "apache-arrow";
import { BatchBuilder, type ColumnSpec } from "./columns.ts";
import { jsonArrayRows } from "./json-array.ts";

/** Record batches from a `/data/json/` byte stream, typed by `columns`, built as the bytes arrive. */
export async function* jsonStreamToBatches(chunks: AsyncIterable<Uint8Array | string>, columns: ColumnSpec[], batchRows = 65_536): AsyncGenerator<RecordBatch> {
  const builder = new BatchBuilder(columns);
  for await (const rows of jsonArrayRows(chunks, batchRows)) {
    builder.append(rows);
    yield toBatch(builder.schema, builder.flush(), rows.length);
  }
}

/** Record batches from rows already parsed (pages of `/data/`), typed by `columns`. */
export function rowsToBatch(rows: Record<string, unknown>[], columns: ColumnSpec[]): RecordBatch {
  const builder = new BatchBuilder(columns);
  builder.append(rows);
  return toBatch(builder.schema, builder.flush(), rows.length);
}

function toBatch(schema: Schema, vectors: ReturnType<BatchBuilder["flush"]>, length: number): RecordBatch {
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: vectors });
  return new RecordBatch(schema, data);
}

/** Collects batches into a table (for results that fit in memory). */
export async function collectTable(batches: AsyncIterable<RecordBatch>, schema: Schema): Promise<Table> {
  const all: RecordBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return all.length ? new Table(all) : new Table(schema);
}

/** Writes batches as Arrow IPC (file or stream format) to a byte sink, one batch at a time. */
export async function writeIpc(batches: AsyncIterable<RecordBatch>, schema: Schema, sink: (bytes: Uint8Array) => Promise<void>, format: "file" | "stream" = "file"): Promise<number> {
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
