import type { PythonType } from "./ast.ts";

/**
 * Values read as PostgreSQL 15 reads a literal for the column types hydra creates (udata_hydra/conversion/schema.py:
 * BIGINT, FLOAT, BOOLEAN, DATE, TIMESTAMP, JSON, VARCHAR; `__id` an INTEGER), where DuckDB's casts would read
 * otherwise: integers without fraction and within range, floats within range, PostgreSQL's boolean words, ISO dates
 * and timestamps (a timestamp's zone ignored, its fraction rounded to microseconds), each refused with PostgreSQL's
 * SQLSTATE and message.
 */

/** A PostgreSQL error: its SQLSTATE, message and hint, as PostgREST relays them. */
export class DatabaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
}

/** How PostgreSQL names a column type in its input errors (`invalid input syntax for type …`). */
export const INPUT_TYPE_NAMES: Record<PythonType | "id", string> = {
  string: "character varying",
  int: "bigint",
  id: "integer",
  float: "double precision",
  bool: "boolean",
  date: "date",
  datetime: "timestamp",
  json: "json",
};

/** How PostgreSQL names a column type elsewhere (`operator does not exist: …`): `format_type`'s names. */
export const TYPE_NAMES: Record<PythonType | "id", string> = {
  ...INPUT_TYPE_NAMES,
  datetime: "timestamp without time zone",
};

export const invalidInput = (type: PythonType | "id", value: string) =>
  new DatabaseError(
    type === "date" || type === "datetime" ? "22007" : "22P02",
    `invalid input syntax for type ${INPUT_TYPE_NAMES[type]}: "${value}"`,
  );

const outOfRange = (message: string) => new DatabaseError("22003", message);
const fieldOverflow = (value: string) => new DatabaseError("22008", `date/time field value out of range: "${value}"`);

const RANGES = { int: [-(2n ** 63n), 2n ** 63n - 1n], id: [-(2n ** 31n), 2n ** 31n - 1n] } as const;

/** A value as the column's type reads it: the text DuckDB is to cast, and whether a rounding carried a microsecond. */
export interface ReadValue {
  text: string;
  carry?: boolean;
}

export function readValue(type: PythonType | "id", value: string): ReadValue {
  const text = value.trim();
  switch (type) {
    case "int":
    case "id": {
      if (!/^[+-]?\d+$/.test(text)) throw invalidInput(type, value);
      const [low, high] = RANGES[type];
      const n = BigInt(text);
      if (n < low || n > high) throw outOfRange(`value "${value}" is out of range for type ${INPUT_TYPE_NAMES[type]}`);
      return { text: n.toString() };
    }
    case "float":
      return { text: readFloat(value, text) };
    case "bool":
      return { text: readBool(value, text) };
    case "date":
      return readDate(value, text);
    case "datetime":
      return readTimestamp(value, text);
    default:
      return { text: value };
  }
}

function readFloat(value: string, text: string): string {
  if (/^[+-]?(nan|inf|infinity)$/i.test(text)) return text;
  const number = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.exec(text);
  if (!number) throw invalidInput("float", value);
  const parsed = Number(text);
  // strtod's ERANGE: past the largest double, or so small that it is zero although its digits are not
  if (!Number.isFinite(parsed) || (parsed === 0 && /[1-9]/.test(number[1])))
    throw outOfRange(`"${value}" is out of range for type double precision`);
  return text;
}

function readBool(value: string, text: string): string {
  const word = text.toLowerCase();
  if (word === "1" || word === "on" || (word !== "" && ("true".startsWith(word) || "yes".startsWith(word))))
    return "true";
  if (
    word === "0" ||
    word === "of" ||
    word === "off" ||
    (word !== "" && ("false".startsWith(word) || "no".startsWith(word)))
  )
    return "false";
  throw invalidInput("bool", value);
}

const DATE = /^(\d{4,})-(\d{1,2})-(\d{1,2})/;
const TIME = /^[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?)?$/i;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO dates; a time after the date is read and ignored, as PostgreSQL's date input does. */
function readDate(value: string, text: string): ReadValue {
  const date = DATE.exec(text);
  const rest = date ? text.slice(date[0].length) : "";
  if (!date || (rest !== "" && !TIME.test(rest))) throw invalidInput("date", value);
  const [year, month, day] = date.slice(1, 4).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) throw fieldOverflow(value);
  return { text: `${date[1]}-${date[2].padStart(2, "0")}-${date[3].padStart(2, "0")}` };
}

/** ISO timestamps: the zone is ignored (a timestamp without time zone), the fraction rounded to microseconds. */
function readTimestamp(value: string, text: string): ReadValue {
  const { text: day } = (() => {
    try {
      return readDate(value, text.slice(0, DATE.exec(text)?.[0].length ?? 0));
    } catch (error) {
      throw error instanceof DatabaseError && error.code === "22007" ? invalidInput("datetime", value) : error;
    }
  })();
  const rest = text.slice(DATE.exec(text)![0].length);
  if (rest === "") return { text: `${day} 00:00:00` };
  const time = TIME.exec(rest);
  if (!time) throw invalidInput("datetime", value);
  const [hours, minutes, seconds = 0] = [time[1], time[2], time[3]].map((t) =>
    t === undefined ? undefined : Number(t),
  );
  const { micros, carry } = roundFraction(time[4] ?? "");
  if (hours! > 24 || minutes! > 59 || seconds > 59 || (hours === 24 && (minutes! > 0 || seconds > 0 || micros > 0)))
    throw fieldOverflow(value);
  // 24:00:00 is the next day's midnight, as PostgreSQL reads it
  if (hours === 24) return { text: `${day} 23:59:59.999999`, carry: true };
  const clock = `${String(hours).padStart(2, "0")}:${time[2]}:${String(seconds).padStart(2, "0")}`;
  return { text: `${day} ${clock}.${String(micros).padStart(6, "0")}`, carry };
}

/**
 * PostgreSQL's `rint(strtod("0.fff…") * 1000000)`: the fraction as a double, rounded half to even. A fraction that
 * rounds to a whole second carries one microsecond onto 0.999999.
 */
function roundFraction(digits: string): { micros: number; carry: boolean } {
  if (digits.length <= 6) return { micros: Number(digits.padEnd(6, "0")), carry: false };
  const scaled = Number(`0.${digits}`) * 1_000_000;
  let rounded = Math.round(scaled);
  if (Math.abs(scaled % 1) === 0.5) rounded = 2 * Math.round(scaled / 2);
  return rounded >= 1_000_000 ? { micros: 999_999, carry: true } : { micros: rounded, carry: false };
}
