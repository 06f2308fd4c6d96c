import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { barChart, datasetCard, DISPLAY, monthlyChart, profileView, table } from "../../lib/notebook/index.ts";
import { parseDataset } from "../../lib/catalog/index.ts";
import { parseResourceProfile } from "../../lib/tabular/index.ts";
import { readFileSync } from "node:fs";

const seed = (path: string) => JSON.parse(readFileSync(new URL(`../../lib/sandbox/seed/${path}`, import.meta.url), "utf8"));

describe("notebook MIME bundles", () => {
  it("tables: text/plain, escaped text/html with the row count and types, and data resource JSON, capped", () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ code: String(i).padStart(5, "0"), name: i === 0 ? "<script>alert(1)</script>" : `n${i}`, n: i }));
    const { bundle } = table(rows, { maxRows: 10 });
    expect(bundle["text/plain"]).toMatch(/^50 rows × 3 columns/);
    const html = bundle["text/html"] as string;
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html.match(/<tr>/g)!.length).toBe(11);
    const resource = bundle["application/vnd.dataresource+json"] as { schema: { fields: { name: string; type: string }[] }; data: unknown[] };
    expect(resource.schema.fields).toEqual([{ name: "code", type: "string" }, { name: "name", type: "string" }, { name: "n", type: "number" }]);
    expect(resource.data).toHaveLength(10);
  });

  it("every rich object speaks the three protocols: Deno's symbol, IJavaScript's _toMime, toJSON", () => {
    const arrow = tableFromArrays({ a: Int32Array.from([1, 2, 3]), b: ["x", "y", "z"] });
    const shown = table(arrow);
    expect(shown[DISPLAY]()).toBe(shown.bundle);
    expect(shown._toMime()["text/html"]).toContain("Int32");
    expect(JSON.parse(JSON.stringify(shown))).toMatchObject({ rows: 3 });
  });

  it("cards and profiles from real recorded payloads", () => {
    const card = datasetCard(parseDataset(seed("main-api/dataset_metadata.json"))).bundle;
    expect(card["text/html"]).toMatch(/<h3>.+<\/h3>/);
    expect(card["text/plain"].split("\n").length).toBeGreaterThan(8);
    const profile = profileView(parseResourceProfile(seed("tabular-api/profile.json"))).bundle;
    expect(profile["text/html"]).toContain("<table>");
  });

  it("charts are SVG drawn by Plot outside a browser, with one line per measure", async () => {
    const months = Array.from({ length: 12 }, (_, i) => ({ metric_month: `2025-${String(i + 1).padStart(2, "0")}`, visits: 100 + i, downloads: 50 + i }));
    const chart = (await monthlyChart(months, ["visits", "downloads"])).bundle;
    const svg = chart["image/svg+xml"] as string;
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path[^>]*stroke=/g)!.length).toBeGreaterThanOrEqual(2);
    const bars = (await barChart([{ dep: "75", n: 3 }, { dep: "92", n: 5 }], "dep", "n")).bundle["image/svg+xml"] as string;
    expect(bars.match(/<rect/g)!.length).toBeGreaterThanOrEqual(2);
  });
});
