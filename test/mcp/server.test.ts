import { request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_ORGANIZATIONS, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { API_KEY, testSandbox } from "../support/sandbox.ts";
import { call, dataOf, overHttp, overStdio, textOf, type McpSession } from "./connect.ts";
import { READ_TOOLS, WRITE_TOOLS } from "./suite.ts";

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
const DEPARTEMENTS = SEED_TABULAR[1].resourceId;

beforeAll(async () => {
  env = await testSandbox();
  dir = await mkdtemp(join(tmpdir(), "datagouv-mcp-server-"));
});
afterAll(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

const TRANSPORTS = { stdio: overStdio, http: overHttp };

for (const [transport, connect] of Object.entries(TRANSPORTS)) {
  describe(`datagouv mcp over ${transport}: a slow or overloaded platform`, () => {
    let session: McpSession;
    beforeAll(async () => {
      session = await connect(["--output-dir", join(dir, transport), "--timeout", "2"], {
        DATAGOUV_SANDBOX_URL: env.sandbox.url,
      });
    });
    afterAll(async () => {
      env.sandbox.faults.clear();
      await session.close();
    });

    it("a platform that does not answer is a tool error at the call's deadline, not a hung call", async () => {
      env.sandbox.faults.set("/tabular/*:latency=15000");
      const started = Date.now();
      const answer = await call(session, "query_tabular", { resource_id: DEPARTEMENTS });
      env.sandbox.faults.clear();
      expect(answer.isError).toBe(true);
      expect(textOf(answer)).toBe(
        "query_tabular did not finish within 2 s and was stopped: the platform may be slow or overloaded; " +
          "retry later, or narrow the request",
      );
      expect(Date.now() - started).toBeLessThan(6_000);
      // and the server goes on answering
      expect(dataOf(await call(session, "query_tabular", { resource_id: DEPARTEMENTS })).total).toBe(109);
    });

    it("the platform's overload redirect is a tool error saying so, with the client's hint", async () => {
      env.sandbox.faults.set("/api/2/datasets/*:overload");
      const answer = await call(session, "search_datasets", { q: "communes" });
      env.sandbox.faults.clear();
      expect(answer.isError).toBe(true);
      expect(textOf(answer)).toMatch(
        new RegExp(
          "^Main API GET http://127\\.0\\.0\\.1:\\d+/api/2/datasets/search/\\?q=communes&page=1&page_size=20 " +
            "failed: 302 overloaded — redirected to .*sorry\\..*The platform is overloaded; retry later$",
        ),
      );
    });

    it("a server error carries the server's status and what to do", async () => {
      env.sandbox.faults.set("/api/1/datasets/*:status=500");
      const answer = await call(session, "get_dataset", { dataset: SEED_TABULAR[0].datasetId });
      env.sandbox.faults.clear();
      expect(textOf(answer)).toMatch(/failed: 500.*retry later/);
    });
  });

  describe(`datagouv mcp over ${transport}: publishing tools`, () => {
    it("are not listed without --allow-writes, nor without an API key", async () => {
      for (const [args, key] of [
        [[], API_KEY],
        [["--allow-writes"], undefined],
      ] as const) {
        const session = await connect(["--output-dir", join(dir, transport), ...args], {
          DATAGOUV_SANDBOX_URL: env.sandbox.url,
          ...(key ? { DATAGOUV_API_KEY: key } : {}),
        });
        try {
          const { tools } = await session.client.listTools();
          expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
          if (!key) expect(session.stderr()).toContain("--allow-writes without DATAGOUV_API_KEY");
          const refused = await call(session, "create_dataset", { title: "x", description: "x" });
          expect(textOf(refused)).toMatch(/Tool create_dataset not found/);
        } finally {
          await session.close();
        }
      }
    });
  });
}

describe("datagouv mcp --allow-writes with an API key", () => {
  let session: McpSession;
  const outputDir = () => join(dir, "writes");
  beforeAll(async () => {
    session = await overStdio(["--output-dir", outputDir(), "--allow-writes"], {
      DATAGOUV_SANDBOX_URL: env.sandbox.url,
      DATAGOUV_API_KEY: API_KEY,
    });
  });
  afterAll(() => session.close());

  it("lists the publishing tools, marked as writes", async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    for (const tool of tools.filter((t) => WRITE_TOOLS.includes(t.name))) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(false);
      expect(tool.outputSchema?.type).toBe("object");
    }
  });

  it("create a draft, upload an export, link a file, publish: as the library sees it", async () => {
    const created = dataOf(
      await call(session, "create_dataset", {
        title: "Départements d'Occitanie",
        description: "The départements of the Occitanie région, exported from the Tabular API.",
        organization: SEED_ORGANIZATIONS[2].id,
        license: "lov2",
        tags: ["departements"],
      }),
    );
    expect(created.private).toBe(true);
    const exported = dataOf(
      await call(session, "export_tabular", {
        resource_id: DEPARTEMENTS,
        where: [{ column: "code_region", op: "exact", value: "76" }],
        columns: ["code_departement", "nom_departement", "chef_lieu"],
        path: "occitanie.csv",
      }),
    );
    expect(exported.rows).toBe(13);
    const uploaded = dataOf(
      await call(session, "upload_resource", {
        dataset: created.id,
        path: "occitanie.csv",
        title: "Départements d'Occitanie",
        type: "main",
      }),
    );
    const linked = dataOf(
      await call(session, "add_resource_link", {
        dataset: created.id,
        title: "Code officiel géographique",
        url: "https://www.insee.fr/fr/information/2560452",
        type: "documentation",
      }),
    );
    dataOf(await call(session, "update_resource", { dataset: created.id, resource_id: linked.id, format: "html" }));
    const published = dataOf(await call(session, "update_dataset", { dataset: created.id, private: false }));
    expect(published.private).toBe(false);

    const dataset = await env.dg.datasets.get(created.id);
    expect(dataset.private).toBe(false);
    expect(dataset.organization?.id).toBe(SEED_ORGANIZATIONS[2].id);
    expect(dataset.resources!.map((r) => [r.id, r.title, r.type])).toEqual([
      [uploaded.id, "Départements d'Occitanie", "main"],
      [linked.id, "Code officiel géographique", "documentation"],
    ]);
    expect(dataset.resources![1].format).toBe("html");
    // the sandbox profiles an uploaded CSV and serves its rows, as the platform does
    expect(await env.dg.tabular(uploaded.id).count()).toBe(13);
  });

  it("refuse a wrong argument with a message naming it", async () => {
    const valid: Record<string, Record<string, unknown>> = {
      create_dataset: { title: "t", description: "d" },
      update_dataset: { dataset: "d" },
      add_resource_link: { dataset: "d", title: "t", url: "https://example.org/" },
      upload_resource: { dataset: "d", path: "x.csv" },
      update_resource: { dataset: "d", resource_id: "r" },
    };
    for (const name of WRITE_TOOLS) {
      const answer = await call(session, name, { ...valid[name], colour: "blue" });
      expect(textOf(answer)).toMatch(
        new RegExp(`Invalid arguments for tool ${name}:.*Unrecognized key.*"colour"`, "s"),
      );
    }
    const url = await call(session, "add_resource_link", { ...valid.add_resource_link, url: "not a url" });
    expect(textOf(url)).toMatch(/Invalid URL at url/);
  });

  it("uploads only files inside the output folder", async () => {
    for (const path of ["../../etc/passwd", "/etc/passwd", "missing.csv"]) {
      const answer = await call(session, "upload_resource", { dataset: SEED_TABULAR[1].datasetId, path });
      expect(answer.isError, path).toBe(true);
      expect(textOf(answer)).toMatch(/^Refused: .* files are read only inside the output folder/);
    }
  });

  it("a refusal of the platform comes back with its message and hint", async () => {
    const answer = await call(session, "update_dataset", { dataset: "5c4ae55a634f4117716d5656", title: "Not mine" });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/failed: 403.*is it a member of the owning organization\?/);
  });
});

