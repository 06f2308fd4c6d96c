import * as Plot from "@observablehq/plot";
import { html } from "htl";
import { compact, number } from "./format.js";

/** Every chart has a title and both axes labelled with their unit; numbers read in the site's one locale. */

const BLUE = "#000091";
const RED = "#e1000f";

/** Monthly visits and downloads as two lines. */
export function monthlyChart(months, { width, title, height = 260 }) {
  const rows = months.flatMap((m) => [
    { month: new Date(`${m.month}-01T00:00:00Z`), value: m.visits ?? 0, measure: "Visits" },
    { month: new Date(`${m.month}-01T00:00:00Z`), value: m.downloads ?? 0, measure: "Downloads" },
  ]);
  return Plot.plot({
    title,
    width,
    height,
    marginLeft: 48,
    x: { type: "utc", label: "Month" },
    y: { grid: true, label: "Visits or downloads per month", tickFormat: compact },
    color: { legend: true, domain: ["Visits", "Downloads"], range: [BLUE, RED] },
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(rows, { x: "month", y: "value", stroke: "measure", tip: { format: { y: number, x: "%B %Y" } } }),
    ],
  });
}

/**
 * Horizontal bars, longest first. Labels take at most two fifths of the width, cut with an ellipsis past that, so the
 * bars keep room on a phone. Labels are measured in the font Plot draws them in: licence titles, capitals and wide
 * letters make a count of characters too short a margin.
 */
export function bars(rows, { x, y, width, title, xLabel, yLabel, color = BLUE }) {
  const room = Math.max(60, Math.min(300, width * 0.4)) - 12;
  const labels = new Map(rows.map((r) => [String(r[y]), fitted(String(r[y]), room)]));
  const margin = Math.max(24, ...[...labels.values()].map(textWidth));
  return Plot.plot({
    title,
    width,
    height: Math.max(120, rows.length * 22 + 70),
    marginTop: 30,
    marginLeft: 12 + Math.ceil(margin),
    x: { grid: true, label: xLabel, tickFormat: compact, ticks: countTicks(Math.max(...rows.map((r) => r[x]))) },
    // values are labels even when they look like numbers (codes, years): a band scale, said explicitly; its label
    // above the bars, where it cannot run into theirs
    y: { type: "band", label: yLabel, labelAnchor: "top", tickFormat: (d) => labels.get(String(d)) ?? String(d) },
    marks: [Plot.barX(rows, { x, y, fill: color, sort: { y: "-x" }, tip: { format: { x: number } } }), Plot.ruleX([0])],
  });
}

let measuring;
/** The width of a tick label as Plot draws it (10 px, its system-ui font). */
function textWidth(text) {
  measuring ??= Object.assign(document.createElement("canvas").getContext("2d"), {
    font: "10px system-ui, sans-serif",
  });
  return measuring.measureText(text).width;
}

/** The text, or as much of it as fits in `room` pixels followed by an ellipsis. */
function fitted(text, room) {
  if (textWidth(text) <= room) return text;
  let end = text.length - 1;
  while (end > 1 && textWidth(`${text.slice(0, end).trimEnd()}…`) > room) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** Counts of numbers in bins (`from`, `to`, `count`), as the catalog's quality scores are given. */
export function binnedHistogram(bins, { width, title, xLabel, yLabel, domain }) {
  return Plot.plot({
    title,
    width,
    height: 220,
    x: { label: xLabel, domain },
    y: { grid: true, label: yLabel, tickFormat: compact, ticks: countTicks(Math.max(...bins.map((b) => b.count))) },
    marks: [
      Plot.rectY(bins, { x1: "from", x2: "to", y: "count", fill: BLUE, inset: 0.5, tip: { format: { y: number } } }),
      Plot.ruleY([0]),
    ],
  });
}

/** A histogram of raw numbers. */
export function histogram(values, { width, title, xLabel, yLabel = "Rows" }) {
  return Plot.plot({
    title,
    width,
    height: 200,
    x: { label: xLabel, tickFormat: compact },
    y: { grid: true, label: yLabel, tickFormat: compact },
    marks: [Plot.rectY(values, Plot.binX({ y: "count" }, { x: (d) => d, fill: BLUE, tip: true })), Plot.ruleY([0])],
  });
}

export const COLORS = { BLUE, RED };

/** One tick a whole number up to a small count (no "0.5 columns"); past that, as many as the width allows. */
function countTicks(max) {
  return max < 10 ? Math.max(1, Math.ceil(max || 1)) : undefined;
}

/** The note every page built from the sandbox carries: what in it is synthetic. */
export function syntheticNote({ synthetic, syntheticCatalog }) {
  if (syntheticCatalog)
    return html`<div class="note synthetic">
      Built from the datagouv-kit sandbox with a <strong>synthetic catalog</strong>: its organizations, datasets and
      resources are generated to the real platform's size and shape, around a few real ones, and
      <strong>its visits and downloads are synthetic</strong> too.
    </div>`;
  return synthetic
    ? html`<div class="note synthetic">
        Built from the datagouv-kit sandbox: the catalog and tables are real public data,
        <strong>the visits and downloads are synthetic</strong>.
      </div>`
    : html``;
}

/** A small escaped table of rows (the first `limit`), scrolling sideways inside its own box when wide. */
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
              ${columns.map((c) => html`<td class=${typeof row[c] === "number" ? "number" : ""}>${cell(row[c])}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A value as the data has it: sample rows hold codes and years, which thousands separators would garble. */
function cell(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
