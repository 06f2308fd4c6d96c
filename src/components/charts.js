import * as Plot from "@observablehq/plot";
import { html } from "htl";

/** Monthly visits and downloads as two lines. */
export function monthlyChart(months, { width, height = 260 } = {}) {
  const rows = months.flatMap((m) => [
    { month: new Date(`${m.month}-01T00:00:00Z`), value: m.visits ?? 0, measure: "visits" },
    { month: new Date(`${m.month}-01T00:00:00Z`), value: m.downloads ?? 0, measure: "downloads" },
  ]);
  return Plot.plot({
    width,
    height,
    x: { type: "utc", label: null },
    y: { grid: true, label: "per month", tickFormat: "s" },
    color: { legend: true, domain: ["visits", "downloads"], range: ["#000091", "#e1000f"] },
    marks: [Plot.lineY(rows, { x: "month", y: "value", stroke: "measure", tip: true }), Plot.ruleY([0])],
  });
}

/** Horizontal bars, longest first; labels (licence titles are long) take at most 45% of the width, cut short past it. */
export function bars(rows, { x, y, width, label, color = "#000091" } = {}) {
  const longest = Math.min(42, Math.max(...rows.map((r) => String(r[y]).length), 4));
  const chars = Math.max(4, Math.min(longest, Math.floor((width * 0.45 - 12) / 6.5)));
  return Plot.plot({
    width,
    height: Math.max(120, rows.length * 22 + 40),
    marginLeft: 12 + 6.5 * chars,
    x: { grid: true, label },
    // values are labels even when they look like numbers (codes, years): a band scale, said explicitly
    y: {
      type: "band",
      label: null,
      tickFormat: (d) => (String(d).length > chars ? `${String(d).slice(0, chars - 1)}…` : d),
    },
    marks: [Plot.barX(rows, { x, y, fill: color, sort: { y: "-x" }, tip: true }), Plot.ruleX([0])],
  });
}

/** A histogram of numbers; `domain` fixes the extent (and ten bins across it) when the scale is known, as for scores. */
export function histogram(values, { width, label, domain, color = "#000091" } = {}) {
  const bins = domain ? { domain, thresholds: 10 } : {};
  return Plot.plot({
    width,
    height: 200,
    x: { label, domain },
    y: { grid: true, label: "count" },
    marks: [Plot.rectY(values, Plot.binX({ y: "count" }, { x: (d) => d, fill: color, ...bins })), Plot.ruleY([0])],
  });
}

/** The note every page built from the sandbox carries. */
export function syntheticNote(synthetic) {
  return synthetic
    ? html`<div class="note synthetic">
        Built from the datagouv-kit sandbox: the catalog and tables are real public data,
        <strong>the visits and downloads are synthetic</strong>.
      </div>`
    : html``;
}

export function bytes(n) {
  if (n === null || n === undefined) return "";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) ((n /= 1000), i++);
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** A small escaped table of rows (the first `limit`). */
export function rowsTable(rows, { limit = 15 } = {}) {
  if (!rows.length) return html`<p><em>No rows.</em></p>`;
  const columns = Object.keys(rows[0]);
  return html`<div class="table-scroll">
    <table>
      <thead>
        <tr>
          ${columns.map((c) => html`<th>${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.slice(0, limit).map(
          (row) =>
            html`<tr>
              ${columns.map((c) => html`<td>${format(row[c])}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function format(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
