/** Values formatted as udata's Python fields format them. */

const DATE = /^(\d{4}-\d{2}-\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * udata's ISODateTime (udata/api/fields.py): a date stays a date (`2021-01-01`); a datetime is Python's isoformat,
 * microseconds only when not zero, a naive one taken as UTC (`2019-06-26T19:17:42.238000+00:00`).
 */
export function isoDateTime(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (DATE.test(text)) return text;
  const m = DATETIME.exec(text);
  if (!m) {
    const time = Date.parse(text);
    return Number.isNaN(time) ? text : isoDateTime(new Date(time).toISOString());
  }
  const [, day, hours, minutes, seconds = "00", fraction = "", zone] = m;
  const micro = fraction.slice(0, 6).padEnd(6, "0");
  return `${day}T${hours}:${minutes}:${seconds}${/^0+$/.test(micro) ? "" : `.${micro}`}${offset(zone)}`;
}

function offset(zone: string | undefined): string {
  if (!zone || zone.toUpperCase() === "Z") return "+00:00";
  const digits = zone.replace(":", "");
  return `${digits.slice(0, 3)}:${digits.length > 3 ? digits.slice(3) : "00"}`;
}

/** A naive datetime's isoformat, as MongoEngine hands datetimes to udata's CSV adapters (UTC, no offset). */
export function naiveIsoDateTime(value: unknown): string | null {
  const aware = isoDateTime(value);
  if (aware === null || DATE.test(aware)) return aware;
  const m = /^(.*?)([+-]\d{2}:\d{2})$/.exec(aware);
  if (!m) return aware;
  if (m[2] === "+00:00") return m[1];
  return (isoDateTime(new Date(Date.parse(aware)).toISOString()) ?? aware).replace(/\+00:00$/, "");
}

/** Python's `str()` of a JSON value, as flask-restx's String field applies it. */
export function pyStr(value: unknown): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number")
    return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : pyFloat(value);
  if (typeof value === "string") return value;
  return pyRepr(value);
}

function pyFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** Python's repr of a JSON value: what `str(dict)` gives for a metric kept as a dict of months. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (typeof value === "boolean" || typeof value === "number") return pyStr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(value as object)
    .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
    .join(", ")}}`;
}

/** flask-restx's `inputs.boolean`. */
export function pyBoolean(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (!value) return false;
  const text = String(value).toLowerCase();
  if (["true", "1", "on"].includes(text)) return true;
  if (["false", "0", "off"].includes(text)) return false;
  return Boolean(value);
}

export function pyInt(value: unknown): number | null {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

/** Python's `json.dumps` (its ", " and ": " separators, non-ASCII escaped), as udata writes extras into a CSV cell. */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string")
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  if (typeof value === "number") return pyStr(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  return `{${Object.entries(value as object)
    .map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`)
    .join(", ")}}`;
}
