import { escapeHtml, rich, type Rich } from "./mime.ts";

/**
 * Metrics over months as an SVG chart: Observable Plot rendered outside a browser through linkedom, a small DOM
 * implementation that needs no native code and runs under Node and Deno alike. Both load only when a chart is drawn.
 */
export interface MonthSeries {
  metric_month: string;
  [measure: string]: unknown;
}

export async function monthlyChart(rows: MonthSeries[], measures: string[], options: { title?: string; width?: number; height?: number } = {}): Promise<Rich> {
  const [Plot, { parseHTML }] = await Promise.all([import("@observablehq/plot"), import("linkedom")]);
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const points = rows.flatMap((row) =>
    measures.map((measure) => ({ month: new Date(`${String(row.metric_month).slice(0, 7)}-01T00:00:00Z`), value: Number(row[measure] ?? 0), measure })),
  );
  points.sort((a, b) => a.month.getTime() - b.month.getTime());
  // lines are labelled at their ends rather than by a legend, so Plot returns one self-contained SVG
  const svg = Plot.plot({
    document: document as unknown as Document,
    width: options.width ?? 720,
    height: options.height ?? 300,
    marginRight: 90,
    x: { type: "utc", label: null },
    y: { grid: true, label: "per month", tickFormat: "s" },
    color: { domain: measures },
    marks: [
      Plot.lineY(points, { x: "month", y: "value", stroke: "measure" }),
      Plot.text(points, Plot.selectLast({ x: "month", y: "value", z: "measure", text: "measure", fill: "measure", textAnchor: "start", dx: 4 })),
      Plot.ruleY([0]),
    ],
  }) as unknown as { outerHTML: string };
  const last = rows.at(-1);
  const plain = `${options.title ?? "metrics"}: ${rows.length} months${last ? `, last ${last.metric_month}: ${measures.map((m) => `${m} ${String(last[m])}`).join(", ")}` : ""}`;
  const html = `<figure>${options.title ? `<h4>${escapeHtml(options.title)}</h4>` : ""}${svg.outerHTML}</figure>`;
  return rich({ "text/plain": plain, "image/svg+xml": svg.outerHTML, "text/html": html }, { months: rows.length, measures });
}

/** Horizontal bars of a value per label, as SVG (same rendering as monthlyChart). */
export async function barChart(rows: Record<string, unknown>[], label: string, value: string, options: { title?: string; width?: number } = {}): Promise<Rich> {
  const [Plot, { parseHTML }] = await Promise.all([import("@observablehq/plot"), import("linkedom")]);
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const data = rows.map((row) => ({ label: String(row[label]), value: Number(row[value] ?? 0) }));
  const svg = Plot.plot({
    document: document as unknown as Document,
    width: options.width ?? 720,
    height: Math.max(120, data.length * 20 + 40),
    marginLeft: 12 + 6.5 * Math.min(40, Math.max(4, ...data.map((d) => d.label.length))),
    x: { grid: true, label: value },
    // labels are names or codes ("75"), never numbers to scale
    y: { label: null, type: "band" },
    marks: [Plot.barX(data, { x: "value", y: "label", fill: "#000091", sort: { y: "-x" } }), Plot.ruleX([0])],
  }) as unknown as { outerHTML: string };
  const plain = `${options.title ?? `${value} by ${label}`}: ${data.length} bars`;
  const html = `<figure>${options.title ? `<h4>${escapeHtml(options.title)}</h4>` : ""}${svg.outerHTML}</figure>`;
  return rich({ "text/plain": plain, "image/svg+xml": svg.outerHTML, "text/html": html }, data);
}
