import type { Table } from "apache-arrow";
import { escapeHtml, rich, type Rich } from "./mime.ts";

export interface TableOptions {
  /** Rows shown (default 20); the rest is counted, not rendered. */
  maxRows?: number;
  /** Characters shown per cell (default 80). */
  maxCell?: number;
  title?: string;
}

type Row = Record<string, unknown>;

function isArrowTable(value: unknown): value is Table {
  return !!value && typeof value === "object" && "schema" in value && "numRows" in value && typeof (value as Table).getChild === "function";
}

function cell(value: unknown, max: number): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "bigint" ? value.toString() : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)) : String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function jsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * A table of rows (plain objects, an Arrow table, or DuckDB's `getRowObjectsJS()`): an escaped HTML table of the first
 * rows with the row count and column types, a text summary, and the data resource JSON that nteract-style front ends
 * render.
 */
export function table(source: Row[] | Table, options: TableOptions = {}): Rich {
  const maxRows = options.maxRows ?? 20;
  const maxCell = options.maxCell ?? 80;
  let columns: { name: string; type: string }[];
  let rows: Row[];
  let total: number;
  if (isArrowTable(source)) {
    columns = source.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
    total = source.numRows;
    rows = [];
    for (let i = 0; i < Math.min(maxRows, total); i++) rows.push((source.get(i)?.toJSON() ?? {}) as Row);
  } else {
    total = source.length;
    rows = source.slice(0, maxRows);
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    columns = names.map((name) => {
      const sample = rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name];
      return { name, type: sample instanceof Date ? "date" : typeof sample === "bigint" ? "integer" : typeof sample === "object" ? "object" : typeof sample === "undefined" ? "null" : typeof sample };
    });
  }
  const head = `${options.title ? `${options.title}: ` : ""}${total.toLocaleString("en")} rows × ${columns.length} columns`;
  const plain = [head, columns.map((c) => `${c.name}: ${c.type}`).join(", "), ...rows.slice(0, 5).map((r) => columns.map((c) => cell(r[c.name], 24)).join(" | "))].join("\n");
  const html =
    `<div class="datagouv-table"><p><strong>${escapeHtml(head)}</strong>${total > rows.length ? ` (first ${rows.length} shown)` : ""}</p>` +
    `<table><thead><tr>${columns.map((c) => `<th title="${escapeHtml(c.type)}">${escapeHtml(c.name)}<br><small>${escapeHtml(c.type)}</small></th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(cell(r[c.name], maxCell))}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
  const resource = {
    schema: { fields: columns.map((c) => ({ name: c.name, type: /int|float|double|decimal|number/i.test(c.type) ? "number" : /bool/i.test(c.type) ? "boolean" : /date|time/i.test(c.type) ? "datetime" : "string" })) },
    data: rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, jsonValue(r[c.name])]))),
  };
  return rich({ "text/plain": plain, "text/html": html, "application/vnd.dataresource+json": resource }, { rows: total, columns });
}
