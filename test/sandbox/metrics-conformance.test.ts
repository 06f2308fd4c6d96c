import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS_MODELS } from "../../lib/metrics/index.ts";
import { get, testSandbox } from "../support/sandbox.ts";

let env: Awaited<ReturnType<typeof testSandbox>>;
let api: string;
const rows = async (model: string, query = "") => {
  const out: any[] = [];
  let url: string | null = `${api}/${model}/data/?page_size=50${query ? `&${query}` : ""}`;
  while (url) {
    const page: any = (await get(url)).json();
    out.push(...page.data);
    url = page.links.next;
  }
  return out;
};

beforeAll(async () => {
  env = await testSandbox();
  api = `${env.sandbox.url}/metrics/api`;
});
afterAll(() => env.close());

describe("Metrics API (api-tabular metrics/app.py)", () => {
  it("each view's columns in the order the pipeline creates them (datagouvfr_data_pipelines:dgv/metrics/sql/create_tables.sql)", async () => {
    const expected: Record<string, string[]> = {
      site: ["__id", "metric_month", "monthly_visit_dataset", "monthly_download_resource", "monthly_visit_reuse"],
      datasets: ["__id", "dataset_id", "organization_id", "metric_month", "monthly_visit", "monthly_download_resource"],
      resources: ["__id", "resource_id", "dataset_id", "metric_month", "monthly_download_resource"],
      organizations: [
        "__id",
        "organization_id",
        "metric_month",
        "monthly_visit_dataset",
        "monthly_download_resource",
        "monthly_visit_reuse",
        "monthly_visit_dataservice",
      ],
      reuses: ["__id", "reuse_id", "metric_month", "monthly_visit"],
      dataservices: ["__id", "dataservice_id", "metric_month", "monthly_visit"],
      datasets_total: ["__id", "dataset_id", "visit", "outlink", "download_resource"],
      resources_total: ["__id", "resource_id", "dataset_id", "download_resource"],
      organizations_total: [
        "__id",
        "organization_id",
        "visit_dataset",
        "download_resource",
        "visit_reuse",
        "visit_dataservice",
        "outlink",
      ],
      reuses_total: ["__id", "reuse_id", "visit", "outlink"],
      dataservices_total: ["__id", "dataservice_id", "visit"],
    };
    expect(Object.keys(METRICS_MODELS).sort()).toEqual(Object.keys(expected).sort());
    for (const [model, columns] of Object.entries(expected)) {
      const page = (await get(`${api}/${model}/data/?page_size=1`)).json();
      expect(Object.keys(page.data[0]), model).toEqual(columns);
      expect((await get(`${api}/${model}/data/csv/?page_size=1&__id__exact=1`)).text.split("\n")[0], model).toBe(
        columns.join(","),
      );
    }
  });

  it("every model and _total table with the client's column names, __id first", async () => {
    for (const [model, columns] of Object.entries(METRICS_MODELS)) {
      const page = (await get(`${api}/${model}/data/?page_size=1`)).json();
      expect(Object.keys(page.data[0]), model).toEqual([...columns]);
    }
  });

  it("links.next and meta.total always present; no profile or swagger links; page_size maximum 50", async () => {
    const page = (await get(`${api}/datasets/data/?page_size=10`)).json();
    expect(Object.keys(page.links).sort()).toEqual(["next", "prev"]);
    expect(typeof page.meta.total).toBe("number");
    const tooBig = await get(`${api}/datasets/data/?page_size=51`);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json().errors[0].detail).toBe("Page size exceeds allowed maximum: 50");
  });

  it("metric_month is YYYY-MM over 36 months or more, comparable as text (inclusive greater/less)", async () => {
    const site = await rows("site");
    expect(site.length).toBeGreaterThanOrEqual(36);
    expect(site.every((r) => /^\d{4}-(0[1-9]|1[0-2])$/.test(r.metric_month))).toBe(true);
    const range = await rows("site", "metric_month__greater=2025-01&metric_month__less=2025-12");
    expect(range.map((r) => r.metric_month)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`),
    );
  });

  it("figures are consistent: resources sum to their dataset, datasets to the site, months to the totals", async () => {
    const datasets = await rows("datasets");
    const resources = await rows("resources");
    const month = "2025-06";
    const dataset = datasets.find(
      (d) => d.metric_month === month && resources.some((r) => r.dataset_id === d.dataset_id),
    );
    const sum = resources
      .filter((r) => r.dataset_id === dataset.dataset_id && r.metric_month === month)
      .reduce((n, r) => n + r.monthly_download_resource, 0);
    expect(dataset.monthly_download_resource).toBe(sum);
    const site = (await rows("site", `metric_month__exact=${month}`))[0];
    expect(site.monthly_visit_dataset).toBe(
      datasets.filter((d) => d.metric_month === month).reduce((n, d) => n + d.monthly_visit, 0),
    );
    const total = (await rows("datasets_total", `dataset_id__exact=${dataset.dataset_id}`))[0];
    expect(total.visit).toBe(
      datasets.filter((d) => d.dataset_id === dataset.dataset_id).reduce((n, d) => n + d.monthly_visit, 0),
    );
  });

  it("plausible: a long tail across datasets, and an August dip", async () => {
    const totals = (await rows("datasets_total")).map((t) => t.visit).sort((a, b) => b - a);
    expect(totals[0]).toBeGreaterThan(10 * totals[Math.floor(totals.length / 2)]);
    const site = await rows("site");
    const july = site.find((r) => r.metric_month === "2025-07").monthly_visit_dataset;
    const august = site.find((r) => r.metric_month === "2025-08").monthly_visit_dataset;
    expect(august).toBeLessThan(july);
  });

  it("the same operators as Tabular, and the CSV stream named {model}.csv", async () => {
    const sorted = (await get(`${api}/site/data/?metric_month__sort=desc&page_size=3&columns=metric_month`)).json()
      .data;
    expect(sorted.map((r: any) => r.metric_month)).toEqual(
      [...sorted.map((r: any) => r.metric_month)].sort().reverse(),
    );
    const csv = await get(`${api}/site/data/csv/`);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="site.csv"');
    expect(csv.text.split("\n")[0]).toBe(
      "__id,metric_month,monthly_visit_dataset,monthly_download_resource,monthly_visit_reuse",
    );
  });

  it("an unknown model: 404 Database error", async () => {
    const response = await get(`${api}/nope/data/`);
    expect(response.status).toBe(404);
    expect(response.json().errors[0].title).toBe("Database error");
  });

  it("/health/ says the metrics are synthetic", async () => {
    const body = (await get(`${env.sandbox.url}/metrics/health/`)).json();
    expect(body.synthetic).toBe(true);
  });
});
