import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { Duck } from "../../lib/duckdb/index.ts";
import { cachedDownload } from "../../lib/duckdb/cache.ts";
import type { Logger } from "../../lib/http/index.ts";
import type { TabularQuery } from "../../lib/tabular/index.ts";
import { testSandbox } from "../support/sandbox.ts";

/** A file host outside data.gouv.fr (where most resources live): validators, and a log of what it was asked. */
const FILE =
  "code_insee;libellé;population;chef-lieu\n01001;L'Abergement-Clémenciat;776;false\n01002;L'Abergement-de-Varey;248;false\n01053;Bourg-en-Bresse;41365;true\n";
const ETAG = '"v1-communes"';
const LAST_MODIFIED = "Tue, 01 Oct 2024 08:00:00 GMT";
const asked: { path: string; headers: IncomingHttpHeaders; status: number }[] = [];

function serveFiles(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url!;
    // /etag.csv carries an ETag; /dated.csv only a Last-Modified date
    const validators: Record<string, string> =
      path === "/etag.csv" ? { etag: ETAG } : { "last-modified": LAST_MODIFIED };
    const fresh =
      path === "/etag.csv"
        ? request.headers["if-none-match"] === ETAG
        : request.headers["if-modified-since"] === LAST_MODIFIED;
    const status = fresh ? 304 : 200;
    asked.push({ path, headers: request.headers, status });
    response.writeHead(status, { ...validators, ...(fresh ? {} : { "content-type": "text/csv" }) });
    response.end(fresh ? undefined : FILE);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let env: Awaited<ReturnType<typeof testSandbox>>;
let files: Server;
let dir: string;
let external: TabularQuery;
let filesUrl: string;

const recorder = () => {
  const lines: string[] = [];
  const logger: Logger = { warn: (line) => lines.push(line), info: (line) => lines.push(line) };
  return { lines, logger };
};

beforeAll(async () => {
  env = await testSandbox({ tabular: { bigRows: 1_000 } });
  files = await serveFiles();
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), "datagouv-modes-test-"));
  // a resource described on the Main API whose file lives elsewhere: the Tabular API does not serve it
  const dataset = await env.dg.http.json<{ id: string }>("main", "api/1/datasets/", {
    method: "POST",
    json: { title: "Communes de l'Ain", organization: SEED_TABULAR[0].organizationId },
    auth: true,
  });
  const resource = await env.dg.http.json<{ id: string }>("main", `api/1/datasets/${dataset.id}/resources/`, {
    method: "POST",
    json: { title: "communes.csv", url: `${filesUrl}/etag.csv`, format: "csv", filetype: "remote" },
    auth: true,
  });
  external = env.dg.tabular(resource.id);
});
afterAll(async () => {
  await env.close();
  await new Promise((resolve) => files.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("auto mode picks where a query runs, and says so", () => {
  it("a resource the Tabular API does not serve runs locally on its file, typed from the content (codes keep their zeros)", async () => {
    const { lines, logger } = recorder();
    const table = await external
      .where("population", "strictly_less", 1000)
      .toArrow({ mode: "auto", logger, cacheDir: join(dir, "auto") });
    expect(lines[0]).toMatch(
      /^running locally with DuckDB on the resource's file \(the Tabular API does not serve this resource\)/,
    );
    expect(lines[1]).toBe(`downloaded the file: ${filesUrl}/etag.csv`);
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      __id: "Int32",
      code_insee: "Utf8",
      libellé: "Utf8",
      population: "Int32",
      "chef-lieu": "Bool",
    });
    expect(table.getChild("code_insee")!.toArray()).toEqual(["01001", "01002"]);
  });

  it("remote mode on that resource is the Tabular API's 404, not a silent fallback", async () => {
    await expect(external.toArrow({ mode: "remote" })).rejects.toMatchObject({ status: 404 });
  });

  it("an aggregation the API refuses (resource not in its allow-list) runs locally; one it serves stays remote", async () => {
    const departements = env.dg
      .tabular(SEED_TABULAR[1].resourceId)
      .groupBy("code_region")
      .aggregate("code_departement", "count")
      .sort("code_region", "asc");
    const refused = recorder();
    const table = await departements.toArrow({ mode: "auto", logger: refused.logger, cacheDir: join(dir, "auto") });
    expect(refused.lines[0]).toMatch(/locally .*\(the Tabular API does not aggregate this resource\)/);
    expect(table.getChild("code_region")!.get(0)).toBe("01");
    expect(
      Number(
        table
          .getChild("code_departement__count")!
          .toArray()
          .reduce((a: bigint, b: bigint) => a + b, 0n),
      ),
    ).toBe(109);

    const served = recorder();
    const communes = await env.dg
      .tabular(SEED_TABULAR[0].resourceId)
      .where("code_departement", "exact", "01")
      .toArrow({ mode: "auto", logger: served.logger });
    expect(served.lines).toHaveLength(1);
    expect(served.lines[0]).toMatch(/^running remotely on the Tabular API \(the Tabular API serves this resource\)/);
    expect(communes.numRows).toBeGreaterThan(300);
  });

  it("an aggregation means the same locally and remotely, where the API allows it", async () => {
    const query = env.dg
      .tabular("aaaaaaaa-1111-bbbb-2222-cccccccccccc")
      .groupBy("is_true")
      .aggregate("decompte", "sum")
      .aggregate("score", "max")
      .aggregate("id", "count")
      .sort("is_true", "asc");
    const remote = await query.toArrow();
    const local = await query.toArrow({ mode: "local", logger: recorder().logger, cacheDir: join(dir, "auto") });
    const plain = (t: typeof remote) =>
      JSON.parse(
        JSON.stringify(
          t.toArray().map((r) => r.toJSON()),
          (_k, v) => (typeof v === "bigint" ? Number(v) : v),
        ),
      );
    expect(local.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(
      remote.schema.fields.map((f) => `${f.name}:${f.type}`),
    );
    expect(plain(local)).toEqual(plain(remote));
  });

  it("Metrics have no file to run on: local mode is refused with what to use instead", async () => {
    await expect(env.dg.metrics("site").toArrow({ mode: "local" })).rejects.toThrow(/Metrics API only.*mode "remote"/);
  });
});

describe("downloads are cached by URL and revalidated", () => {
  it("ETag: the second run sends If-None-Match, the 304 reuses the copy; refresh fetches it again", async () => {
    const cacheDir = join(dir, "etag");
    const run = async (refresh?: boolean) => {
      const { lines, logger } = recorder();
      const rows = (await external.toArrow({ mode: "local", logger, cacheDir, refresh })).numRows;
      return { rows, line: lines[0], request: asked.at(-1)! };
    };
    const first = await run();
    expect([first.rows, first.request.status, first.request.headers["if-none-match"]]).toEqual([3, 200, undefined]);
    const second = await run();
    expect([second.rows, second.request.status, second.request.headers["if-none-match"]]).toEqual([3, 304, ETAG]);
    expect(second.line).toMatch(/^using the cached file \(unchanged on the server\)/);
    const refreshed = await run(true);
    expect([refreshed.rows, refreshed.request.status, refreshed.request.headers["if-none-match"]]).toEqual([
      3,
      200,
      undefined,
    ]);
  });

  it("Last-Modified alone: If-Modified-Since, and 304 means reuse", async () => {
    const cacheDir = join(dir, "dated");
    expect((await cachedDownload(env.dg.http, `${filesUrl}/dated.csv`, { dir: cacheDir })).status).toBe("downloaded");
    const again = await cachedDownload(env.dg.http, `${filesUrl}/dated.csv`, { dir: cacheDir });
    expect(again.status).toBe("revalidated");
    expect(asked.at(-1)!.headers["if-modified-since"]).toBe(LAST_MODIFIED);
  });

  it("the cache is keyed by URL and query string: another query is another file", async () => {
    const cacheDir = join(dir, "keys");
    const a = await cachedDownload(env.dg.http, `${filesUrl}/dated.csv?millesime=2024`, { dir: cacheDir });
    const b = await cachedDownload(env.dg.http, `${filesUrl}/dated.csv?millesime=2025`, { dir: cacheDir });
    expect([a.status, b.status]).toEqual(["downloaded", "downloaded"]);
    expect(a.file).not.toBe(b.file);
  });

  it("DATAGOUV_CACHE_DIR is the default cache directory", async () => {
    const cacheDir = join(dir, "from-env");
    const previous = process.env.DATAGOUV_CACHE_DIR;
    process.env.DATAGOUV_CACHE_DIR = cacheDir;
    try {
      const { file } = await cachedDownload(env.dg.http, `${filesUrl}/dated.csv?env`);
      expect(file.startsWith(cacheDir)).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.DATAGOUV_CACHE_DIR;
      else process.env.DATAGOUV_CACHE_DIR = previous;
    }
  });
});

describe("local results into DuckDB", () => {
  it("the same schema as a remote export into DuckDB", async () => {
    const duck = await Duck.memory();
    try {
      const query = env.dg
        .tabular("aaaaaaaa-1111-bbbb-2222-cccccccccccc")
        .where("decompte", "less", 10)
        .columns(["id", "score", "decompte", "is_true", "birth", "liste"]);
      await query.toDuckDB(duck.connection, "remote");
      await query.toDuckDB(duck.connection, "local", {
        mode: "local",
        logger: recorder().logger,
        cacheDir: join(dir, "auto"),
      });
      const describe = (table: string) =>
        duck.all<{ column_name: string; column_type: string }>(
          `SELECT column_name, data_type AS column_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`,
          [table],
        );
      expect(await describe("local")).toEqual(await describe("remote"));
      const [{ differ }] = await duck.all<{ differ: number }>(
        "SELECT count(*)::INTEGER AS differ FROM ((SELECT * FROM remote EXCEPT ALL SELECT * FROM local) UNION ALL (SELECT * FROM local EXCEPT ALL SELECT * FROM remote))",
      );
      expect(differ).toBe(0);
    } finally {
      duck.close();
    }
  });
});
