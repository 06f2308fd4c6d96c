import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { barChart, monthlyChart, monthlyTotals } from "../../lib/notebook/index.ts";

const svgOf = (bundle: Record<string, unknown>) => {
  const svg = bundle["image/svg+xml"] as string;
  return parseHTML(`<!doctype html><html><body>${svg}</body></html>`).document.querySelector("svg")!;
};

describe("charts are SVG drawn by Observable Plot through linkedom", () => {
  const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);
  const rows = months.map((metric_month, i) => ({
    metric_month,
    monthly_visit: 100 + i,
    monthly_download_resource: 50 + 2 * i,
  }));

  it("metrics over months: one line per measure through every month, labelled by name", async () => {
    const { bundle } = await monthlyChart(rows, ["monthly_visit", "monthly_download_resource"], {
      title: "a <dataset>",
    });
    const svg = svgOf(bundle);
    const lines = svg.querySelectorAll('g[aria-label="line"] path');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.getAttribute("d")!.match(/[ML]/g)).toHaveLength(12);
    expect([...svg.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent)).toEqual([
      "monthly_visit",
      "monthly_download_resource",
    ]);
    expect(bundle["text/plain"]).toBe(
      "a <dataset>: 12 months, last 2025-12: monthly_visit 111, monthly_download_resource 72",
    );
    expect(bundle["text/html"]).toContain("<figcaption><strong>a &lt;dataset&gt;</strong></figcaption><svg");
  });

  it("rows of several objects are summed per month", async () => {
    const two = [...rows, ...rows.map((r) => ({ ...r, monthly_visit: 1 }))];
    expect(monthlyTotals(two, ["monthly_visit"]).at(-1)).toEqual({ month: "2025-12", totals: { monthly_visit: 112 } });
    const { bundle } = await monthlyChart(two, ["monthly_visit"]);
    expect(svgOf(bundle).querySelector('g[aria-label="line"] path')!.getAttribute("d")!.match(/[ML]/g)).toHaveLength(
      12,
    );
  });

  it("bars: one per label, longest for the largest value", async () => {
    const { bundle } = await barChart(
      [
        { dep: "75", n: 3 },
        { dep: "92", n: 5 },
        { dep: "2A", n: 1 },
      ],
      "dep",
      "n",
    );
    const bars = [...svgOf(bundle).querySelectorAll('g[aria-label="bar"] rect')].map((r) =>
      Number(r.getAttribute("width")),
    );
    expect(bars).toHaveLength(3);
    expect(Math.max(...bars)).toBe(bars[1]);
    expect(bundle["text/plain"]).toBe("n by dep: 3 bars");
  });
});
