import { Bool, DateDay, Float64, Int32, Int64, TimestampMillisecond, makeData, type Data, type DataType } from "apache-arrow";

/**
 * Arrow column data from row objects, written straight into typed arrays: a batch's length is known before it is
 * built, so every buffer is allocated once at its final size (Arrow's general-purpose builders grow and convert value
 * by value, several times slower on a million rows).
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

/** A validity bitmap and its count of nulls. */
class Validity {
  readonly bits: Uint8Array;
  nulls = 0;

  constructor(length: number) {
    this.bits = new Uint8Array((length + 7) >> 3);
  }

  set(index: number): void {
    this.bits[index >> 3] |= 1 << (index & 7);
  }
}

/** Numbers in a fixed-width array (ints, floats, days); `NaN` from `toNumber` is a null. */
function fixedWidth<T extends Int32Array | Float64Array>(type: DataType, rows: Rows, name: string, values: T, toNumber: (value: unknown) => number): Data {
  const validity = new Validity(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][name];
    const number = missing(value) ? NaN : toNumber(value);
    if (Number.isNaN(number)) validity.nulls++;
    else {
      values[i] = number;
      validity.set(i);
    }
  }
  return makeData({ type, length: rows.length, nullCount: validity.nulls, nullBitmap: validity.nulls ? validity.bits : null, data: values } as never);
}

/** 64-bit integers written as two 32-bit words (little-endian), which spares a BigInt per value. */
function int64(type: DataType, rows: Rows, name: string, toNumber: (value: unknown) => number): Data {
  const values = new BigInt64Array(rows.length);
  const words = new Int32Array(values.buffer);
  const validity = new Validity(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][name];
    const number = missing(value) ? NaN : Math.trunc(toNumber(value));
    if (Number.isNaN(number)) validity.nulls++;
    else {
      const high = Math.floor(number / TWO_32);
      words[2 * i] = (number - high * TWO_32) | 0;
      words[2 * i + 1] = high | 0;
      validity.set(i);
    }
  }
  return makeData({ type, length: rows.length, nullCount: validity.nulls, nullBitmap: validity.nulls ? validity.bits : null, data: values } as never);
}

function bool(type: DataType, rows: Rows, name: string): Data {
  const values = new Uint8Array((rows.length + 7) >> 3);
  const validity = new Validity(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][name];
    if (missing(value)) validity.nulls++;
    else {
      if (value === true || value === "true" || value === "t") values[i >> 3] |= 1 << (i & 7);
      validity.set(i);
    }
  }
  return makeData({ type, length: rows.length, nullCount: validity.nulls, nullBitmap: validity.nulls ? validity.bits : null, data: values } as never);
}

/** Text: UTF-8 lengths measured natively, then every value encoded in one call. JSON values keep their JSON text. */
function utf8(type: DataType, rows: Rows, name: string, json: boolean): Data {
  const offsets = new Int32Array(rows.length + 1);
  const texts: string[] = [];
  const validity = new Validity(rows.length);
  let end = 0;
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][name];
    if (value === null || value === undefined) validity.nulls++;
    else {
      const text = typeof value === "string" ? value : json ? JSON.stringify(value) : String(value);
      texts.push(text);
      end += Buffer.byteLength(text, "utf8");
      validity.set(i);
    }
    offsets[i + 1] = end;
  }
  const bytes = Buffer.from(texts.join(""), "utf8");
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return makeData({ type, length: rows.length, nullCount: validity.nulls, nullBitmap: validity.nulls ? validity.bits : null, valueOffsets: offsets, data } as never);
}

/** The column `name` of `rows` as Arrow data of `type`. `json` marks a json column, kept as its JSON text. */
export function columnData(type: DataType, rows: Rows, name: string, json = false): Data {
  if (type instanceof Int32) return fixedWidth(type, rows, name, new Int32Array(rows.length), Number);
  if (type instanceof Float64) return fixedWidth(type, rows, name, new Float64Array(rows.length), Number);
  if (type instanceof DateDay) return fixedWidth(type, rows, name, new Int32Array(rows.length), (v) => Math.floor(epochMs(v) / DAY_MS));
  if (type instanceof Int64) return int64(type, rows, name, Number);
  if (type instanceof TimestampMillisecond) return int64(type, rows, name, epochMs);
  if (type instanceof Bool) return bool(type, rows, name);
  return utf8(type, rows, name, json);
}
