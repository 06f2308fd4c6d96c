import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  Struct,
  TimestampMillisecond,
  Utf8,
  Field,
  Schema,
  makeData,
  type Data,
  type DataType,
} from "apache-arrow";
import type { PythonType } from "../query/ast.ts";
import type { CsvProfile } from "../tabular/profile.ts";
import { profileColumns } from "../tabular/profile.ts";
import { columnBuilder, columnData } from "./vectors.ts";

/** A column to load, with the type the Tabular profile (or a Metrics model) gives it. */
export interface ColumnSpec {
  name: string;
  type: PythonType;
  /** For ints: the profile's range, to choose 32 or 64 bits. */
  min?: number;
  max?: number;
}

/** Columns of a `/data/json/` stream: `__id` first, then the profile's, in header order. */
export function columnsFromProfile(profile: CsvProfile, selected?: string[]): ColumnSpec[] {
  const columns: ColumnSpec[] = [{ name: "__id", type: "int", min: 1, max: profile.total_lines ?? 2 ** 31 }];
  for (const c of profileColumns(profile)) {
    columns.push({ name: c.name, type: c.type, min: numeric(c.stats?.min), max: numeric(c.stats?.max) });
  }
  return selected ? selected.map((name) => columns.find((c) => c.name === name) ?? { name, type: "string" }) : columns;
}

function numeric(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Arrow types: ints in 32 bits when the profile says they fit, dates as days, datetimes as milliseconds, json as text. */
export function arrowType(column: ColumnSpec): DataType {
  switch (column.type) {
    case "int":
      return column.min !== undefined && column.max !== undefined && column.min >= -(2 ** 31) && column.max < 2 ** 31
        ? new Int32()
        : new Int64();
    case "float":
      return new Float64();
    case "bool":
      return new Bool();
    case "date":
      return new DateDay();
    case "datetime":
      return new TimestampMillisecond();
    default:
      return new Utf8();
  }
}

export function arrowSchema(columns: ColumnSpec[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c), true)));
}

/** Record batches of rows typed by `columns` (the schema is made once, then each batch written into typed arrays). */
export function batchEncoder(columns: ColumnSpec[]): {
  schema: Schema;
  encode(rows: readonly Record<string, unknown>[]): RecordBatch;
} {
  const schema = arrowSchema(columns);
  return {
    schema,
    encode: (rows) =>
      recordBatch(
        schema,
        rows.length,
        columns.map((c, i) => columnData(schema.fields[i].type, rows, c.name, c.type === "json")),
      ),
  };
}

/** A record batch of `length` rows from its columns' data. */
function recordBatch(schema: Schema, length: number, children: Data[]): RecordBatch {
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/**
 * Record batches of `capacity` rows built as rows are appended, a few at a time (the last one shorter, by `flush`):
 * each row is written into the typed arrays as soon as it is appended, and can then be dropped.
 */
export function batchBuilder(
  columns: ColumnSpec[],
  capacity: number,
): {
  schema: Schema;
  append(rows: readonly Record<string, unknown>[]): RecordBatch[];
  flush(): RecordBatch | undefined;
} {
  const schema = arrowSchema(columns);
  const builders = columns.map((c, i) => columnBuilder(schema.fields[i].type, c.name, capacity, c.type === "json"));
  let length = 0;
  const finish = () => {
    const batch = recordBatch(
      schema,
      length,
      builders.map((b) => b.finish()),
    );
    length = 0;
    return batch;
  };
  return {
    schema,
    append(rows) {
      const done: RecordBatch[] = [];
      for (let from = 0; from < rows.length;) {
        const to = Math.min(rows.length, from + capacity - length);
        for (const builder of builders) builder.append(rows, from, to);
        length += to - from;
        from = to;
        if (length === capacity) done.push(finish());
      }
      return done;
    },
    flush: () => (length ? finish() : undefined),
  };
}
