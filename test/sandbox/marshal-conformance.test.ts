import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, get, testSandbox } from "../support/sandbox.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";

/** The Main API's objects as udata declares and flask-restx marshals them; each fact names its source. */

let env: Awaited<ReturnType<typeof testSandbox>>;
let api: string;
const RECORDED = "5d13a8b6634f41070a43dff3";
const json = (method: string, url: string, body: unknown) =>
  fetch(url, {
    method,
    headers: { "content-type": "application/json", "x-api-key": API_KEY },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  env = await testSandbox();
  api = `${env.sandbox.url}/api`;
});
afterAll(() => env.close());

describe("datasets (opendatateam/udata:udata/core/dataset/api_fields.py, apiv2.py)", () => {
  it("v1 answers DEFAULT_MASK's fields: no community resources, every other declared field even when unset (opendatateam/udata:udata/core/dataset/api_fields.py)", async () => {
    const [seeded, recorded] = await Promise.all([
      get(`${api}/1/datasets/${SEED_TABULAR[0].datasetId}/`),
      get(`${api}/1/datasets/${RECORDED}/`),
    ]);
    for (const body of [seeded.json(), recorded.json()]) {
      expect(body).not.toHaveProperty("community_resources");
      expect(Object.keys(body)).toEqual(
        expect.arrayContaining(["access_audiences", "contact_points", "internal", "permissions", "quality", "schema"]),
      );
    }
    expect(seeded.json().permissions).toEqual({ delete: false, edit: false, edit_resources: false });
  });

  it("permissions say what the caller may do: the key of the dataset's organization may edit it (opendatateam/udata:udata/core/dataset/models.py permissions)", async () => {
    const mine = (await get(`${api}/1/datasets/${SEED_TABULAR[0].datasetId}/`, { "x-api-key": API_KEY })).json();
    expect(mine.permissions).toEqual({ delete: true, edit: true, edit_resources: true });
    expect(mine.organization.permissions.edit).toBe(true);
  });

  it("v2 links its sub-collections with the query string url_for builds (opendatateam/udata:udata/core/dataset/apiv2.py)", async () => {
    const body = (await get(`${api}/2/datasets/${RECORDED}/`)).json();
    expect(body.resources).toEqual({
      rel: "subsection",
      href: `${env.sandbox.url}/api/2/datasets/${RECORDED}/resources/?page=1&page_size=50`,
      type: "GET",
      total: 8,
    });
    expect(body.community_resources.href).toBe(
      `${env.sandbox.url}/api/1/datasets/community_resources/?dataset=${RECORDED}&page=1&page_size=50`,
    );
    expect((await get(body.community_resources.href)).json()).toMatchObject({ page: 1, page_size: 50, total: 0 });
    expect(body).not.toHaveProperty("schema");
  });

  it("X-Get-Datasets-Full-Objects: v2's licence and frequency, and spatial zones, as objects (opendatateam/udata:udata/core/dataset/constants.py FULL_OBJECTS_HEADER)", async () => {
    const id = SEED_TABULAR[0].datasetId;
    const plain = (await get(`${api}/2/datasets/${id}/`)).json();
    const full = (await get(`${api}/2/datasets/${id}/`, { "x-get-datasets-full-objects": "1" })).json();
    expect(typeof plain.license).toBe("string");
    expect(Object.keys(full.license).sort()).toEqual(
      ["alternate_titles", "alternate_urls", "flags", "id", "maintainer", "title", "url"].sort(),
    );
    expect(full.frequency).toEqual({ id: plain.frequency, label: expect.any(String) });
    expect(full.spatial.zones[0]).toEqual({
      id: "country:fr",
      name: "France",
      slug: "france",
      code: "fr",
      level: "country",
      uri: null,
    });
    expect(full.spatial.granularity).toEqual({ id: "fr:commune", name: "French town" });
  });

  it("X-Fields replaces the default mask; a malformed one is a 400 (python-restx/flask-restx:flask_restx/mask.py)", async () => {
    const masked = (await get(`${api}/1/datasets/${RECORDED}/`, { "x-fields": "id,community_resources{id}" })).json();
    expect(masked).toEqual({ id: RECORDED, community_resources: [] });
    const bad = await get(`${api}/1/datasets/${RECORDED}/`, { "x-fields": "id,{title}" });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ message: "Mask parse error: Unexpected opening bracket" });
    const inconsistent = await get(`${api}/1/datasets/${RECORDED}/`, { "x-fields": "title{x}" });
    expect(inconsistent.json()).toEqual({ message: "Mask error: Mask is inconsistent with model" });
  });

  it("keys come sorted, as Flask's JSON provider sends them (pallets/flask:src/flask/json/provider.py DefaultJSONProvider.sort_keys)", async () => {
    const body = (await get(`${api}/1/datasets/${RECORDED}/`)).text;
    const keys = Object.keys(JSON.parse(body));
    expect(keys).toEqual([...keys].sort());
  });

  it("dates as udata's ISODateTime writes them; a coverage's end may be null (opendatateam/udata:udata/api/fields.py ISODateTime, udata/core/dataset/api_fields.py)", async () => {
    const created = await (
      await json("POST", `${api}/1/datasets/`, {
        title: "Couverture ouverte",
        organization: SEED_TABULAR[0].organizationId,
        temporal_coverage: { start: "2024-01-01" },
        frequency: "biannual",
      })
    ).json();
    expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    expect(created.temporal_coverage).toEqual({ start: "2024-01-01", end: null });
    // a legacy id is read as its current one (UpdateFrequency._LEGACY_FREQUENCIES)
    expect(created.frequency).toBe("semiannual");
    expect(created.quality).toMatchObject({ license: true, temporal_coverage: true, score: expect.any(Number) });
  });

  it("v1 pages link onwards as NextPageUrl builds them: the request's arguments, page added or changed (opendatateam/udata:udata/api/fields.py)", async () => {
    const first = (await get(`${api}/1/datasets/?sort=title&page_size=3`)).json();
    expect(first.next_page).toBe(`${env.sandbox.url}/api/1/datasets/?sort=title&page_size=3&page=2`);
    const second = (await get(first.next_page)).json();
    expect(second.previous_page).toBe(`${env.sandbox.url}/api/1/datasets/?sort=title&page_size=3&page=1`);
  });

  it("v2 resources pages write their links by hand, arguments as given (opendatateam/udata:udata/core/dataset/apiv2.py ResourcesAPI)", async () => {
    const page = (await get(`${api}/2/datasets/${RECORDED}/resources/?page_size=2&type=main`)).json();
    expect(page.next_page).toBe(
      `${env.sandbox.url}/api/2/datasets/${RECORDED}/resources/?page=2&page_size=2&type=main`,
    );
    expect(page.data.every((r: any) => r.type === "main")).toBe(true);
  });

  it("search facets start with 'all' and name organizations 'id|name' (opendatateam/udata:udata_search_service/search_clients.py)", async () => {
    const { facets } = (await get(`${api}/2/datasets/search/?format=csv`)).json();
    expect(Object.keys(facets)).toEqual(
      [
        ...["format_family", "access_type", "producer_type", "organization_id_with_name", "last_update", "tag"],
        ...["license", "format", "schema", "geozone", "granularity", "badge", "topics"],
      ].sort(),
    );
    for (const buckets of Object.values(facets) as any[]) expect(buckets[0].name).toBe("all");
    expect(facets.organization_id_with_name[1].name).toMatch(/^[0-9a-f]{24}\|/);
    // a facet leaves its own filter out: other formats stay countable
    expect(facets.format.length).toBeGreaterThan(2);
    expect(facets.last_update.map((b: any) => b.name)).toEqual([
      "all",
      "last_30_days",
      "last_12_months",
      "last_3_years",
    ]);
  });
});

