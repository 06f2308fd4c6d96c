import { afterEach, describe, expect, it } from "vitest";
import { DataGouv } from "../../lib/index.ts";
import { sendJson, startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer | undefined;
let dg: DataGouv | undefined;
const warnings: string[] = [];

afterEach(async () => {
  await dg?.close();
  await server?.close();
  dg = server = undefined;
  warnings.length = 0;
});

function client(url: string): DataGouv {
  dg = new DataGouv({ sandboxUrl: url, retry: { retries: 0 }, logger: { warn: (m) => warnings.push(m) } }, {});
  return dg;
}

/** A udata-like list endpoint over `total` numbered items, with absolute next_page links built from the request. */
function pager(total: number, base: string) {
  return (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const url = new URL(req.url!, base);
    const page = Number(url.searchParams.get("page") ?? 1);
    const size = Number(url.searchParams.get("page_size") ?? 20);
    const start = (page - 1) * size;
    if (page > 1 && start >= total)
      return sendJson(res, 404, { message: "The requested URL was not found on the server." });
    const data = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => ({
      id: `d${start + i}`,
      title: `Dataset ${start + i}`,
      slug: `dataset-${start + i}`,
      resources: url.pathname.startsWith("/api/2/") ? { rel: "subsection", href: "x", type: "GET", total: 0 } : [],
    }));
    const next = start + size < total ? new URL(url) : null;
    next?.searchParams.set("page", String(page + 1));
    sendJson(res, 200, {
      data,
      page,
      page_size: size,
      total,
      next_page: next?.toString() ?? null,
      previous_page: null,
    });
  };
}

describe("Main API requests as udata expects them", () => {
  it("v1 list: filters and sort land as query parameters; repeated tags repeat the key", async () => {
    server = await startTestServer((req, res) => pager(3, server!.url)(req, res));
    const items = await client(server.url)
      .datasets.list({ q: "transport", tag: ["bus", "train"], organization: "abc", sort: "-views", featured: true })
      .all();
    expect(items).toHaveLength(3);
    const url = new URL(server.requests[0].url, server.url);
    expect(url.pathname).toBe("/api/1/datasets/");
    expect(url.searchParams.getAll("tag")).toEqual(["bus", "train"]);
    expect(url.searchParams.get("sort")).toBe("-views");
    expect(url.searchParams.get("featured")).toBe("true");
    expect(url.searchParams.get("q")).toBe("transport");
  });

  it("pagination follows next_page and stops when it is null: v1's 404 past the end is never requested", async () => {
    server = await startTestServer((req, res) => pager(45, server!.url)(req, res));
    const ids = [];
    for await (const ds of client(server.url).datasets.list({}, { pageSize: 20 })) ids.push(ds.id);
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    expect(server.requests).toHaveLength(3);
  });

  it("limit stops early without fetching further pages", async () => {
    server = await startTestServer((req, res) => pager(100, server!.url)(req, res));
    const items = await client(server.url).datasets.list({}, { pageSize: 20, limit: 25 }).all();
    expect(items).toHaveLength(25);
    expect(server.requests).toHaveLength(2);
  });

  it("X-Fields masks are sent as the X-Fields header", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { id: "x", title: "t" }));
    await client(server.url).datasets.get("x", { fields: "id,title" });
    expect(server.requests[0].headers["x-fields"]).toBe("id,title");
  });

  it("v2 search stops at the 10,000-result window with a warning", async () => {
    server = await startTestServer((req, res) => pager(20_000, server!.url)(req, res));
    let count = 0;
    for await (const _ of client(server.url).datasets.search({ q: "x" }, { pageSize: 5000 })) count++;
    expect(count).toBe(10_000);
    expect(server.requests).toHaveLength(2);
    expect(warnings.join()).toMatch(/stop at 10000/);
  });

  it("asking for a page beyond the window is refused before any request", async () => {
    server = await startTestServer((req, res) => pager(20_000, server!.url)(req, res));
    expect(() => client(server!.url).datasets.search({}, { page: 201, pageSize: 50 })).toThrow(/stop at 10000/);
    expect(server.requests).toHaveLength(0);
  });

  it("one resource by id through v2, with its dataset id", async () => {
    server = await startTestServer((_req, res) =>
      sendJson(res, 200, { resource: { id: "r1", title: "R", url: "http://x/r1.csv" }, dataset_id: "d1" }),
    );
    const found = await client(server.url).datasets.resource("r1");
    expect(found.dataset_id).toBe("d1");
    expect(server.requests[0].url).toBe("/api/2/datasets/resources/r1/");
  });

  it("a dataservice's OpenAPI document comes from its machine_documentation_url, without the API key", async () => {
    server = await startTestServer((req, res) => {
      if (req.url === "/openapi.yaml") {
        res.writeHead(200, { "content-type": "application/yaml" });
        res.end("openapi: 3.0.0\ninfo:\n  title: Adresse\n");
      } else
        sendJson(res, 200, {
          id: "s1",
          title: "API Adresse",
          machine_documentation_url: `${server!.url}/openapi.yaml`,
        });
    });
    dg = new DataGouv({ sandboxUrl: server.url, apiKey: "secret" }, {});
    const doc = await dg.dataservices.openapi("s1");
    expect((doc.info as { title: string }).title).toBe("Adresse");
    expect(server.requests[1].headers["x-api-key"]).toBeUndefined();
  });

  it("the site-wide exports are byte streams", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/csv" });
      res.end('"id";"title"\n"1";"A"\n');
    });
    const response = await client(server.url).site.export("datasets");
    expect(await response.body.text()).toContain('"id";"title"');
    expect(server.requests[0].url).toBe("/api/1/site/datasets.csv");
  });
});
