import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, testSandbox } from "../support/sandbox.ts";

/**
 * Each payload production answered (recorded in datagouv/datagouv_client:tests/, copied under sandbox/seed/ and
 * ../shared/fixtures) against the sandbox's answer to the same request: the same keys at every depth, each value of
 * the same JSON type where both have one. Free-keyed values are data, not fields: extras (udata's ExtrasField), the
 * months of a `*_by_months` metric, a page's facets, a Tabular row's columns and a profile's per-column maps.
 *
 * udata declares a few fields the recordings predate; each is listed below with the declaration that adds it, and
 * the test checks the sandbox has exactly those on top of what production recorded.
 */

const fixture = (path: string): any =>
  JSON.parse(readFileSync(new URL(`../../sandbox/seed/${path}`, import.meta.url), "utf8"));

type Shape = { type: string; keys?: Map<string, Shape>; items?: Shape[] };

const FREE_KEYS = (path: string) =>
  /(^|\.)extras$|_by_months$|(^|\.)facets$|^data\[\d+\]$|^profile\.(columns|profile|formats|columns_fields|columns_labels)$/.test(
    path,
  );

function shape(value: unknown, path: string): Shape {
  if (value === null) return { type: "null" };
  if (Array.isArray(value)) return { type: "array", items: value.map((item, i) => shape(item, `${path}[${i}]`)) };
  if (typeof value === "object") {
    if (FREE_KEYS(path)) return { type: "object" };
    return {
      type: "object",
      keys: new Map(Object.entries(value).map(([k, v]) => [k, shape(v, path ? `${path}.${k}` : k)])),
    };
  }
  return { type: typeof value };
}

/** Every difference between a recorded shape and the sandbox's, as `path: what`. */
function differences(recorded: Shape, answered: Shape, path = "", out: string[] = []): string[] {
  if (recorded.type !== "null" && answered.type !== "null" && recorded.type !== answered.type)
    out.push(`${path || "."}: ${answered.type} where production has ${recorded.type}`);
  if (recorded.keys && answered.keys) {
    for (const [key, inner] of recorded.keys) {
      const at = path ? `${path}.${key}` : key;
      const other = answered.keys.get(key);
      if (!other) out.push(`${at}: missing`);
      else differences(inner, other, at, out);
    }
    for (const key of answered.keys.keys())
      if (!recorded.keys.has(key)) out.push(`${path ? `${path}.${key}` : key}: extra`);
  }
  if (recorded.items && answered.items) {
    // the same elements in the same order: the sandbox serves the recorded objects themselves
    recorded.items.forEach((item, i) => {
      if (answered.items![i]) differences(item, answered.items![i], `${path}[]`, out);
    });
  }
  return [...new Set(out)];
}

/** Fields current udata declares that the recordings (2025) predate, with where it declares them. */
const DECLARED_SINCE: Record<string, string[]> = {
  "opendatateam/udata:udata/core/dataset/api_fields.py (DEFAULT_MASK, dataset_fields)": [
    "access_type",
    "access_audiences",
    "authorization_request_url",
    "access_type_reason_category",
    "access_type_reason",
    "permissions",
  ],
  "opendatateam/udata:udata/core/dataset/models.py (Dataset.__metrics_keys__)": [
    "metrics.discussions_open",
    "metrics.reuses_by_months",
    "metrics.dataservices",
    "metrics.followers_by_months",
  ],
  "opendatateam/udata:udata/core/organization/models.py (permissions, show_as_ref)": [
    "organization.permissions",
    "permissions",
  ],
  "opendatateam/udata:udata/core/organization/models.py (Organization fields)": [
    "image_url",
    "teams",
    "ext",
    "zone",
    "presentation_blocs_published_at",
  ],
  "opendatateam/udata:udata/core/topic/models.py (Topic.color)": ["color"],
};
const declared = new Set(Object.values(DECLARED_SINCE).flat());

let env: Awaited<ReturnType<typeof testSandbox>>;

beforeAll(async () => {
  env = await testSandbox();
});
afterAll(() => env.close());

