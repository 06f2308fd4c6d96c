import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Int64,
  TimestampMillisecond,
  makeData,
  type Data,
  type DataType,
} from "apache-arrow";
import { stringify as losslessStringify } from "lossless-json";

/**
 * Arrow column data from row objects, written straight into typed arrays allocated once at the batch's size (Arrow's
 * general-purpose builders grow and convert value by value, several times slower on a million rows). Rows are appended
 * as they are parsed, a few hundred at a time, so that the row objects die young: holding a whole batch of them until
 * it was encoded cost about a third more time in garbage collection.
 */

type Rows = readonly Record<string, unknown>[];

const DAY_MS = 86_400_000;
const TWO_32 = 4_294_967_296;

/** No value: JSON null, a missing key, or an empty cell (CSV). */
const missing = (value: unknown) => value === null || value === undefined || value === "";

/** Milliseconds since the epoch; dates and naive datetimes are read as UTC, as they were written. */
function epochMs(value: unknown): number {
  const text = String(value);
  // the common case, "YYYY-MM-DD", without the cost of Date.parse
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    return Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)));
  }
  return Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
}

/** One column of a batch being built: rows are appended up to the capacity it was made with, then it is finished. */
export interface ColumnBuilder {
  append(rows: Rows, from: number, to: number): void;
  /** The column's data for the rows appended so far; the builder starts a new batch afterwards. */
  finish(): Data;
}

/** Validity bits, the count of nulls, and the row count, shared by every kind of column. */
abstract class Builder implements ColumnBuilder {
  protected bits: Uint8Array;
  protected nulls = 0;
  protected length = 0;

  constructor(
    protected readonly type: DataType,
    protected readonly name: string,
    protected readonly capacity: number,
  ) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }

  abstract append(rows: Rows, from: number, to: number): void;

  protected abstract take(): Partial<Record<"data" | "valueOffsets", unknown>>;

  finish(): Data {
    const length = this.length;
    const nullBitmap = this.nulls ? this.bits.slice(0, (length + 7) >> 3) : null;
    const data = makeData({ type: this.type, length, nullCount: this.nulls, nullBitmap, ...this.take() } as never);
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
    this.nulls = 0;
    this.length = 0;
    return data;
  }

  protected valid(index: number): void {
    this.bits[index >> 3] |= 1 << (index & 7);
  }
}

/** Typed arrays are sized for a full batch; a shorter last one keeps only what it holds. */
function fit<T extends Int32Array | Float64Array | BigInt64Array | Uint8Array>(values: T, length: number): T {
  return (values.length === length ? values : values.slice(0, length)) as T;
}

/** Numbers in a fixed-width array (ints, floats, days); `NaN` from `toNumber` is a null. */
class FixedWidth<T extends Int32Array | Float64Array> extends Builder {
  #values: T;

  constructor(
    type: DataType,
    name: string,
    capacity: number,
    private readonly make: (length: number) => T,
    private readonly toNumber: (value: unknown) => number,
  ) {
    super(type, name, capacity);
    this.#values = make(capacity);
  }

  append(rows: Rows, from: number, to: number): void {
    const values = this.#values;
    const name = this.name;
    let at = this.length;
    for (let i = from; i < to; i++, at++) {
      const value = rows[i][name];
      const number = missing(value) ? NaN : this.toNumber(value);
      if (Number.isNaN(number)) this.nulls++;
      else {
        values[at] = number;
        this.valid(at);
      }
    }
    this.length = at;
  }

  protected take() {
    const data = fit(this.#values, this.length);
    this.#values = this.make(this.capacity);
    return { data };
  }
}

/** 64-bit integers written as two 32-bit words (little-endian), which spares a BigInt per value. */
class Int64Words extends Builder {
  #values: BigInt64Array;
  #words: Int32Array;

  constructor(
    type: DataType,
    name: string,
    capacity: number,
    private readonly toNumber: (value: unknown) => number,
  ) {
    super(type, name, capacity);
    this.#values = new BigInt64Array(capacity);
    this.#words = new Int32Array(this.#values.buffer);
  }