describe("vocabularies and suggestions", () => {
  it("licences with every field of license_fields (opendatateam/udata:udata/core/dataset/api_fields.py)", async () => {
    const licenses = (await get(`${api}/1/datasets/licenses/`)).json();
    expect(licenses.map((l: any) => l.id)).toEqual(expect.arrayContaining(["lov2", "odc-odbl", "notspecified"]));
    for (const l of licenses)
      expect(Object.keys(l).sort()).toEqual(
        ["alternate_titles", "alternate_urls", "flags", "id", "maintainer", "title", "url"].sort(),
      );
  });

  it("frequencies: udata's current vocabulary (opendatateam/udata:udata/core/dataset/constants.py UpdateFrequency)", async () => {
    const ids = (await get(`${api}/1/datasets/frequencies/`)).json().map((f: any) => f.id);
    expect(ids).toHaveLength(40);
    expect(ids.slice(0, 3)).toEqual(["continuous", "oneMinute", "fiveMinutes"]);
    expect(ids).toEqual(expect.arrayContaining(["semidaily", "quadrennial", "tridecennial", "notPlanned", "unknown"]));
    expect(ids).not.toContain("biannual");
  });

  it("resource types, reuse types and topics as {id, label} (opendatateam/udata:udata/core/dataset/constants.py, udata/core/reuse/constants.py)", async () => {
    expect((await get(`${api}/1/datasets/resource_types/`)).json()[0]).toEqual({ id: "main", label: "Main file" });
    expect((await get(`${api}/1/reuses/types/`)).json().map((t: any) => t.id)).toContain("visualization");
    expect((await get(`${api}/1/reuses/topics/`)).json().at(-1)).toEqual({ id: "others", label: "Others" });
  });

  it("suggestions need `q` (400 with reqparse's help-prefixed message) and answer their declared fields (python-restx/flask-restx:flask_restx/reqparse.py; opendatateam/udata:udata/core/dataset/api_fields.py)", async () => {
    const missing = await get(`${api}/1/datasets/suggest/`);
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({
      errors: { q: "The string to autocomplete/suggest Missing required parameter in the query string" },
      message: "Input payload validation failed",
    });
    const [dataset] = (await get(`${api}/1/datasets/suggest/?q=communes`)).json();
    expect(Object.keys(dataset).sort()).toEqual(["acronym", "id", "image_url", "page", "slug", "title"]);
    const [org] = (await get(`${api}/1/organizations/suggest/?q=insee`)).json();
    expect(Object.keys(org).sort()).toEqual(["acronym", "id", "image_url", "name", "page", "slug"]);
  });

  it("format suggestions: the allowed extensions containing q, shortest first (opendatateam/udata:udata/core/dataset/api.py FormatsSuggestAPI)", async () => {
    const formats = (await get(`${api}/1/datasets/suggest/formats/?q=js`)).json();
    expect(formats).toEqual([{ text: "json" }, { text: "geojson" }]);
    const extensions = (await get(`${api}/1/datasets/extensions/`)).json();
    expect(extensions).toEqual([...extensions].sort());
    expect(extensions).toEqual(expect.arrayContaining(["csv", "geojson", "7z"]));
  });

  it("zones: suggestions with their uri, and one zone as a GeoJSON feature without geometry (opendatateam/udata:udata/core/spatial/api.py, api_fields.py)", async () => {
    const [zone] = (await get(`${api}/1/spatial/zones/suggest/?q=bretagne`)).json();
    expect(zone).toEqual({ id: "fr:region:53", name: "Bretagne", code: "53", level: "fr:region", uri: null });
    const collection = (await get(`${api}/1/spatial/zones/fr:region:53/`)).json();
    expect(collection).toEqual({
      type: "FeatureCollection",
      features: [
        {
          id: "fr:region:53",
          type: "Feature",
          geometry: { type: null, coordinates: null },
          properties: { code: "53", level: "fr:region", name: "Bretagne", slug: "bretagne", uri: null },
        },
      ],
    });
    expect((await get(`${api}/1/spatial/zones/suggest/`)).status).toBe(400);
  });
});

