import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, get, testSandbox } from "../support/sandbox.ts";
import { SEED_TABULAR } from "../../lib/sandbox/index.ts";

let env: Awaited<ReturnType<typeof testSandbox>>;
let api: string;

beforeAll(async () => {
  env = await testSandbox();
  api = `${env.sandbox.url}/api`;
});
afterAll(() => env.close());

describe("Main API reads (udata)", () => {
  it("the pager envelope, with absolute next_page built from the request's host and every argument kept", async () => {
    const body = (await get(`${api}/1/datasets/?page_size=5&sort=title`)).json();
    expect(Object.keys(body).sort()).toEqual(["data", "next_page", "page", "page_size", "previous_page", "total"]);
    expect(body.data).toHaveLength(5);
    expect(body.total).toBeGreaterThan(15);
    const next = new URL(body.next_page);
    expect(next.origin).toBe(env.sandbox.url);
    expect(next.searchParams.get("sort")).toBe("title");
    expect(next.searchParams.get("page")).toBe("2");
    expect(body.previous_page).toBeNull();
  });

  it("v1 answers 404 past the last page", async () => {
    const body = (await get(`${api}/1/datasets/?page_size=100`)).json();
    expect(body.next_page).toBeNull();
    const past = await get(`${api}/1/datasets/?page=2&page_size=100`);
    expect(past.status).toBe(404);
    expect(past.json()).toEqual({ message: "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again." });
  });

  it("page and page_size must be positive integers (400)", async () => {
    expect((await get(`${api}/1/datasets/?page=0`)).status).toBe(400);
    expect((await get(`${api}/1/datasets/?page_size=abc`)).status).toBe(400);
  });

  it("filters and sorts of DatasetApiParser", async () => {
    const insee = SEED_TABULAR[0].organizationId;
    const byOrg = (await get(`${api}/1/datasets/?organization=${insee}&page_size=50`)).json();
    expect(byOrg.data.length).toBeGreaterThan(0);
    expect(byOrg.data.every((d: any) => d.organization.id === insee)).toBe(true);
    const tagged = (await get(`${api}/1/datasets/?tag=cog&tag=population`)).json();
    expect(tagged.data.map((d: any) => d.id)).toEqual([SEED_TABULAR[0].datasetId]);
    const csv = (await get(`${api}/1/datasets/?format=csv&page_size=100`)).json();
    expect(csv.data.every((d: any) => d.resources.some((r: any) => r.format?.toLowerCase() === "csv"))).toBe(true);
    const byTitle = (await get(`${api}/1/datasets/?sort=-title&page_size=100`)).json().data.map((d: any) => d.title.toLowerCase());
    expect(byTitle).toEqual([...byTitle].sort().reverse());
    expect((await get(`${api}/1/datasets/?sort=bogus`)).status).toBe(400);
  });

  it("v2 search: facets, and resources as a link object", async () => {
    const body = (await get(`${api}/2/datasets/search/?q=communes`)).json();
    expect(body.total).toBeGreaterThan(0);
    expect(Object.keys(body.facets)).toEqual(expect.arrayContaining(["tag", "license", "format"]));
    expect(body.data[0].resources).toMatchObject({ rel: "subsection", type: "GET" });
    expect(body.data[0].resources.href).toContain(`/api/2/datasets/${body.data[0].id}/resources/`);
  });

  it("v2 search stops at 10,000 results with udata's message", async () => {
    const response = await get(`${api}/2/datasets/search/?page=101&page_size=100`);
    expect(response.status).toBe(400);
    expect(response.json().message).toBe("Result window is too large: page 101 with page_size 100 exceeds the maximum of 10000 results. Maximum page for this page_size is 100.");
  });

  it("X-Fields masks, nested", async () => {
    const body = (await get(`${api}/1/datasets/?page_size=2`, { "x-fields": "data{id,title,organization{name}},total" })).json();
    expect(Object.keys(body).sort()).toEqual(["data", "total"]);
    expect(Object.keys(body.data[0]).sort()).toEqual(["id", "organization", "title"]);
  });

  it("one dataset by id or slug; v2 resources paged; one resource by id through v2 with its dataset id", async () => {
    const seed = SEED_TABULAR[0];
    const byId = (await get(`${api}/1/datasets/${seed.datasetId}/`)).json();
    const bySlug = (await get(`${api}/1/datasets/${seed.slug}/`)).json();
    expect(bySlug.id).toBe(byId.id);
    expect(byId.resources[0].extras["analysis:parsing:parsing_table"]).toBeTruthy();
    expect(byId.resources[0].url).toBe(`${env.sandbox.url}/sandbox/files/${seed.resourceId}.csv`);
    const paged = (await get(`${api}/2/datasets/${seed.datasetId}/resources/`)).json();
    expect(paged.page_size).toBe(50);
    expect(paged.data[0].id).toBe(seed.resourceId);
    const one = (await get(`${api}/2/datasets/resources/${seed.resourceId}/`)).json();
    expect(one.dataset_id).toBe(seed.datasetId);
    expect((await get(`${api}/1/datasets/${seed.datasetId}/resources/${seed.resourceId}/`)).json().id).toBe(seed.resourceId);
  });

  it("an unknown dataset: 404 with udata's sentence", async () => {
    const response = await get(`${api}/1/datasets/000000000000000000000000/`);
    expect(response.status).toBe(404);
    expect(response.json().message).toMatch(/^The requested URL was not found on the server/);
  });

  it("organizations, their datasets, reuses, dataservices (with their OpenAPI document), discussions, posts, topics, site", async () => {
    const orgs = (await get(`${api}/1/organizations/?page_size=100`)).json();
    expect(orgs.total).toBeGreaterThan(10);
    const insee = (await get(`${api}/1/organizations/${SEED_TABULAR[0].organizationId}/datasets/`)).json();
    expect(insee.total).toBeGreaterThan(0);
    const reuses = (await get(`${api}/1/reuses/`)).json();
    expect(reuses.total).toBeGreaterThan(0);
    const services = (await get(`${api}/1/dataservices/`)).json();
    expect(services.total).toBe(3);
    const openapi = (await get(services.data[0].machine_documentation_url)).json();
    expect(openapi.openapi).toMatch(/^3/);
    const discussions = (await get(`${api}/1/discussions/`)).json();
    expect(discussions.data[0].discussion.length).toBeGreaterThan(0);
    expect((await get(`${api}/1/posts/`)).json().total).toBe(20);
    const topics = (await get(`${api}/2/topics/search/`)).json();
    const elements = (await get(`${api}/2/topics/${topics.data[0].id}/elements/`)).json();
    expect(elements.total).toBeGreaterThan(0);
    expect((await get(`${api}/1/site/`)).json().id).toBe("data.gouv.fr");
  });

  it("/api/1/datasets/r/{rid} redirects to the file, which answers conditional requests with 304", async () => {
    const rid = SEED_TABULAR[2].resourceId;
    const redirect = await fetch(`${api}/1/datasets/r/${rid}`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const file = await fetch(redirect.headers.get("location")!);
    expect(file.status).toBe(200);
    const text = await file.text();
    expect(text.split("\n")[0]).toBe("code_region,nom_region,chef_lieu,zone");
    const again = await fetch(redirect.headers.get("location")!, { headers: { "if-none-match": file.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });

  it("site-wide exports in udata's CSV format: ';'-separated, every field quoted, the adapters' columns", async () => {
    const datasets = (await get(`${api}/1/site/datasets.csv`)).text;
    const [header, first] = datasets.split("\r\n");
    expect(header.startsWith('"id";"title";"slug";"acronym";"url";"organization";"organization_id";"description"')).toBe(true);
    expect(header).toContain('"quality_score"');
    expect(first.startsWith('"')).toBe(true);
    const resources = (await get(`${api}/1/site/resources.csv`)).text.split("\r\n");
    expect(resources[0].startsWith('"dataset.id";"dataset.title"')).toBe(true);
    expect(resources.length).toBeGreaterThan(100);
    for (const kind of ["organizations", "reuses", "dataservices"]) expect((await get(`${api}/1/site/${kind}.csv`)).status).toBe(200);
  });
});

describe("Main API writes with X-API-KEY", () => {
  const json = (method: string, url: string, body: unknown, key: string | null = API_KEY) =>
    fetch(url, { method, headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) }, body: JSON.stringify(body) });

  it("no key: 401; a wrong key: 401 'Invalid API token'", async () => {
    expect((await json("POST", `${api}/1/datasets/`, { title: "x" }, null)).status).toBe(401);
    const wrong = await json("POST", `${api}/1/datasets/`, { title: "x" }, "not-a-valid-key");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: "Invalid API token" });
  });

  it("another organization's dataset: 403 with udata's sentence", async () => {
    const foreign = (await get(`${api}/1/datasets/?page_size=1&sort=title`)).json().data[0];
    const response = await json("PUT", `${api}/1/datasets/${foreign.id}/`, { title: "mine now" });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "You do not have the permission to modify that object." });
  });

  it("validation: 400 with the errors field by field", async () => {
    const response = await json("POST", `${api}/1/datasets/`, { description: "no title" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { title: ["This field is required."] }, message: "Validation error" });
  });

  it("create, read back, update, add a remote resource, delete (then 410)", async () => {
    const created = await (await json("POST", `${api}/1/datasets/`, { title: "Qualité de l'air", organization: SEED_TABULAR[0].organizationId, private: true })).json();
    expect(created.slug).toBe("qualite-de-l-air");
    expect((await get(`${api}/1/datasets/${created.id}/`)).json().private).toBe(true);
    const updated = await (await json("PUT", `${api}/1/datasets/${created.id}/`, { description: "Mesures horaires" })).json();
    expect(updated.description).toBe("Mesures horaires");
    const resource = await (await json("POST", `${api}/1/datasets/${created.id}/resources/`, { title: "API", url: "https://example.org/air.json", format: "json" })).json();
    expect(resource.filetype).toBe("remote");
    expect((await get(`${api}/1/datasets/${created.id}/`)).json().resources).toHaveLength(1);
    expect((await json("DELETE", `${api}/1/datasets/${created.id}/`, {})).status).toBe(204);
    const gone = await get(`${api}/1/datasets/${created.id}/`);
    expect(gone.status).toBe(410);
    expect(gone.json().message).toBe("Dataset has been deleted");
  });

  it("an uploaded CSV is profiled and queryable through the Tabular API", async () => {
    const created = await (await json("POST", `${api}/1/datasets/`, { title: "Stations", organization: SEED_TABULAR[0].organizationId })).json();
    const form = new FormData();
    form.append("file", new Blob(["code,nom,places\n01001,Alpha,12\n01002,Beta,7\n75056,Gamma,30\n"], { type: "text/csv" }), "stations.csv");
    const upload = await fetch(`${api}/1/datasets/${created.id}/upload/`, { method: "POST", headers: { "x-api-key": API_KEY }, body: form });
    expect(upload.status).toBe(201);
    const resource = await upload.json();
    expect(resource.extras["analysis:parsing:parsing_table"]).toBeTruthy();
    const rows = (await get(`${env.sandbox.url}/tabular/api/resources/${resource.id}/data/?places__greater=10`)).json();
    expect(rows.data.map((r: any) => r.code)).toEqual(["01001", "75056"]);
    const profile = (await get(`${env.sandbox.url}/tabular/api/resources/${resource.id}/profile/`)).json();
    expect(profile.profile.columns.code.python_type).toBe("string");
    expect(profile.profile.columns.places.python_type).toBe("int");
  });
});

describe("rate limits", () => {
  it("X-RateLimit-* headers, then 429 with Retry-After once the window's budget is spent", async () => {
    const limited = await testSandbox({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${limited.sandbox.url}/api/1/site/`);
        statuses.push(last.status);
        await last.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last!.headers.get("x-ratelimit-limit")).toBe("3");
      expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
