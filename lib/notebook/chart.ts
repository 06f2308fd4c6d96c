import { displayable, escapeHtml, type RichBundle } from "./mime.ts";

/**
 * Charts as SVG: Observable Plot rendered outside a browser through linkedom, a small DOM written in plain JavaScript
 * that runs under Node 20 and Deno alike (jsdom's current major needs Node 22). Both load only when a chart is drawn,
 * so the rest of the library never pulls a DOM.
 */

type PlotModule = typeof import("@observablehq/plot");
type PlotOptions = Parameters<PlotModule["plot"]>[0];

async function draw(build: (Plot: PlotModule) => PlotOptions): Promise<string> {
  const [Plot, { parseHTML }] = await Promise.all([import("@observablehq/plot"), import("linkedom")]);
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const figure = Plot.plot({ ...build(Plot), document: document as unknown as Document }) as unknown as {
    outerHTML: string;
  };
  return figure.outerHTML;
}

function chartBundle(svg: string, plain: string, title: string | undefined, json: unknown): RichBundle {
  const html = `<figure class="datagouv-chart">${title ? `<figcaption><strong>${escapeHtml(title)}</strong></figcaption>` : ""}${svg}</figure>`;
  return displayable({ "text/plain": plain, "text/html": html, "image/svg+xml": svg }, json);
}

/**
 * A row of monthly metrics. Charts take their rows' own type and name its measures by key: an index signature here
 * would refuse rows typed by an interface, such as `dg.metrics("datasets").all()`'s (interfaces have none implicitly).
 */
export interface MonthRowLike {
  metric_month: string;
}

export interface ChartOptions {
  title?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
}

/** Each measure summed per month: rows of several datasets (or resources…) give one line per measure, not a zigzag. */
export function monthlyTotals<R extends MonthRowLike>(
  rows: readonly R[],
  measures: readonly (keyof R & string)[],
): { month: string; totals: Record<string, number> }[] {
  const byMonth = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const month = String(row.metric_month).slice(0, 7);
    const totals = byMonth.get(month) ?? Object.fromEntries(measures.map((m) => [m, 0]));
    for (const m of measures) totals[m] += Number(row[m] ?? 0);
    byMonth.set(month, totals);
  }
  return [...byMonth].sort(([a], [b]) => a.localeCompare(b)).map(([month, totals]) => ({ month, totals }));
}

/** Metrics over months, one line per measure, each labelled at its end (no legend, so the SVG stands alone). */
export async function monthlyChart<R extends MonthRowLike>(
  rows: readonly R[],
  measures: readonly (keyof R & string)[],
  options: ChartOptions = {},
): Promise<RichBundle> {
  const months = monthlyTotals(rows, measures);
  const points = months.flatMap(({ month, totals }) =>
    measures.map((measure) => ({ month: new Date(`${month}-01T00:00:00Z`), value: totals[measure], measure })),
  );
  const svg = await draw((Plot) => ({
    width: options.width ?? 720,
    height: options.height ?? 300,
    marginRight: 12 + 6.5 * Math.max(...measures.map((m) => m.length)),
    x: { type: "utc", label: null },
    y: { grid: true, label: "per month", tickFormat: "s" },
    color: { domain: measures },
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(points, {
        x: "month",
        y: "value",
        stroke: "measure",
        marker: months.length === 1 ? "circle" : undefined,
      }),
      Plot.text(
        points,
        Plot.selectLast({
          x: "month",
          y: "value",
          z: "measure",
          text: "measure",
          fill: "measure",
          textAnchor: "start",
          dx: 4,
        }),
      ),
    ],
  }));
  const last = months.at(-1);
  const plain =
    `${options.title ?? "metrics"}: ${months.length} ` +
    `months${last ? `, last ${last.month}: ${measures.map((m) => `${m} ${last.totals[m]}`).join(", ")}` : ""}`;
  return chartBundle(svg, plain, options.title, {
    months: months.map(({ month, totals }) => ({ metric_month: month, ...totals })),
  });
}

/** Horizontal bars of a value per label, largest first. */
export async function barChart(
  rows: Record<string, unknown>[],
  label: string,
  value: string,
  options: ChartOptions = {},
): Promise<RichBundle> {
  const data = rows.map((row) => ({ label: String(row[label]), value: Number(row[value] ?? 0) }));
  const svg = await draw((Plot) => ({
    width: options.width ?? 720,
    height: options.height ?? Math.max(120, data.length * 20 + 40),
    marginLeft: 12 + 6.5 * Math.min(40, Math.max(4, ...data.map((d) => d.label.length))),
    x: { grid: true, label: value },
    // labels are names or codes ("75"), never numbers to scale
    y: { label: null, type: "band" },
    marks: [Plot.barX(data, { x: "value", y: "label", fill: "#000091", sort: { y: "-x" } }), Plot.ruleX([0])],
  }));
  return chartBundle(svg, `${options.title ?? `${value} by ${label}`}: ${data.length} bars`, options.title, data);
}
