import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Duck } from "datagouv-kit/duckdb";
import { openSandboxDatabase } from "../../sandbox/src/db.ts";
import { createMetricsService, type CatalogIds } from "../../sandbox/src/metrics/index.ts";
import { generateMetrics } from "../../sandbox/src/metrics/generate.ts";
import { get } from "../support/sandbox.ts";
import { mountApi } from "./helpers/mount.ts";

/** The synthetic metrics and the Metrics API's rules, on a small catalog of its own. */

const ORGS = ["org-a", "org-b", "org-c"];
const IDS: CatalogIds = {
  datasets: Array.from({ length: 30 }, (_, i) => ({
    id: `dataset-${i}`,
    organizationId: i < 27 ? ORGS[i % 3] : undefined,
  })),
  resources: Array.from({ length: 60 }, (_, i) => ({ id: `resource-${i}`, datasetId: `dataset-${i % 25}` })),
  organizations: ORGS,
  reuses: [{ id: "reuse-1", organizationId: "org-a" }, { id: "reuse-2", organizationId: "org-a" }, { id: "reuse-3" }],
  dataservices: [{ id: "dataservice-1", organizationId: "org-b" }],
};

let db: Duck;
let server: Awaited<ReturnType<typeof mountApi>>;
let api: string;

beforeAll(async () => {
  db = await openSandboxDatabase();
  server = await mountApi(await createMetricsService({ db }, IDS, { streamCap: 500 }), "/metrics");
  api = `${server.url}/api`;
});
afterAll(async () => {
  await server.close();
  db.close();
});

const all = async (model: string, query = "") => {
  const out: any[] = [];
  for (let url: string | null = `${api}/${model}/data/?page_size=50${query && `&${query}`}`; url;) {
    const page = (await get(url)).json();
    out.push(...page.data);
    url = page.links.next;
  }
  return out;
};
const sum = (rows: any[], key: string) => rows.reduce((n, r) => n + (r[key] ?? 0), 0);

describe("synthetic metrics: consistent", () => {
  it("monthly resource downloads sum to their dataset's", async () => {
    const datasets = await all("datasets", "metric_month__exact=2025-03");
    const resources = await all("resources", "metric_month__exact=2025-03");
    for (const d of datasets)
      expect(d.monthly_download_resource, d.dataset_id).toBe(
        sum(
          resources.filter((r) => r.dataset_id === d.dataset_id),
          "monthly_download_resource",
        ),
      );
  });

  it("an organization's figures are the sums of its datasets'", async () => {
    const datasets = await all("datasets", "metric_month__exact=2024-11");
    for (const org of await all("organizations", "metric_month__exact=2024-11")) {
      const own = datasets.filter((d) => d.organization_id === org.organization_id);
      expect(org.monthly_visit_dataset).toBe(sum(own, "monthly_visit"));
      expect(org.monthly_download_resource).toBe(sum(own, "monthly_download_resource"));
    }
  });

  it("an organization's reuse and dataservice visits are its own reuses' and dataservices', NULL where it has none", async () => {
    const month = "metric_month__exact=2025-05";
    const orgs = Object.fromEntries((await all("organizations", month)).map((o) => [o.organization_id, o]));
    const reuses = await all("reuses", month);
    expect(orgs["org-a"].monthly_visit_reuse).toBe(
      sum(
        reuses.filter((r) => ["reuse-1", "reuse-2"].includes(r.reuse_id)),
        "monthly_visit",
      ),
    );
    expect(orgs["org-b"].monthly_visit_dataservice).toBe((await all("dataservices", month))[0].monthly_visit);
    expect([orgs["org-b"].monthly_visit_reuse, orgs["org-c"].monthly_visit_dataservice]).toEqual([null, null]);
    const [total] = await all("organizations_total", "organization_id__exact=org-b");
    expect(total.visit_dataservice).toBe(sum(await all("dataservices"), "monthly_visit"));
    expect((await all("dataservices_total"))[0].visit).toBe(total.visit_dataservice);
  });

  it("_total tables are the sums of the months", async () => {
    const months = await all("resources", "resource_id__exact=resource-7");
    expect((await all("resources_total", "resource_id__exact=resource-7"))[0].download_resource).toBe(
      sum(months, "monthly_download_resource"),
    );
    const reuse = await all("reuses", "reuse_id__exact=reuse-2");
    expect((await all("reuses_total", "reuse_id__exact=reuse-2"))[0].visit).toBe(sum(reuse, "monthly_visit"));
    const org = await all("organizations", "organization_id__exact=org-b");
    expect((await all("organizations_total", "organization_id__exact=org-b"))[0].visit_dataset).toBe(
      sum(org, "monthly_visit_dataset"),
    );
  });

  it("the site's month is the sum of every dataset's and every reuse's", async () => {
    const [site] = await all("site", "metric_month__exact=2026-02");
    expect(site.monthly_visit_dataset).toBe(sum(await all("datasets", "metric_month__exact=2026-02"), "monthly_visit"));
    expect(site.monthly_visit_reuse).toBe(sum(await all("reuses", "metric_month__exact=2026-02"), "monthly_visit"));
  });
});

