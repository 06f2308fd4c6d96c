import { Bool, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8, Field, Schema, makeBuilder, type Builder, type DataType } from "apache-arrow";
import type { PythonType } from "../tabular/ast.ts";
import type { CsvProfile } from "../tabular/profile.ts";
import { profileColumns } from "../tabular/profile.ts";

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
      return column.min !== undefined && column.max !== undefined && column.min >= -(2 ** 31) && column.max < 2 ** 31 ? new Int32() : new Int64();
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

/** Converts a JSON value to what the column's builder takes; codes stay text with their leading zeros. */
export function converter(column: ColumnSpec, type: DataType): (value: unknown) => unknown {
  const toNull = (v: unknown) => v === null || v === undefined || v === "";
  if (type instanceof Int64) return (v) => (toNull(v) ? null : BigInt(Math.trunc(Number(v))));
  if (type instanceof Int32 || type instanceof Float64) return (v) => (toNull(v) ? null : Number(v));
  if (type instanceof Bool) return (v) => (toNull(v) ? null : v === true || v === "true" || v === "t");
  if (type instanceof DateDay || type instanceof TimestampMillisecond) {
    return (v) => {
      if (toNull(v)) return null;
      const text = String(v);
      // naive datetimes are read as UTC, as they were written
      const time = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || text.length <= 10 ? text : `${text}Z`);
      return Number.isNaN(time) ? null : new Date(time);
    };
  }
  if (column.type === "json") return (v) => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v));
  return (v) => (v === null || v === undefined ? null : String(v));
}

/** One builder per column, reused batch after batch. */
export class BatchBuilder {
  readonly schema: Schema;
  readonly #builders: Builder[];
  readonly #convert: ((value: unknown) => unknown)[];
  readonly #names: string[];

  constructor(columns: ColumnSpec[]) {
    this.schema = arrowSchema(columns);
    this.#names = columns.map((c) => c.name);
    this.#builders = this.schema.fields.map((field) => makeBuilder({ type: field.type, nullValues: [null, undefined] }));
    this.#convert = columns.map((c, i) => converter(c, this.schema.fields[i].type));
  }

  append(rows: Record<string, unknown>[]): void {
    for (let c = 0; c < this.#names.length; c++) {
      const builder = this.#builders[c];
      const name = this.#names[c];
      const convert = this.#convert[c];
      for (let r = 0; r < rows.length; r++) builder.append(convert(rows[r][name]));
    }
  }

  /** The rows appended since the last flush, as column vectors (the builders are reset). */
  flush() {
    return this.#builders.map((builder) => builder.flush());
  }
}