  append(rows: Rows, from: number, to: number): void {
    const words = this.#words;
    const name = this.name;
    let at = this.length;
    for (let i = from; i < to; i++, at++) {
      const value = rows[i][name];
      if (typeof value === "bigint") {
        // past 2^53, exact (the JSON readers give BigInt there)
        this.#values[at] = BigInt.asIntN(64, value);
        this.valid(at);
        continue;
      }
      const number = missing(value) ? NaN : Math.trunc(this.toNumber(value));
      if (Number.isNaN(number)) this.nulls++;
      else {
        const high = Math.floor(number / TWO_32);
        words[2 * at] = (number - high * TWO_32) | 0;
        words[2 * at + 1] = high | 0;
        this.valid(at);
      }
    }
    this.length = at;
  }

  protected take() {
    const data = fit(this.#values, this.length);
    this.#values = new BigInt64Array(this.capacity);
    this.#words = new Int32Array(this.#values.buffer);
    return { data };
  }
}

class Booleans extends Builder {
  #values: Uint8Array;

  constructor(type: DataType, name: string, capacity: number) {
    super(type, name, capacity);
    this.#values = new Uint8Array((capacity + 7) >> 3);
  }

  append(rows: Rows, from: number, to: number): void {
    const values = this.#values;
    const name = this.name;
    let at = this.length;
    for (let i = from; i < to; i++, at++) {
      const value = rows[i][name];
      if (missing(value)) this.nulls++;
      else {
        if (value === true || value === "true" || value === "t") values[at >> 3] |= 1 << (at & 7);
        this.valid(at);
      }
    }
    this.length = at;
  }

  protected take() {
    const data = fit(this.#values, (this.length + 7) >> 3);
    this.#values = new Uint8Array((this.capacity + 7) >> 3);
    return { data };
  }
}

/** JSON text of a json column's value; lossless-json writes the BigInts of integers past 2^53 as their digits. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return losslessStringify(value) ?? "null";
  }
}

/** Text: UTF-8 lengths measured natively, then every value encoded in one call. JSON values keep their JSON text. */
class Utf8Text extends Builder {
  #offsets: Int32Array;
  #texts: string[] = [];
  #end = 0;

  constructor(
    type: DataType,
    name: string,
    capacity: number,
    private readonly json: boolean,
  ) {
    super(type, name, capacity);
    this.#offsets = new Int32Array(capacity + 1);
  }

  append(rows: Rows, from: number, to: number): void {
    const offsets = this.#offsets;
    const texts = this.#texts;
    const name = this.name;
    let end = this.#end;
    let at = this.length;
    for (let i = from; i < to; i++, at++) {
      const value = rows[i][name];
      if (value === null || value === undefined) this.nulls++;
      else {
        const text = typeof value === "string" ? value : this.json ? jsonText(value) : String(value);
        texts.push(text);
        end += Buffer.byteLength(text, "utf8");
        this.valid(at);
      }
      offsets[at + 1] = end;
    }
    this.#end = end;
    this.length = at;
  }

  protected take() {
    const bytes = Buffer.from(this.#texts.join(""), "utf8");
    const valueOffsets = fit(this.#offsets, this.length + 1);
    this.#offsets = new Int32Array(this.capacity + 1);
    this.#texts = [];
    this.#end = 0;
    return { valueOffsets, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  }
}

/** A builder of the column `name` as Arrow data of `type`, for up to `capacity` rows a batch. `json` marks a json column, kept as its JSON text. */
export function columnBuilder(type: DataType, name: string, capacity: number, json = false): ColumnBuilder {
  if (type instanceof Int32) return new FixedWidth(type, name, capacity, (n) => new Int32Array(n), Number);
  if (type instanceof Float64) return new FixedWidth(type, name, capacity, (n) => new Float64Array(n), Number);
  if (type instanceof DateDay)
    return new FixedWidth(
      type,
      name,
      capacity,
      (n) => new Int32Array(n),
      (v) => Math.floor(epochMs(v) / DAY_MS),
    );
  if (type instanceof Int64) return new Int64Words(type, name, capacity, Number);
  if (type instanceof TimestampMillisecond) return new Int64Words(type, name, capacity, epochMs);
  if (type instanceof Bool) return new Booleans(type, name, capacity);
  return new Utf8Text(type, name, capacity, json);
}

/** The column `name` of `rows` as Arrow data of `type`. `json` marks a json column, kept as its JSON text. */
export function columnData(type: DataType, rows: Rows, name: string, json = false): Data {
  const builder = columnBuilder(type, name, rows.length, json);
  builder.append(rows, 0, rows.length);
  return builder.finish();
}