describe("datagouv mcp --http", () => {
  let session: McpSession;
  beforeAll(async () => {
    session = await overHttp(["--output-dir", join(dir, "http"), "--allow-origin", "https://app.example"], {
      DATAGOUV_SANDBOX_URL: env.sandbox.url,
    });
  });
  afterAll(() => session.close());

  const initialize = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "probe", version: "1" } },
  });

  function post(headers: Record<string, string>, method = "POST"): Promise<{ status: number; body: string }> {
    const url = new URL(session.url!);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method,
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
        },
        (res) => {
          let body = "";
          res.on("data", (chunk) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on("error", reject);
      req.end(method === "POST" ? initialize : undefined);
    });
  }

  it("listens on 127.0.0.1 by default", () => {
    expect(session.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it("checks the Origin header: loopback pages and --allow-origin pass, any other origin gets 403", async () => {
    expect((await post({})).status).toBe(200);
    expect((await post({ origin: "http://localhost:5173" })).status).toBe(200);
    expect((await post({ origin: "https://app.example" })).status).toBe(200);
    const evil = await post({ origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.message).toBe("origin https://evil.example is not allowed");
  });

  it("refuses a Host header that is not loopback (DNS rebinding) and methods other than POST", async () => {
    expect((await post({ host: "evil.example" })).status).toBe(403);
    expect((await post({}, "GET")).status).toBe(405);
  });
});
