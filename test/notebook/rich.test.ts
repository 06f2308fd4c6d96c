import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromArrays } from "apache-arrow";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DISPLAY, rich, show, type MimeBundle } from "../../lib/notebook/index.ts";

const seed = (path: string) => JSON.parse(readFileSync(new URL(`../../sandbox/seed/${path}`, import.meta.url), "utf8"));
const months = ["2025-01", "2025-02", "2025-03"].map((metric_month, i) => ({
  __id: i + 1,
  dataset_id: "d1",
  metric_month,
  monthly_visit: 10 * (i + 1),
  monthly_download_resource: i,
}));

describe("rich(x) knows what it is given", () => {
  it("every result speaks the three protocols: Deno's symbol, IJavaScript's _toMime, toJSON", async () => {
    const values = [
      tableFromArrays({ a: Int32Array.from([1, 2]) }),
      [{ a: 1 }],
      months,
      seed("main-api/dataset_metadata.json"),
      42,
    ];
    for (const value of values) {
      const shown = rich(value);
      expect(typeof (await shown[DISPLAY]())["text/plain"]).toBe("string");
      expect(typeof shown._toMime()["text/plain"]).toBe("string");
      expect(() => JSON.stringify(shown)).not.toThrow();
    }
  });

  it("tables: Arrow tables, arrays of rows and DuckDB results", async () => {
    const arrow = rich(tableFromArrays({ a: Int32Array.from([1, 2, 3]) }))._toMime();
    expect(arrow["text/plain"]).toMatch(/^3 rows × 1 columns\na: Int32/);
    expect(arrow).toHaveProperty("application/vnd.dataresource+json");
    expect(rich([{ code: "01" }])._toMime()["text/plain"]).toMatch(/^1 rows × 1 columns\ncode: string/);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll("SELECT 'x' AS name, 2::BIGINT AS n");
    expect(rich(reader)._toMime()["text/plain"]).toMatch(/^1 rows × 2 columns\nname: VARCHAR, n: BIGINT/);
    connection.closeSync();
    instance.closeSync();
  });

  it("catalog objects as cards, told apart by their fields (recorded payloads)", () => {
    const dataset = seed("main-api/dataset_metadata.json");
    const organization = seed("main-api/organization_metadata.json");
    const resource = seed("main-api/resource_metadata_api1.json");
    const withDataset = seed("main-api/resource_metadata_api2.json");
    expect(rich(dataset)._toMime()["text/plain"].split("\n")[0]).toBe(`${dataset.title} (${dataset.id})`);
    expect(rich(organization)._toMime()["text/plain"].split("\n")[0]).toBe(`${organization.name} (${organization.id})`);
    expect(rich(resource)._toMime()["text/plain"].split("\n")[0]).toBe(`${resource.title} (${resource.id})`);
    expect(rich(withDataset)._toMime()["text/plain"].split("\n")[0]).toBe(
      `${withDataset.resource.title} (${withDataset.resource.id})`,
    );
    expect(rich(seed("tabular-api/profile.json"))._toMime()["text/html"]).toContain('<div class="datagouv-profile">');
    // a topic has an id, a name and a slug too, but it is not an organization
    expect(rich(seed("main-api/topic_metadata.json"))._toMime()).not.toHaveProperty("text/html");
  });

  it("monthly metrics: a chart where the display is awaited, their table through the synchronous _toMime", async () => {
    const shown = rich(months, { title: "visits" });
    const chart = await shown[DISPLAY]();
    expect(chart["image/svg+xml"]).toMatch(/^<svg/);
    expect(chart["text/plain"]).toBe("visits: 3 months, last 2025-03: monthly_visit 30, monthly_download_resource 2");
    expect(chart).toHaveProperty("application/vnd.dataresource+json");
    expect(shown._toMime()["text/html"]).toContain("<table>");
    expect(shown.toJSON()).toBe(months);
  });

  it("totals over all months (no monthly_* column) stay a table", () => {
    expect(rich([{ dataset_id: "d1", visit: 3, download_resource: 1 }])._toMime()["text/html"]).toContain("<table>");
  });
});

describe("show(x) sends to the running kernel", () => {
  const globals = globalThis as { Deno?: unknown; $$?: unknown };
  afterEach(() => {
    delete globals.Deno;
    delete globals.$$;
    vi.restoreAllMocks();
  });

  it("Deno: Deno.jupyter.display with the chart already drawn, sent raw", async () => {
    const sent: [MimeBundle, unknown][] = [];
    globals.Deno = {
      jupyter: { display: async (bundle: MimeBundle, options: unknown) => void sent.push([bundle, options]) },
    };
    await show(months);
    expect(sent).toHaveLength(1);
    expect(sent[0][0]["image/svg+xml"]).toMatch(/^<svg/);
    expect(sent[0][1]).toEqual({ raw: true });
  });

  it("IJavaScript: $$.mime with the bundle", async () => {
    const sent: MimeBundle[] = [];
    globals.$$ = { mime: (bundle: MimeBundle) => void sent.push(bundle) };
    await show(seed("main-api/organization_metadata.json"));
    expect(sent[0]["text/html"]).toContain('<div class="datagouv-card">');
  });

  it("no kernel: the text/plain summary is printed", async () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void printed.push(line));
    await show([{ a: 1 }, { a: 2 }]);
    expect(printed).toEqual(["2 rows × 1 columns\na: number\n1\n2"]);
  });
});
