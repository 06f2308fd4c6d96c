import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, OTHER_KEY, get, testSandbox } from "../support/sandbox.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";

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
    expect(past.json()).toEqual({
      message:
        "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
    });
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
    const byTitle = (await get(`${api}/1/datasets/?sort=-title&page_size=100`))
      .json()
      .data.map((d: any) => d.title.toLowerCase());
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
    expect(response.json().message).toBe(
      "Result window is too large: page 101 with page_size 100 exceeds the maximum of 10000 results. Maximum page for this page_size is 100.",
    );
  });

  it("X-Fields masks, nested", async () => {
    const body = (
      await get(`${api}/1/datasets/?page_size=2`, { "x-fields": "data{id,title,organization{name}},total" })
    ).json();
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
    expect((await get(`${api}/1/datasets/${seed.datasetId}/resources/${seed.resourceId}/`)).json().id).toBe(
      seed.resourceId,
    );
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
    const again = await fetch(redirect.headers.get("location")!, {
      headers: { "if-none-match": file.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
  });

  it("site-wide exports in udata's CSV format: ';'-separated, text quoted, the adapters' columns (opendatateam/udata:udata/core/dataset/csv.py)", async () => {
    const datasets = (await get(`${api}/1/site/datasets.csv`)).text;
    const [header, first] = datasets.split("\r\n");
    expect(
      header.startsWith(
        '"id";"title";"slug";"acronym";"url";"organization";"organization_id";"owner";"owner_id";"description"',
      ),
    ).toBe(true);
    expect(header).toContain('"quality_score"');
    expect(first.startsWith('"')).toBe(true);
    const resources = (await get(`${api}/1/site/resources.csv`)).text.split("\r\n");
    expect(resources[0].startsWith('"dataset.id";"dataset.title"')).toBe(true);
    expect(resources.length).toBeGreaterThan(100);
    for (const kind of ["organizations", "reuses", "dataservices"])
      expect((await get(`${api}/1/site/${kind}.csv`)).status).toBe(200);
  });

  it("v1 references must be identifiers: 400 'Organization arg must be an identifier'", async () => {
    const response = await get(`${api}/1/datasets/?organization=${SEED_TABULAR[0].organizationId.slice(0, 10)}`);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: "Organization arg must be an identifier" });
  });

  it("v1 lists newest first by default (-created_at_internal)", async () => {
    const created = (await get(`${api}/1/datasets/?page_size=100`)).json().data.map((d: any) => d.created_at);
    expect(created).toEqual([...created].sort().reverse());
  });

  it("the v2 search has no title sort: 400 naming the value", async () => {
    const response = await get(`${api}/2/datasets/search/?sort=title`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json())).toContain("'title'");
  });

  it("an unknown resource: v2 'Resource does not exist. You have requested this URI …', v1 'Resource does not exist'", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    const v2 = await get(`${api}/2/datasets/resources/${unknown}/`);
    expect(v2.status).toBe(404);
    expect(v2.json().message).toMatch(
      /^Resource does not exist\. You have requested this URI \[.*\] but did you mean /,
    );
    const v1 = await get(`${api}/1/datasets/${SEED_TABULAR[0].datasetId}/resources/${unknown}/`);
    expect(v1.status).toBe(404);
    expect(v1.json()).toEqual({ message: "Resource does not exist" });
  });

  it("reference lists and suggestions: licenses, frequencies, badges, datasets/organizations/tags suggest, users, spatial levels", async () => {
    const licenses = (await get(`${api}/1/datasets/licenses/`)).json();
    expect(licenses.some((l: any) => l.id === "lov2")).toBe(true);
    expect((await get(`${api}/1/datasets/frequencies/`)).json().some((f: any) => f.id === "unknown")).toBe(true);
    expect((await get(`${api}/1/datasets/badges/`)).json()).toHaveProperty("pivotal-data");
    const suggested = (await get(`${api}/1/datasets/suggest/?q=communes`)).json();
    expect(suggested[0]).toMatchObject({
      id: expect.any(String),
      title: expect.stringMatching(/communes/i),
      slug: expect.any(String),
    });
    expect((await get(`${api}/1/datasets/suggest/`)).status).toBe(400);
    expect((await get(`${api}/1/organizations/suggest/?q=insee`)).json()[0].id).toBe(SEED_TABULAR[0].organizationId);
    expect((await get(`${api}/1/tags/suggest/?q=cog`)).json()).toContainEqual({ text: "cog" });
    const discussions = (await get(`${api}/1/discussions/`)).json();
    const author = discussions.data[0].discussion[0].posted_by;
    expect((await get(`${api}/1/users/${author.id}/`)).json().slug).toBe(author.slug);
    expect((await get(`${api}/1/spatial/levels/`)).json().map((l: any) => l.id)).toContain("fr:commune");
  });

  it("a wrong X-API-KEY is refused even on a read: 401 'Invalid API token'", async () => {
    const response = await get(`${api}/1/datasets/`, { "x-api-key": "not-a-valid-key" });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ message: "Invalid API token" });
  });

  it("archived, deleted and private filters need a key (401 without one)", async () => {
    for (const name of ["archived", "deleted", "private"])
      expect((await get(`${api}/1/datasets/?${name}=true`)).status).toBe(401);
    expect((await get(`${api}/1/datasets/?private=true`, { "x-api-key": API_KEY })).status).toBe(200);
  });

  it("site-wide exports take the list filters (?organization=ID)", async () => {
    const insee = SEED_TABULAR[0].organizationId;
    const rows = (await get(`${api}/1/site/resources.csv?organization=${insee}`)).text.trim().split("\r\n").slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.split(";")[5] === `"${insee}"`)).toBe(true);
  });
});