describe("synthetic metrics: plausible and deterministic", () => {
  it("seasons: August and December dip below the month before", async () => {
    const site = Object.fromEntries((await all("site")).map((r) => [r.metric_month, r.monthly_visit_dataset]));
    for (const year of [2023, 2024, 2025]) {
      expect(site[`${year}-08`]).toBeLessThan(site[`${year}-06`]);
      expect(site[`${year}-12`]).toBeLessThan(site[`${year}-11`]);
    }
  });

  it("growth: each year's visits exceed the year before", async () => {
    const site = await all("site");
    const year = (y: number) =>
      sum(
        site.filter((r) => r.metric_month.startsWith(`${y}-`)),
        "monthly_visit_dataset",
      );
    expect(year(2024)).toBeGreaterThan(year(2023));
    expect(year(2025)).toBeGreaterThan(year(2024));
  });

  it("a long tail: the top dataset draws many times the median one", async () => {
    const visits = (await all("datasets_total")).map((d) => d.visit).sort((a, b) => b - a);
    expect(visits[0]).toBeGreaterThan(10 * visits[Math.floor(visits.length / 2)]);
  });

  it("deterministic: figures follow from the ids alone, the same on any machine", () => {
    expect(generateMetrics(IDS)).toEqual(generateMetrics(structuredClone(IDS)));
    const alone = generateMetrics({
      datasets: [{ id: "dataset-0" }],
      resources: [{ id: "resource-0", datasetId: "dataset-0" }],
      organizations: [],
      reuses: [],
      dataservices: [],
    });
    expect(alone.datasets.slice(0, 2).map((r) => [r.monthly_visit, r.monthly_download_resource])).toEqual([
      [25, 5],
      [24, 5],
    ]);
    expect(
      generateMetrics(IDS).datasets.find((r) => r.dataset_id === "dataset-0" && r.metric_month === "2023-01")
        ?.monthly_visit,
    ).toBe(25);
  });

  it("metric_month runs from 2023-01 to 2026-10 by default (46 months, YYYY-MM)", async () => {
    const months = (await all("site")).map((r) => r.metric_month);
    expect(months).toHaveLength(46);
    expect([months[0], months.at(-1)]).toEqual(["2023-01", "2026-10"]);
  });
});

describe("Metrics API rules (api-tabular metrics/app.py)", () => {
  it("every Tabular operator filters metrics the same way", async () => {
    const site = await all("site");
    const months = (query: string) => all("site", query).then((rows) => rows.map((r) => r.metric_month));
    const expected = (keep: (r: any) => boolean) => site.filter(keep).map((r) => r.metric_month);
    expect(await months("metric_month__exact=2024-05")).toEqual(["2024-05"]);
    expect(await months("metric_month__differs=2024-05")).toEqual(expected((r) => r.metric_month !== "2024-05"));
    expect(await months("metric_month__contains=-12")).toEqual(expected((r) => r.metric_month.endsWith("-12")));
    expect(await months("metric_month__notcontains=202")).toEqual([]);
    expect(await months("metric_month__in=2023-02,2024-02")).toEqual(["2023-02", "2024-02"]);
    expect(await months("metric_month__notin=2023-02,2024-02")).toHaveLength(site.length - 2);
    expect(await months("metric_month__less=2023-03")).toEqual(["2023-01", "2023-02", "2023-03"]);
    expect(await months("metric_month__strictly_less=2023-03")).toEqual(["2023-01", "2023-02"]);
    expect(await months("metric_month__greater=2026-09")).toEqual(["2026-09", "2026-10"]);
    expect(await months("metric_month__strictly_greater=2026-09")).toEqual(["2026-10"]);
    expect(await months("monthly_visit_dataset__isnull")).toEqual([]);
    expect(await months("or=(metric_month__exact.2023-01,metric_month__exact.2026-10)")).toEqual([
      "2023-01",
      "2026-10",
    ]);
  });

  it("meta.total and links.next are always there, even for an aggregation", async () => {
    const page = (await get(`${api}/datasets/data/?organization_id__groupby&monthly_visit__sum&page_size=2`)).json();
    expect(page.meta.total).toBe(30 * 46);
    expect(page.links.next).toContain("page=2");
    expect(Object.keys(page.data[0])).toEqual(["organization_id", "monthly_visit__sum"]);
  });

  it("a malformed query is a 400 before the model is looked up", async () => {
    expect((await get(`${api}/nope/data/?a__near=1`)).status).toBe(400);
  });

  it("an unknown model: PostgREST's 404 for a missing relation, as a Database error", async () => {
    const response = await get(`${api}/nope/data/`);
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({
      errors: [
        {
          code: null,
          title: "Database error",
          detail: { code: "42P01", details: null, hint: null, message: 'relation "metric.nope" does not exist' },
        },
      ],
    });
  });

  it("the CSV stream has the same cap: 403 'Output is too long' past it", async () => {
    const response = await get(`${api}/datasets/data/csv/`);
    expect(response.status).toBe(403);
    expect(response.json().errors[0].detail).toBe(
      "The output has more than 500 rows, please consider downloading the source file directly",
    );
    expect(
      (await get(`${api}/datasets/data/csv/?dataset_id__exact=dataset-3`)).text.trimEnd().split("\n"),
    ).toHaveLength(47);
  });

  it("refresh regenerates the tables for a changed catalog", async () => {
    const other = await openSandboxDatabase();
    try {
      const service = await createMetricsService({ db: other }, IDS);
      await service.refresh({ ...IDS, datasets: IDS.datasets.slice(0, 2) });
      const mounted = await mountApi(service, "/metrics");
      try {
        expect((await get(`${mounted.url}/api/datasets_total/data/`)).json().meta.total).toBe(2);
      } finally {
        await mounted.close();
      }
    } finally {
      other.close();
    }
  });
});
