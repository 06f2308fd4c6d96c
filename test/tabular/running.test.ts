import { afterEach, describe, expect, it } from "vitest";
import { DataGouv } from "../../lib/index.ts";
import { sendJson, startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer | undefined;
let dg: DataGouv | undefined;

afterEach(async () => {
  await dg?.close();
  await server?.close();
  dg = server = undefined;
});

const rid = "aaaaaaaa-1111-bbbb-2222-cccccccccccc";

/** Answers /data/ like api-tabular over `total` rows, with a page_size maximum, recording what it was asked. */
function tabularPages(total: number, max: number) {
  return (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const url = new URL(req.url!, server!.url);
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const size = Number(url.searchParams.get("page_size") ?? 20);
    if (size > max)
      return sendJson(res, 400, {
        errors: [{ code: null, title: "Invalid query string", detail: `Page size exceeds allowed maximum: ${max}` }],
      });
    const offset = (page - 1) * size;
    const data = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, i) => ({
      __id: offset + i + 1,
    }));
    const keep = [...url.searchParams].filter(([k]) => !k.startsWith("page")).map(([k, v]) => `${k}=${v}`);
    const link = (p: number) =>
      `${server!.url}${url.pathname}?${[...keep, `page=${p}`, `page_size=${size}`].join("&")}`;
    sendJson(res, 200, {
      data,
      links: { next: size + offset >= total ? null : link(page + 1), prev: page <= 1 ? null : link(page - 1) },
      meta: { page, page_size: size, total },
    });
  };
}

function client(url: string): DataGouv {
  dg = new DataGouv({ sandboxUrl: url, retry: { retries: 0 }, logger: { warn() {} } }, {});
  return dg;
}

describe("running Tabular queries", () => {
  it("rows come page by page, each page asked for by number with the client's own query, in __id order", async () => {
    server = await startTestServer(tabularPages(450, 200));
    const rows = await client(server.url).tabular(rid).where("score", "greater", 0.5).all<{ __id: number }>();
    expect(rows.map((r) => r.__id)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(server.requests).toHaveLength(3);
    for (const request of server.requests) expect(request.url).toContain("score__greater=0.5");
    expect(server.requests.map((r) => r.url)).toEqual(
      [1, 2, 3].map((p) => `/tabular/api/resources/${rid}/data/?score__greater=0.5&page=${p}&page_size=200`),
    );
  });

  it("a page size above the server's maximum is lowered to the maximum its 400 names", async () => {
    server = await startTestServer(tabularPages(120, 50));
    const rows = await client(server.url).tabular(rid).all({ pageSize: 500 });
    expect(rows).toHaveLength(120);
    expect(server.requests[0].url).toContain("page_size=500");
    expect(server.requests[1].url).toContain("page_size=50");
  });

  it("limit stops after that many rows, asking for a small page (never page_size=1)", async () => {
    server = await startTestServer(tabularPages(1000, 200));
    expect(await client(server.url).tabular(rid).first(1)).toHaveLength(1);
    expect(server.requests[0].url).toContain("page_size=2");
  });

  it("count reads meta.total", async () => {
    server = await startTestServer(tabularPages(34946, 200));
    expect(await client(server.url).tabular(rid).count()).toBe(34946);
  });

  it("the JSON stream is the /data/json/ endpoint with the same filters", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('[{"__id":1}]\n');
    });
    const response = await client(server.url).tabular(rid).where("dep", "in", ["75", "92"]).json();
    expect(JSON.parse(await response.body.text())).toEqual([{ __id: 1 }]);
    // each in element quoted for PostgREST's list grammar
    expect(server.requests[0].url).toBe(`/tabular/api/resources/${rid}/data/json/?dep__in=%2275%22%2C%2292%22`);
  });
});

describe("running Metrics queries", () => {
  it("pages at the Metrics maximum (50) by default, on /metrics/api/{model}/data/", async () => {
    server = await startTestServer(tabularPages(60, 50));
    const rows = await client(server.url).metrics("datasets").where("dataset_id", "exact", "d1").all();
    expect(rows).toHaveLength(60);
    expect(server.requests[0].url).toBe("/metrics/api/datasets/data/?dataset_id__exact=d1&page=1&page_size=50");
  });
});

describe("Tabular metadata", () => {
  it("aggregation exceptions as production answers them (allowed: a list of rids)", async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { allowed: [rid], exceptions: ["other"] }));
    const api = client(server.url).tabularApi;
    expect(await api.aggregationAllowed(rid)).toBe(true);
    expect(await api.aggregationAllowed("nope")).toBe(false);
  });

  it("isTabular: from hydra's parsing-table extra, or confirmed by the profile endpoint (404 → no)", async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("404: Not Found");
    });
    const api = client(server.url).tabularApi;
    expect(await api.isTabular({ id: "r", extras: { "analysis:parsing:parsing_table": "abc" } })).toBe(true);
    expect(await api.isTabular({ id: "r", extras: {} })).toBe(false);
    expect(await api.isTabular({ id: "r" }, { confirm: true })).toBe(false);
  });
});