describe("the other objects (their udata/core/*/models.py fields)", () => {
  it("the site: its __metrics_keys__ and the version (opendatateam/udata:udata/core/site/models.py)", async () => {
    const site = (await get(`${api}/1/site/`)).json();
    expect(Object.keys(site).sort()).toEqual(["feed_size", "id", "keywords", "metrics", "title", "version"]);
    expect(Object.keys(site.metrics)).toHaveLength(25);
    expect(site.metrics).toMatchObject({ datasets: expect.any(Number), "public-service": expect.any(Number) });
  });

  it("stored-only keys never leak: a dataservice's dataset ids, a topic's elements, a discussion's spam status (opendatateam/udata:udata/core/{dataservices,topic,discussions}/models.py)", async () => {
    const service = (await get(`${api}/1/dataservices/`)).json().data[0];
    expect(service).not.toHaveProperty("dataset_ids");
    expect(service.datasets).toMatchObject({ rel: "subsection", type: "GET" });
    expect(service.harvest).toEqual(expect.objectContaining({ backend: null }));
    const topic = (await get(`${api}/2/topics/`)).json().data[0];
    expect(topic).not.toHaveProperty("element_list");
    expect(topic.elements.href).toMatch(/\/elements\/\?page=1&page_size=20$/);
    const discussion = (await get(`${api}/1/discussions/`)).json().data[0];
    expect(discussion).not.toHaveProperty("spam");
    expect(discussion.url).toBe(`${env.sandbox.url}/api/1/discussions/${discussion.id}/`);
  });

  it("reuse pages reduce their datasets to references (opendatateam/udata:udata/core/reuse/models.py page_mask); one reuse embeds them whole", async () => {
    const reuse = (await get(`${api}/1/reuses/?page_size=1`)).json().data[0];
    expect(Object.keys(reuse.datasets[0]).sort()).toEqual(["id", "page", "title", "uri"]);
    const whole = (await get(`${api}/1/reuses/${reuse.id}/`)).json();
    expect(whole.datasets[0]).toHaveProperty("resources");
  });

  it("posts' pages leave their blocs out (opendatateam/udata:udata/core/post/models.py page_mask_exclude)", async () => {
    const page = (await get(`${api}/1/posts/?page_size=1`)).json();
    expect(page.data[0]).not.toHaveProperty("blocs");
    expect((await get(`${api}/1/posts/${page.data[0].id}/`)).json()).toHaveProperty("blocs");
  });

  it("the topics list (opendatateam/udata:udata/core/topic/apiv2.py TopicsAPI)", async () => {
    const page = (await get(`${api}/2/topics/`)).json();
    expect(page.total).toBeGreaterThan(0);
    expect(Object.keys(page).sort()).toEqual(["data", "next_page", "page", "page_size", "previous_page", "total"]);
  });
});