/** Compares; the sandbox may only add what udata declares since the recording. */
async function compare(recordedPath: string, requestPath: string) {
  const response = await get(`${env.sandbox.url}${requestPath}`);
  expect(response.status, requestPath).toBe(200);
  const found = differences(shape(fixture(recordedPath), ""), shape(response.json(), ""));
  const unexplained = found.filter(
    (d) => !(d.endsWith(": extra") && declared.has(d.slice(0, -7).replace(/\[\]/g, ""))),
  );
  expect(unexplained, `${recordedPath} against ${requestPath}`).toEqual([]);
  return found;
}

describe("recorded production payloads, key by key (datagouv/datagouv_client:tests/)", () => {
  it("a v1 dataset: tests/dataset_metadata.json against GET /api/1/datasets/{id}/", async () => {
    const recorded = fixture("main-api/dataset_metadata.json");
    const found = await compare("main-api/dataset_metadata.json", `/api/1/datasets/${recorded.id}/`);
    expect(found.sort()).toEqual(
      [...DECLARED_SINCE[Object.keys(DECLARED_SINCE)[0]], ...DECLARED_SINCE[Object.keys(DECLARED_SINCE)[1]]]
        .concat("organization.permissions")
        .map((path) => `${path}: extra`)
        .sort(),
    );
  });

  it("a v1 resource: tests/resource_metadata_api1.json against GET /api/1/datasets/{dataset}/resources/{rid}/", async () => {
    // the recorded resource's id is the sandbox's 1,000-row test table's (api-tabular:db/tables_index.csv)
    const { id } = fixture("main-api/resource_metadata_api1.json");
    const { dataset_id } = (await get(`${env.sandbox.url}/api/2/datasets/resources/${id}/`)).json();
    expect(
      await compare("main-api/resource_metadata_api1.json", `/api/1/datasets/${dataset_id}/resources/${id}/`),
    ).toEqual([]);
  });

  it("a v2 resource with its dataset id: tests/resource_metadata_api2.json against GET /api/2/datasets/resources/{rid}/", async () => {
    const { resource } = fixture("main-api/resource_metadata_api2.json");
    expect(await compare("main-api/resource_metadata_api2.json", `/api/2/datasets/resources/${resource.id}/`)).toEqual(
      [],
    );
  });

  it("a v1 organization with its members: tests/organization_metadata.json against GET /api/1/organizations/{id}/", async () => {
    const { id } = fixture("main-api/organization_metadata.json");
    const found = await compare("main-api/organization_metadata.json", `/api/1/organizations/${id}/`);
    expect(found.sort()).toEqual(
      ["image_url", "teams", "ext", "zone", "presentation_blocs_published_at", "permissions"]
        .map((path) => `${path}: extra`)
        .sort(),
    );
  });

  it("a v2 topic: tests/topic_metadata.json against GET /api/2/topics/{id}/", async () => {
    const { id } = fixture("main-api/topic_metadata.json");
    const found = await compare("main-api/topic_metadata.json", `/api/2/topics/${id}/`);
    expect(found.sort()).toEqual(["color: extra", "organization.permissions: extra"]);
  });

  it("a topic's elements, paged: tests/elements_metadata.json against GET /api/2/topics/{id}/elements/", async () => {
    const { id } = fixture("main-api/topic_metadata.json");
    expect(await compare("main-api/elements_metadata.json", `/api/2/topics/${id}/elements/`)).toEqual([]);
  });
});

describe("recorded Tabular API payloads, key by key (datagouv/datagouv_client:tests/)", () => {
  // the recordings are of a resource the sandbox does not hold; the same routes over its 1,000-row test table
  const rid = "aaaaaaaa-1111-bbbb-2222-cccccccccccc";

  it("a /data/ page: tests/tabular_api_data.json against GET /api/resources/{rid}/data/?page_size=20", async () => {
    expect(await compare("tabular-api/data_page.json", `/tabular/api/resources/${rid}/data/?page_size=20`)).toEqual([]);
  });

  it("a profile: tests/tabular_api_profile.json against GET /api/resources/{rid}/profile/", async () => {
    expect(await compare("tabular-api/profile.json", `/tabular/api/resources/${rid}/profile/`)).toEqual([]);
  });
});
