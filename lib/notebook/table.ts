import type { Table } from "apache-arrow";
import { displayable, escapeHtml, type RichBundle } from "./mime.ts";

export interface TableOptions {
  /** Rows rendered (default 20); the rest is counted, not rendered. */
  maxRows?: number | undefined;
  /** Columns rendered (default 40). */
  maxColumns?: number | undefined;
  /** Characters shown per cell (default 80). */
  maxCell?: number | undefined;
  title?: string | undefined;
}

type Row = Record<string, unknown>;

/** What a DuckDB query gives back (`connection.runAndReadAll()`, or `runAndRead()` then `readUntil()`). */
export interface DuckDBReaderLike {
  deduplicatedColumnNames(): string[];
  columnTypes(): { toString(): string }[];
  value(columnIndex: number, rowIndex: number): unknown;
  readonly currentRowCount: number;
  readonly done: boolean;
}

interface Column {
  name: string;
  type: string;
}

/** The rows to render, taken without converting the whole source. */
interface Sample {
  columns: Column[];
  rows: Row[];
  total: number;
  /** Set when the source has not been read to its end (a DuckDB reader part-way). */
  partial?: boolean;
}

export function isArrowTable(value: unknown): value is Table {
  return (
    !!value &&
    typeof value === "object" &&
    "schema" in value &&
    "numRows" in value &&
    typeof (value as Table).getChild === "function"
  );
}

export function isDuckDBReader(value: unknown): value is DuckDBReaderLike {
  const reader = value as DuckDBReaderLike;
  return (
    !!value &&
    typeof value === "object" &&
    typeof reader.deduplicatedColumnNames === "function" &&
    typeof reader.value === "function" &&
    typeof reader.done === "boolean"
  );
}

function fromArrow(source: Table, maxRows: number): Sample {
  const columns = source.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
  // Arrow hands dates and timestamps back as epoch milliseconds
  const readers = columns.map((c) =>
    /^Date/.test(c.type)
      ? (v: unknown) => (v == null ? v : new Date(Number(v)).toISOString().slice(0, 10))
      : /^Timestamp/.test(c.type)
        ? (v: unknown) => (v == null ? v : new Date(Number(v)).toISOString())
        : (v: unknown) => v,
  );
  const rows: Row[] = [];
  for (let i = 0; i < Math.min(maxRows, source.numRows); i++) {
    const row = (source.get(i)?.toJSON() ?? {}) as Row;
    rows.push(Object.fromEntries(columns.map((c, k) => [c.name, readers[k](row[c.name])])));
  }
  return { columns, rows, total: source.numRows };
}

function fromDuckDB(reader: DuckDBReaderLike, maxRows: number): Sample {
  const names = reader.deduplicatedColumnNames();
  const types = reader.columnTypes();
  const columns = names.map((name, k) => ({ name, type: String(types[k]) }));
  const rows: Row[] = [];
  for (let r = 0; r < Math.min(maxRows, reader.currentRowCount); r++)
    rows.push(Object.fromEntries(names.map((name, k) => [name, reader.value(k, r)])));
  return { columns, rows, total: reader.currentRowCount, partial: !reader.done };
}

function jsType(sample: unknown): string {
  if (sample instanceof Date) return "datetime";
  if (typeof sample === "bigint") return "integer";
  if (sample === undefined) return "null";
  return typeof sample;
}

function fromRows(source: Row[], maxRows: number): Sample {
  const rows = source.slice(0, maxRows);
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns = names.map((name) => ({
    name,
    type: jsType(rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name]),
  }));
  return { columns, rows, total: source.length };
}

const isPlainObject = (value: object) =>
  Array.isArray(value) || [Object.prototype, null].includes(Object.getPrototypeOf(value));

/** A cell as text: plain objects as JSON, other objects (DuckDB values, Arrow vectors) by their own toString. */
function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && isPlainObject(value))
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A value for the data resource JSON: numbers stay numbers unless they would lose digits. */
function jsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  // DuckDB's DECIMAL comes as an object that knows its double
  if (value !== null && typeof value === "object" && typeof (value as { toDouble?: unknown }).toDouble === "function")
    return (value as { toDouble(): number }).toDouble();
  if (value !== null && typeof value === "object" && !isPlainObject(value)) return String(value);
  return value;
}

/** A Table Schema type (what `application/vnd.dataresource+json` carries) for an Arrow, DuckDB or JavaScript type. */
export function schemaType(type: string): string {
  if (/^u?(tiny|small|big|huge)?int(eger)?\d*$/i.test(type)) return "integer";
  if (/^(number|float|double|real|decimal)/i.test(type)) return "number";
  if (/^bool/i.test(type)) return "boolean";
  if (/^date(32|64)?(<\w+>)?$/i.test(type)) return "date";
  if (/^(timestamp|datetime)/i.test(type)) return "datetime";
  return "string";
}

/**
 * A table of rows (plain objects, an Arrow table, or a DuckDB result reader): an escaped HTML table of the first rows
 * with the row count and the column types, a short text summary, and the data resource JSON that nteract-style front
 * ends render. Only the rows shown are read from the source.
 */
export function table(source: Row[] | Table | DuckDBReaderLike, options: TableOptions = {}): RichBundle {
  const maxRows = options.maxRows ?? 20;
  const maxColumns = options.maxColumns ?? 40;
  const maxCell = options.maxCell ?? 80;
  const sample = isArrowTable(source)
    ? fromArrow(source, maxRows)
    : isDuckDBReader(source)
      ? fromDuckDB(source, maxRows)
      : fromRows(source, maxRows);
  const { rows, total } = sample;
  const columns = sample.columns.slice(0, maxColumns);

  const head =
    `${options.title ? `${options.title}: ` : ""}${total.toLocaleString("en")} ` +
    `rows${sample.partial ? " read so far" : ""} × ${sample.columns.length} columns`;
  const shown = [
    rows.length < total && `first ${rows.length} rows`,
    columns.length < sample.columns.length && `first ${columns.length} columns`,
  ]
    .filter(Boolean)
    .join(", ");
  const plain = [
    head,
    columns.map((c) => `${c.name}: ${c.type}`).join(", "),
    ...rows.slice(0, 5).map((r) => columns.map((c) => clip(text(r[c.name]), 24)).join(" | ")),
  ].join("\n");
  const html =
    `<div class="datagouv-table"><p><strong>${escapeHtml(head)}</strong>${shown ? ` (${shown} shown)` : ""}</p>` +
    `<table><thead><tr>${columns.map((c) => `<th title="${escapeHtml(c.type)}">${escapeHtml(c.name)}<br><small>${escapeHtml(c.type)}</small></th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(clip(text(r[c.name]), maxCell))}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
  const resource = {
    schema: { fields: columns.map((c) => ({ name: c.name, type: schemaType(c.type) })) },
    data: rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, jsonValue(r[c.name])]))),
  };
  return displayable(
    { "text/plain": plain, "text/html": html, "application/vnd.dataresource+json": resource },
    { rows: total, columns: sample.columns },
  );
}