describe("site-wide exports (opendatateam/udata:udata/core/csv.py)", () => {
  it("a streamed export is named after the model and the minute; numbers and booleans unquoted (QUOTE_NONNUMERIC)", async () => {
    const response = await get(`${api}/1/site/datasets.csv`);
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename=datasets-\d{4}-\d\d-\d\d-\d\d-\d\d\.csv$/,
    );
    const [header, row] = cells(response.text);
    const columns = header.map((c) => c.slice(1, -1));
    const cell = (name: string) => row[columns.indexOf(name)];
    expect(cell("featured")).toMatch(/^(True|False)$/);
    expect(cell("resources_count")).toMatch(/^\d+$/);
    expect(cell("title")).toMatch(/^".+"$/);
    expect(columns.at(-1)).toBe("metric.resources_downloads");
  });
});

/** The first two records of a `;`-separated text, each cell as written (quotes kept). */
function cells(text: string): string[][] {
  const records: string[][] = [[]];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length && records.length < 3; i++) {
    const c = text[i];
    if (quoted) {
      cell += c;
      if (c === '"' && text[i + 1] === '"') cell += text[++i];
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      cell += c;
    } else if (c === ";") {
      records.at(-1)!.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      records.at(-1)!.push(cell);
      cell = "";
      records.push([]);
      i++;
    } else cell += c;
  }
  return records;
}