describe("Main API writes with X-API-KEY", () => {
  const json = (method: string, url: string, body: unknown, key: string | null = API_KEY) =>
    fetch(url, {
      method,
      headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) },
      body: JSON.stringify(body),
    });

  it("no key: 401 with werkzeug's sentence and udata's Bearer challenge; a wrong key: 401 'Invalid API token'", async () => {
    const none = await json("POST", `${api}/1/datasets/`, { title: "x" }, null);
    expect(none.status).toBe(401);
    expect((await none.json()).message).toMatch(
      /^The server could not verify that you are authorized to access the URL requested\./,
    );
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="uData"');
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
    expect(await response.json()).toEqual({
      errors: { title: ["This field is required."] },
      message: "Validation error",
    });
  });

  it("create a draft, read it back, publish it, add a remote resource, delete it (then 410)", async () => {
    const created = await (
      await json("POST", `${api}/1/datasets/`, {
        title: "Qualité de l'air",
        organization: SEED_TABULAR[0].organizationId,
        private: true,
      })
    ).json();
    expect(created.slug).toBe("qualite-de-l-air");
    expect((await get(`${api}/1/datasets/${created.id}/`, { "x-api-key": API_KEY })).json().private).toBe(true);
    const updated = await (
      await json("PUT", `${api}/1/datasets/${created.id}/`, { description: "Mesures horaires", private: false })
    ).json();
    expect(updated).toMatchObject({ description: "Mesures horaires", private: false });
    const resource = await (
      await json("POST", `${api}/1/datasets/${created.id}/resources/`, {
        title: "API",
        url: "https://example.org/air.json",
        format: "json",
        filetype: "remote",
      })
    ).json();
    expect(resource.filetype).toBe("remote");
    expect((await get(`${api}/1/datasets/${created.id}/`)).json().resources).toHaveLength(1);
    expect((await json("DELETE", `${api}/1/datasets/${created.id}/`, {})).status).toBe(204);
    const gone = await get(`${api}/1/datasets/${created.id}/`);
    expect(gone.status).toBe(410);
    expect(gone.json().message).toBe("Dataset has been deleted");
  });

  it("an uploaded CSV is profiled and queryable through the Tabular API", async () => {
    const created = await (
      await json("POST", `${api}/1/datasets/`, { title: "Stations", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const form = new FormData();
    form.append(
      "file",
      new Blob(["code,nom,places\n01001,Alpha,12\n01002,Beta,7\n75056,Gamma,30\n"], { type: "text/csv" }),
      "stations.csv",
    );
    const upload = await fetch(`${api}/1/datasets/${created.id}/upload/`, {
      method: "POST",
      headers: { "x-api-key": API_KEY },
      body: form,
    });
    expect(upload.status).toBe(201);
    const resource = await upload.json();
    expect(resource.extras["analysis:parsing:parsing_table"]).toBeTruthy();
    const rows = (await get(`${env.sandbox.url}/tabular/api/resources/${resource.id}/data/?places__greater=10`)).json();
    expect(rows.data.map((r: any) => r.code)).toEqual(["01001", "75056"]);
    const profile = (await get(`${env.sandbox.url}/tabular/api/resources/${resource.id}/profile/`)).json();
    expect(profile.profile.columns.code.python_type).toBe("string");
    expect(profile.profile.columns.places.python_type).toBe("int");
  });

  it("a key scoped to one organization (KEY@org) may write there and nowhere else: 403", async () => {
    const [otherKey, slug] = OTHER_KEY.split("@");
    const theirs = (await get(`${api}/1/organizations/${slug}/`)).json();
    const created = await json(
      "POST",
      `${api}/1/datasets/`,
      { title: "Budget primitif", organization: theirs.id },
      otherKey,
    );
    expect(created.status).toBe(201);
    const insee = await json(
      "PUT",
      `${api}/1/datasets/${SEED_TABULAR[0].datasetId}/`,
      { title: "not theirs" },
      otherKey,
    );
    expect(insee.status).toBe(403);
    expect(await insee.json()).toEqual({ message: "You do not have the permission to modify that object." });
  });

  it("a draft (private) is not found by others; a deleted dataset is gone (410) for others but readable by its members", async () => {
    const draft = await (
      await json("POST", `${api}/1/datasets/`, {
        title: "Brouillon",
        organization: SEED_TABULAR[0].organizationId,
        private: true,
      })
    ).json();
    expect((await get(`${api}/1/datasets/${draft.id}/`)).status).toBe(404);
    expect((await get(`${api}/1/datasets/${draft.id}/`, { "x-api-key": API_KEY })).status).toBe(200);
    const listed = (await get(`${api}/1/datasets/?private=true&page_size=100`, { "x-api-key": API_KEY })).json();
    expect(listed.data.map((d: any) => d.id)).toContain(draft.id);
    expect((await get(`${api}/1/datasets/?page_size=100`)).json().data.map((d: any) => d.id)).not.toContain(draft.id);
    expect((await json("DELETE", `${api}/1/datasets/${draft.id}/`, {})).status).toBe(204);
    expect((await get(`${api}/1/datasets/${draft.id}/`, { "x-api-key": API_KEY })).status).toBe(200);
    expect((await json("DELETE", `${api}/1/datasets/${draft.id}/`, {})).status).toBe(410);
    expect((await json("PUT", `${api}/1/datasets/${draft.id}/`, { title: "Brouillon" })).status).toBe(410);
    const restored = await json("PUT", `${api}/1/datasets/${draft.id}/`, { deleted: null, private: false });
    expect(restored.status).toBe(200);
    expect((await get(`${api}/1/datasets/${draft.id}/`)).status).toBe(200);
  });

  it("POST resources only takes remote ones (400 'This endpoint only supports remote resources'); the file type cannot change", async () => {
    const dataset = await (
      await json("POST", `${api}/1/datasets/`, { title: "Liens", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const file = await json("POST", `${api}/1/datasets/${dataset.id}/resources/`, {
      title: "x",
      url: "https://example.org/x.csv",
    });
    expect(file.status).toBe(400);
    expect(await file.json()).toEqual({ message: "This endpoint only supports remote resources" });
    const remote = await (
      await json("POST", `${api}/1/datasets/${dataset.id}/resources/`, {
        title: "x",
        url: "https://example.org/x.csv",
        filetype: "remote",
      })
    ).json();
    const changed = await json("PUT", `${api}/1/datasets/${dataset.id}/resources/${remote.id}/`, { filetype: "file" });
    expect(changed.status).toBe(400);
    expect((await changed.json()).message).toBe("Cannot modify filetype after creation");
  });

  it("reordering resources needs every one of them: 400 'All resources must be reordered, you provided 1 out of 2'", async () => {
    const dataset = await (
      await json("POST", `${api}/1/datasets/`, { title: "Ordre", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const ids = [];
    for (const title of ["a", "b"])
      ids.push(
        (
          await (
            await json("POST", `${api}/1/datasets/${dataset.id}/resources/`, {
              title,
              url: `https://example.org/${title}`,
              filetype: "remote",
            })
          ).json()
        ).id,
      );
    const partial = await json("PUT", `${api}/1/datasets/${dataset.id}/resources/`, [ids[0]]);
    expect(partial.status).toBe(400);
    expect((await partial.json()).message).toBe("All resources must be reordered, you provided 1 out of 2");
    const reordered = await (await json("PUT", `${api}/1/datasets/${dataset.id}/resources/`, [ids[1], ids[0]])).json();
    expect(reordered.map((r: any) => r.id)).toEqual([ids[1], ids[0]]);
  });

  it("replacing a resource's file keeps its id; the Tabular API serves the new rows; deleting it removes the table and the redirect", async () => {
    const dataset = await (
      await json("POST", `${api}/1/datasets/`, { title: "Relevés", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const upload = (rid: string | null, text: string, filename: string) => {
      const form = new FormData();
      form.append("file", new Blob([text], { type: "text/csv" }), filename);
      const path = rid ? `resources/${rid}/upload/` : "upload/";
      return fetch(`${api}/1/datasets/${dataset.id}/${path}`, {
        method: "POST",
        headers: { "x-api-key": API_KEY },
        body: form,
      });
    };
    const first = await (await upload(null, "x,y\n1,2\n", "releves.csv")).json();
    expect(first).toMatchObject({
      title: "releves.csv",
      filetype: "file",
      format: "csv",
      checksum: { type: "sha1", value: createHash("sha1").update("x,y\n1,2\n").digest("hex") },
    });
    const replaced = await upload(first.id, "x,y\n3,4\n5,6\n", "releves-2.csv");
    expect(replaced.status).toBe(200);
    const second = await replaced.json();
    expect(second.id).toBe(first.id);
    expect(second.title).toBe("releves-2.csv");
    expect(second.checksum.value).not.toBe(first.checksum.value);
    const rows = (await get(`${env.sandbox.url}/tabular/api/resources/${first.id}/data/`)).json();
    expect(rows.data.map((r: any) => r.x)).toEqual([3, 5]);
    expect((await json("DELETE", `${api}/1/datasets/${dataset.id}/resources/${first.id}/`, {})).status).toBe(204);
    expect((await get(`${env.sandbox.url}/tabular/api/resources/${first.id}/data/`)).status).not.toBe(200);
    expect((await fetch(`${api}/1/datasets/r/${first.id}`, { redirect: "manual" })).status).toBe(404);
  });

  it("an HTML upload is refused: 415 'Incorrect file content type: HTML'", async () => {
    const dataset = await (
      await json("POST", `${api}/1/datasets/`, { title: "Pages", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const form = new FormData();
    form.append("file", new Blob(["<html></html>"], { type: "text/html" }), "page.html");
    const response = await fetch(`${api}/1/datasets/${dataset.id}/upload/`, {
      method: "POST",
      headers: { "x-api-key": API_KEY },
      body: form,
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ message: "Incorrect file content type: HTML" });
  });

  it("the Metrics API follows the catalog: a new dataset has its metrics rows", async () => {
    const created = await (
      await json("POST", `${api}/1/datasets/`, { title: "Mesuré", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const rows = (await get(`${env.sandbox.url}/metrics/api/datasets/data/?dataset_id__exact=${created.id}`)).json();
    expect(rows.data.length).toBeGreaterThan(0);
    expect(rows.data.every((r: any) => r.dataset_id === created.id)).toBe(true);
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
