import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  PayloadError,
  parseDataset,
  parseDataservice,
  parseDiscussion,
  parseOrganization,
  parsePage,
  parsePost,
  parseResource,
  parseResourceWithDataset,
  parseReuse,
  parseSite,
  parseTopic,
  anyObject,
} from "../../lib/catalog/index.ts";
import { parseResourceProfile, profileColumns } from "../../lib/tabular/index.ts";
import type { DataPage } from "../../lib/tabular/index.ts";

const fixture = (path: string): any =>
  JSON.parse(readFileSync(new URL(`../../sandbox/seed/${path}`, import.meta.url), "utf8"));

describe("every recorded Main API payload parses into the typed models", () => {
  const results = fixture("main-api/udata_results.json");

  it("udata_results.json: 15 datasets, each with its organization, resources, reuses, discussions, dataservices", () => {
    expect(results.datasets).toHaveLength(15);
    let resources = 0;
    for (const entry of results.datasets) {
      const dataset = parseDataset(entry.dataset);
      expect(dataset.title.length).toBeGreaterThan(0);
      if (entry.organization) parseOrganization(entry.organization);
      for (const resource of entry.resources) parseResource(resource);
      for (const resource of entry.community_resources) parseResource(resource);
      for (const reuse of entry.reuses) parseReuse(reuse);
      for (const discussion of entry.discussions) parseDiscussion(discussion);
      for (const dataservice of entry.dataservices) parseDataservice(dataservice);
      resources += entry.resources.length;
    }
    expect(resources).toBe(99);
  });

  it("udata_results.json: 20 posts and the site", () => {
    expect(results.posts.map((post: unknown) => parsePost(post).name)).toHaveLength(20);
    expect(parseSite(results.site).id).toBe("data.gouv.fr");
  });

  it("unknown fields are kept, never dropped", () => {
    const raw = results.datasets[0].dataset;
    const parsed = parseDataset(structuredClone(raw));
    expect(parsed).toEqual(raw);
    expect(parsed.created_at_internal).toBe(raw.created_at_internal);
  });

  it("datagouv_client's v1 dataset, its 8 resources with hydra extras", () => {
    const dataset = parseDataset(fixture("main-api/dataset_metadata.json"));
    expect(dataset.resources).toHaveLength(8);
    expect(Object.keys(dataset.resources![0].extras ?? {}).some((key) => key.startsWith("analysis:"))).toBe(true);
    expect(typeof dataset.quality?.score).toBe("number");
  });

  it("one resource via v1 and via v2 {resource, dataset_id}", () => {
    const v1 = parseResource(fixture("main-api/resource_metadata_api1.json"));
    const v2 = parseResourceWithDataset(fixture("main-api/resource_metadata_api2.json"));
    expect(v2.resource.id).toBe(v1.id);
    expect(typeof v2.dataset_id).toBe("string");
  });

  it("an organization with members, a topic and its paged elements", () => {
    const org = parseOrganization(fixture("main-api/organization_metadata.json"));
    expect(org.members!.length).toBeGreaterThan(0);
    expect(parseTopic(fixture("main-api/topic_metadata.json")).name.length).toBeGreaterThan(0);
    const elements = parsePage(fixture("main-api/elements_metadata.json"), (value, where) => anyObject(value, where));
    expect(elements.data.length).toBeGreaterThan(0);
  });

  it("a payload that does not fit names the field", () => {
    expect(() => parseDataset({ id: "x", title: 3, slug: "s" })).toThrow(PayloadError);
    expect(() => parseDataset({ id: "x", title: 3, slug: "s" })).toThrow("dataset.title: expected string, got number");
    expect(() => parseDataset({ id: "x", title: "t", slug: "s", resources: [{ id: "r" }] })).toThrow(
      "dataset.resources[0].url",
    );
  });
});

describe("every recorded Tabular API payload parses", () => {
  it("a real /profile/ response", () => {
    const profile = parseResourceProfile(fixture("tabular-api/profile.json"));
    const columns = profileColumns(profile.profile);
    expect(columns.length).toBe(profile.profile.header!.length);
    expect(columns.every((c) => ["string", "int", "float", "bool", "date", "datetime", "json"].includes(c.type))).toBe(
      true,
    );
  });

  it("a real /data/ page: __id first, dotted column names, links and meta", () => {
    const page = fixture("tabular-api/data_page.json") as DataPage;
    expect(page.data).toHaveLength(20);
    expect(Object.keys(page.data[0])[0]).toBe("__id");
    expect(Object.keys(page.data[0])).toContain("dataset.id");
    expect(typeof page.meta.total).toBe("number");
    expect(page.links.next === null || typeof page.links.next === "string").toBe(true);
  });

  it("the 7 profiles of api-tabular's tables_index.csv", async () => {
    const { csvParse } = await import("d3");
    const rows = csvParse(
      readFileSync(new URL("../../sandbox/seed/tabular-api/tables_index.csv", import.meta.url), "utf8"),
    );
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      const profile = parseResourceProfile({
        profile: JSON.parse(row.csv_detective!),
        deleted_at: row.deleted_at || null,
        dataset_id: row.dataset_id,
        indexes: null,
      });
      expect(profileColumns(profile.profile).every((c) => c.name.length > 0)).toBe(true);
    }
    const first = JSON.parse(rows[0].csv_detective!);
    expect(profileColumns(first).map((c) => `${c.name}:${c.type}`)).toEqual([
      "id:string",
      "score:float",
      "decompte:int",
      "is_true:bool",
      "birth:date",
      "liste:json",
    ]);
  });
});
