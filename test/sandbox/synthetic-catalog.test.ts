import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../sandbox/src/index.ts";
import { generateCatalog, organizationSizes } from "../../sandbox/src/synthetic/catalog.ts";
import { FULL_CATALOG, scaledCounts } from "../../sandbox/src/synthetic/shape.ts";

/** The synthetic catalog: the real platform's shape at a chosen size, the same at every start, its metrics consistent. */

const DATASETS = 4000;
const counts = scaledCounts(DATASETS);
let sandbox: Sandbox;
const json = async (path: string) => (await fetch(`${sandbox.url}${path}`)).json();
const csv = async (path: string) => (await (await fetch(`${sandbox.url}${path}`)).text()).trimEnd().split("\r\n");
/** A metrics model's whole table, page by page (the API's page size is 50; the CSV stream is simpler). */
async function metrics(model: string, query = ""): Promise<Record<string, string>[]> {
  const [header, ...rows] = (await (await fetch(`${sandbox.url}/metrics/api/${model}/data/csv/?${query}`)).text())
    .trimEnd()
    .split("\n");
  const names = header.split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((v, i) => [names[i], v])));
}

/** One line of a `;`-separated export: text quoted (quotes doubled inside), numbers and booleans bare. */
function fields(line: string): string[] {
  return [...line.matchAll(/(?:^|;)(?:"((?:[^"]|"")*)"|([^;]*))/g)].map(([, quoted, bare]) =>
    quoted === undefined ? bare : quoted.replaceAll('""', '"'),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ catalog: DATASETS, tabular: { bigRows: 1000 }, apiKeys: ["synthetic-test-key"] });
}, 120_000);
afterAll(() => sandbox.close());

describe("the synthetic catalog", () => {
  it("has the real platform's proportions at the size asked for, the seed's objects counted in", async () => {
    const site = await json("/api/1/site/");
    expect(site.metrics).toMatchObject({
      datasets: counts.datasets,
      resources: counts.resources,
      organizations: counts.organizations,
      reuses: counts.reuses,
      dataservices: counts.dataservices,
    });
    expect(counts.resources / counts.datasets).toBeCloseTo(FULL_CATALOG.resources / FULL_CATALOG.datasets, 1);
    expect((await csv("/api/1/site/datasets.csv")).length - 1).toBe(counts.datasets);
  });

  it("sizes organizations by a long tail whose head is the largest organization, adding up exactly", () => {
    const sizes = organizationSizes(FULL_CATALOG.organizations, 68_818, FULL_CATALOG.largestOrganization);
    expect(sizes[0]).toBe(2_780);
    expect(sizes.reduce((n, s) => n + s, 0)).toBe(68_818);
    expect(sizes[10]).toBeLessThan(sizes[0] / 5);
    expect(sizes.filter((s) => s <= 10).length).toBeGreaterThan(FULL_CATALOG.organizations / 2);
  });

  it("draws licences, frequencies and formats from udata's vocabularies, and scores quality by its criteria", async () => {
    // the export names a licence by its title, as udata's adapter does
    const reference = await json("/api/1/datasets/licenses/");
    const licences = new Set(reference.map((l: { title: string }) => l.title));
    const frequencies = new Set((await json("/api/1/datasets/frequencies/")).map((f: { id: string }) => f.id));
    const [header, ...rows] = await csv("/api/1/site/datasets.csv");
    const names = fields(header);
    const column = (row: string, name: string) => fields(row)[names.indexOf(name)];
    for (const row of rows.slice(-500)) {
      expect(licences).toContain(column(row, "license"));
      expect(frequencies).toContain(column(row, "frequency"));
      const score = Number(column(row, "quality_score"));
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  it("is the same at every start", async () => {
    const digest = () =>
      createHash("sha256")
        .update(JSON.stringify(generateCatalog(counts).docs))
        .digest("hex");
    expect(digest()).toBe(digest());
    const other = await startSandbox({
      catalog: DATASETS,
      tabular: { bigRows: 1000 },
      apiKeys: ["synthetic-test-key"],
    });
    try {
      const months = async (url: string) => (await fetch(`${url}/metrics/api/site/data/csv/`)).text();
      expect(await months(other.url)).toBe(await months(sandbox.url));
    } finally {
      await other.close();
    }
  }, 120_000);

  it("has metrics for it: resources sum to their datasets, datasets to their organization and the site, months to the totals", async () => {
    const site = await metrics("site");
    const datasets = await metrics("datasets", "metric_month__exact=2026-06");
    const month = site.find((m) => m.metric_month === "2026-06")!;
    expect(datasets.reduce((n, d) => n + Number(d.monthly_visit), 0)).toBe(Number(month.monthly_visit_dataset));
    const top = datasets.sort((a, b) => Number(b.monthly_download_resource) - Number(a.monthly_download_resource))[0];
    const resources = await metrics("resources", `dataset_id__exact=${top.dataset_id}&metric_month__exact=2026-06`);
    expect(resources.reduce((n, r) => n + Number(r.monthly_download_resource), 0)).toBe(
      Number(top.monthly_download_resource),
    );
    // an organization's visits are its datasets'
    const owner = top.organization_id;
    const [organization] = await metrics(
      "organizations",
      `organization_id__exact=${owner}&metric_month__exact=2026-06`,
    );
    const owned = await metrics("datasets", `organization_id__exact=${owner}&metric_month__exact=2026-06`);
    expect(owned.reduce((n, d) => n + Number(d.monthly_visit), 0)).toBe(Number(organization.monthly_visit_dataset));
    const [total] = await metrics("datasets_total", `dataset_id__exact=${top.dataset_id}`);
    const months = await metrics("datasets", `dataset_id__exact=${top.dataset_id}`);
    expect(months.reduce((n, m) => n + Number(m.monthly_visit), 0)).toBe(Number(total.visit));
  });

  it("serves lists, searches and the site-wide exports of it", async () => {
    const list = await json("/api/1/datasets/?page_size=5&page=3");
    expect(list.total).toBe(counts.datasets);
    expect(list.data).toHaveLength(5);
    const search = await json("/api/2/datasets/search/?q=budget&page_size=10");
    expect(search.total).toBeGreaterThan(0);
    for (const d of search.data) expect(`${d.title} ${d.description} ${d.tags}`.toLowerCase()).toContain("budget");
    const first = await fetch(`${sandbox.url}/api/1/site/organizations.csv`);
    const again = await fetch(`${sandbox.url}/api/1/site/organizations.csv`, {
      headers: { "if-none-match": first.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
    expect((await first.text()).trimEnd().split("\r\n")).toHaveLength(counts.organizations + 1);
  });
});
