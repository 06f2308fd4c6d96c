import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvParse } from "d3";
import { and, collect, eq, isNotNull, lte, or, type DataGouv } from "../../lib/index.ts";
import { BIG_RESOURCE_ID, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { testSandbox } from "../support/sandbox.ts";

/** The client against the sandbox over 127.0.0.1: every part of the read side, as users call it. */

let env: Awaited<ReturnType<typeof testSandbox>>;
let dg: DataGouv;
const TEST = "aaaaaaaa-1111-bbbb-2222-cccccccccccc";
const communes = SEED_TABULAR[0];
let truth: Record<string, string>[];

beforeAll(async () => {
  env = await testSandbox({ tabular: { bigRows: 60_000 } });
  dg = env.dg;
  truth = csvParse(await (await fetch(`${env.sandbox.url}/sandbox/files/${TEST}.csv`)).text());
});
afterAll(() => env.close());

describe("catalog", () => {
  it("lists every dataset by following next_page, and parses each one", async () => {
    const all = await dg.datasets.list({}, { pageSize: 7 }).all();
    const { total } = await dg.datasets.list({}, { pageSize: 1 }).first();
    expect(all).toHaveLength(total);
    expect(new Set(all.map((d) => d.id)).size).toBe(total);
  });

  it("searches with facets, gets by id and slug (v1 and v2), and finds a resource by id", async () => {
    const page = await dg.datasets.search({ q: "communes" }).first();
    expect(page.facets?.tag?.length).toBeGreaterThan(0);
    const v1 = await dg.datasets.get(communes.slug);
    const v2 = await dg.datasets.getV2(communes.datasetId);
    expect(v2.resources.total).toBe(v1.resources!.length);
    const found = await dg.datasets.resource(communes.resourceId);
    expect(found.dataset_id).toBe(communes.datasetId);
    expect(await dg.tabularApi.isTabular(found.resource)).toBe(true);
    expect(await dg.tabularApi.isTabular(found.resource, { confirm: true })).toBe(true);
    const resources = await collect(dg.datasets.resources(communes.datasetId));
    expect(resources.map((r) => r.id)).toEqual([communes.resourceId]);
  });

  it("organizations, their datasets; reuses; dataservices and their OpenAPI; discussions; topics; posts; site; spatial", async () => {
    const org = await dg.organizations.get(communes.organizationId);
    const theirs = await dg.organizations.datasets(org.slug).all();
    expect(theirs.every((d) => d.organization?.id === org.id)).toBe(true);
    expect((await dg.reuses.list().all()).length).toBeGreaterThan(0);
    const [service] = await dg.dataservices.list().all();
    expect((await dg.dataservices.openapi(service)).openapi).toBeTruthy();
    const discussions = await dg.discussions.list().all();
    expect(discussions.length).toBeGreaterThan(0);
    const [topic] = await dg.topics.search().all();
    expect((await dg.topics.elements(topic.id).all()).length).toBeGreaterThan(0);
    expect(await dg.posts.list().all()).toHaveLength(20);
    expect((await dg.site.get()).title).toBe("data.gouv.fr");
    const zones = await dg.spatial.zones("fr:departement:01");
    expect(zones.features[0].properties).toMatchObject({ name: "Ain" });
    expect((await dg.datasets.licenses()).map((l) => l.id)).toContain("lov2");
  });

  it("the topics list, format and mime suggestions, resource types, a coverage without an end", async () => {
    const topics = await dg.topics.list().all();
    expect(topics.map((t) => t.id)).toEqual((await dg.topics.search().all()).map((t) => t.id));
    expect(topics[0].elements?.total).toBeGreaterThan(0);
    expect(await dg.datasets.suggestFormats("js")).toEqual(["json", "geojson"]);
    expect(await dg.datasets.suggestMimes("csv")).toEqual(["text/csv"]);
    expect((await dg.datasets.resourceTypes()).map((t) => t.id)).toEqual([
      "main",
      "documentation",
      "update",
      "api",
      "code",
      "other",
    ]);
    const created = await dg.datasets.create({
      title: "Couverture sans fin",
      organization: communes.organizationId,
      temporal_coverage: { start: "2020-01-01" },
    });
    const coverage = (await dg.datasets.get(created.id)).temporal_coverage;
    expect(coverage).toEqual({ start: "2020-01-01", end: null });
  });

  it("the site-wide exports stream as udata's CSV", async () => {
    const response = await dg.site.export("organizations");
    const text = await response.body.text();
    expect(text.startsWith('"id";"name";"acronym";"slug"')).toBe(true);
  });
});

describe("tabular queries run remotely mean what they say", () => {
  const expectIds = (rows: { __id: number }[], keep: (row: Record<string, string>) => boolean) =>
    expect(rows.map((r) => r.__id)).toEqual(truth.map((row, i) => (keep(row) ? i + 1 : 0)).filter(Boolean));

  it("operator by operator, checked against the resource's own file", async () => {
    const q = () => dg.tabular(TEST);
    expectIds(await q().where("decompte", "less", 10).all(), (r) => Number(r.decompte) <= 10);
    expectIds(await q().where("decompte", "strictly_greater", 95).all(), (r) => Number(r.decompte) > 95);
    expectIds(await q().where("decompte", "in", [1, 2, 3]).all(), (r) => ["1", "2", "3"].includes(r.decompte));
    expectIds(
      await q().where("decompte", "differs", 50).where("score", "greater", 0.9).all(),
      (r) => r.decompte !== "50" && Number(r.score) >= 0.9,
    );
    expectIds(await q().where("id", "contains", "ABC").all(), (r) => r.id.toLowerCase().includes("abc"));
    expectIds(
      await q().where("is_true", "exact", true).where("birth", "strictly_less", "1920-01-01").all(),
      (r) => r.is_true === "true" && r.birth < "1920-01-01",
    );
    expectIds(
      await q()
        .or(eq("decompte", 1), and(lte("decompte", 3), isNotNull("birth")))
        .all(),
      (r) => r.decompte === "1" || Number(r.decompte) <= 3,
    );
  });

  it("sort, columns, count and aggregation", async () => {
    const top = await dg.tabular(TEST).sort("score", "desc").columns(["score"]).first(3);
    expect(top.map((r) => r.score)).toEqual(
      truth
        .map((r) => Number(r.score))
        .sort((a, b) => b - a)
        .slice(0, 3),
    );
    expect(await dg.tabular(TEST).where("decompte", "less", 10).count()).toBe(
      truth.filter((r) => Number(r.decompte) <= 10).length,
    );
    const grouped = await dg
      .tabular(TEST)
      .groupBy("is_true")
      .aggregate("decompte", "count")
      .all<{ is_true: boolean; decompte__count: number }>();
    expect(grouped.find((g) => g.is_true)?.decompte__count).toBe(truth.filter((r) => r.is_true === "true").length);
  });

  it("the JSON stream is one array; past 50,000 rows the error says how to export", async () => {
    const response = await dg.tabular(communes.resourceId).where("code_departement", "exact", "2A").json();
    const rows = JSON.parse(await response.body.text());
    expect(rows.every((r: { code_departement: string }) => r.code_departement === "2A")).toBe(true);
    const big = await dg
      .tabular(BIG_RESOURCE_ID)
      .json()
      .catch((e: unknown) => e);
    expect((big as Error).message).toMatch(/Output is too long/);
    expect((big as { hint: string }).hint).toMatch(/windowed export/);
  });

  it("the profile parses into the typed model; codes keep their leading zeros", async () => {
    const profile = await dg.tabularApi.profile(communes.resourceId);
    expect(profile.profile.columns!.code_commune.python_type).toBe("string");
    const [first] = await dg.tabular(communes.resourceId).first(1);
    expect(first.code_commune).toBe("01001");
  });

  it("errors from the real shapes, with hints", async () => {
    await expect(dg.tabular("00000000-0000-0000-0000-000000000000").first()).rejects.toMatchObject({
      status: 404,
      serverMessage: "404: Not Found",
    });
    await expect(dg.tabular(TEST).where("nope", "exact", 1).first()).rejects.toMatchObject({
      title: "Database error",
      hint: expect.stringMatching(/column names/),
    });
    await expect(
      dg.tabular(SEED_TABULAR[1].resourceId).groupBy("code_region").aggregate("code_region", "count").first(),
    ).rejects.toMatchObject({
      status: 403,
      hint: expect.stringMatching(/locally/),
    });
  });
});

describe("metrics", () => {
  it("a dataset's months, newest first, and the typed models", async () => {
    const rows = await dg
      .metrics("datasets")
      .where("dataset_id", "exact", communes.datasetId)
      .sort("metric_month", "desc")
      .all();
    expect(rows.length).toBeGreaterThanOrEqual(36);
    expect(rows[0].metric_month > rows[1].metric_month).toBe(true);
    const year = await dg.metrics("site").months("2025-01", "2025-12").all();
    expect(year).toHaveLength(12);
    const csv = await (await dg.metrics("organizations_total").csv()).body.text();
    expect(csv.split("\n")[0]).toBe(
      "__id,organization_id,visit_dataset,download_resource,visit_reuse,visit_dataservice,outlink",
    );
  });
});
