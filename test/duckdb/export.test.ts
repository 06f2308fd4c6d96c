import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { BIG_RESOURCE_ID, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { Duck, planWindows, type Progress } from "../../lib/duckdb/index.ts";
import { cachedDownload } from "../../lib/duckdb/cache.ts";
import { loadResource, localSql } from "../../lib/duckdb/local.ts";
import { eq, gte, lte } from "../../lib/query/index.ts";
import type { TabularQuery } from "../../lib/tabular/index.ts";
import { testSandbox } from "../support/sandbox.ts";

const CAP = 4_000;
let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
let duck: Duck;

beforeAll(async () => {
  env = await testSandbox({ tabular: { bigRows: 25_000, streamCap: CAP } });
  dir = await mkdtemp(join(tmpdir(), "datagouv-export-test-"));
  duck = await Duck.memory();
});
afterAll(async () => {
  duck.close();
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every row by paginating /data/ at the maximum page size: the reference an export must equal. */
async function paginated(query: TabularQuery) {
  const rows: Record<string, unknown>[] = [];
  for await (const row of query.rows({ pageSize: 200 })) rows.push(row);
  return rows;
}

const parquetRows = async (file: string) => duck.all<Record<string, unknown>>(`SELECT * FROM read_parquet('${file}')`);
const plain = (rows: Record<string, unknown>[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString().slice(0, 10) : v,
      ]),
    ),
  );

describe("exports beyond the stream cap", () => {
  it("are split into __id windows that each fit under the cap", async () => {
    const windows = await planWindows(env.dg.tabular(BIG_RESOURCE_ID), CAP);
    expect(windows.length).toBeGreaterThan(5);
    // dense ids: windows of at most CAP ids, which cannot pass the cap, need no count
    expect(windows.every((w) => w.to! - w.from! <= CAP && w.count === undefined)).toBe(true);
    expect(windows[0].from).toBe(1);
    expect(windows.at(-1)!.to).toBe(25_001);
  });

  it("equal, row for row, what paginating /data/ returns (Parquet; the cap learnt from the server's 403)", async () => {
    const query = env.dg.tabular(BIG_RESOURCE_ID);
    const file = join(dir, "big.parquet");
    const labels = new Set<string>();
    expect(await query.toParquet(file, { progress: (p) => labels.add(p.label) })).toBe(25_000);
    // 403 "The output has more than 4000 rows": windows of at most 4,000 ids
    expect([...labels]).toEqual([`${BIG_RESOURCE_ID} (7 windows)`]);
    const exported = plain(await parquetRows(file));
    const reference = plain(await paginated(query));
    expect(exported).toEqual(reference);
  });

  it("a window whose count passes the cap is halved until each fits (rows bunched at both ends of the ids)", async () => {
    const query = env.dg.tabular(BIG_RESOURCE_ID).or(lte("__id", 3_000), gte("__id", 23_001));
    const windows = await planWindows(query, 1_000);
    expect(windows.every((w) => w.count! <= 1_000)).toBe(true);
    expect(windows.reduce((n, w) => n + w.count!, 0)).toBe(5_000);
    // windows follow each other in __id order, without overlap
    for (let i = 1; i < windows.length; i++) expect(windows[i].from).toBeGreaterThanOrEqual(windows[i - 1].to!);
    const table = await query.columns(["__id"]).toArrow({ cap: 1_000 });
    const ids = Array.from(table.getChild("__id")!.toArray() as Int32Array);
    expect(ids).toEqual([
      ...Array.from({ length: 3_000 }, (_, i) => i + 1),
      ...Array.from({ length: 2_000 }, (_, i) => i + 23_001),
    ]);
  });

  it("progress reports bytes as they arrive and rows as windows complete", async () => {
    const seen: Progress[] = [];
    await env.dg
      .tabular(BIG_RESOURCE_ID)
      .where("__id", "less", 10_000)
      .toParquet(join(dir, "progress.parquet"), { cap: CAP, progress: (p) => seen.push({ ...p }) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)!.rows).toBe(10_000);
    expect(seen.at(-1)!.label).toMatch(new RegExp(`^${BIG_RESOURCE_ID} \\([2-9] windows\\)$`));
    // the rows come as CSV, each line over 40 bytes
    expect(seen.at(-1)!.bytes).toBeGreaterThan(10_000 * 40);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytes).toBeGreaterThanOrEqual(seen[i - 1].bytes);
  });

  it("decoded as bytes arrive (no cap given, learnt from the 403): Arrow equals the paginated rows, values and types", async () => {
    const query = env.dg
      .tabular(BIG_RESOURCE_ID)
      .where("statut", "differs", "estimé")
      .columns(["compteur", "date_releve", "consommation_kwh", "anomalie"]);
    const seen = new Set<string>();
    const table = await query.toArrow({ progress: (p) => seen.add(p.label) });
    expect([...seen].some((label) => / \(\d+ windows\)$/.test(label))).toBe(true);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "compteur:Utf8",
      "date_releve:Date32<DAY>",
      "consommation_kwh:Float64",
      "anomalie:Bool",
    ]);
    const reference = await paginated(query);
    expect(table.numRows).toBe(reference.length);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const rows = table.toArray().map((r) => r.toJSON());
    expect(rows.map((r) => [r.compteur, day(r.date_releve as number), r.consommation_kwh, r.anomalie])).toEqual(
      reference.map((r) => [r.compteur, r.date_releve, r.consommation_kwh, r.anomalie]),
    );
  });

  it("keep the query's filters and sort across windows", async () => {
    const query = env.dg
      .tabular(BIG_RESOURCE_ID)
      .where("code_departement", "in", ["01", "13", "75"])
      .where("statut", "differs", "estimé")
      .sort("consommation_kwh", "desc");
    const table = await query.toArrow({ cap: 500 });
    const reference = await paginated(query);
    expect(table.numRows).toBe(reference.length);
    expect(table.numRows).toBeGreaterThan(500);
    expect(table.getChild("__id")!.toArray().slice(0, 50)).toEqual(
      Int32Array.from(reference.slice(0, 50).map((r) => r.__id as number)),
    );
  });
});

describe("typed from the resource's profile", () => {
  it("Parquet: codes stay text with their leading zeros, dates are dates, booleans booleans", async () => {
    const file = join(dir, "communes.parquet");
    await env.dg.tabular(SEED_TABULAR[0].resourceId).where("code_departement", "exact", "01").toParquet(file);
    const types = await duck.all<{ column_name: string; column_type: string }>(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`,
    );
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      code_commune: "VARCHAR",
      code_departement: "VARCHAR",
      population: "BIGINT",
    });
    const [first] = await parquetRows(file);
    expect(first.code_commune).toBe("01001");
    const big = join(dir, "typed.parquet");
    await env.dg.tabular(BIG_RESOURCE_ID).where("__id", "less", 10).toParquet(big);
    const bigTypes = await duck.all<{ column_name: string; column_type: string }>(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${big}'))`,
    );
    expect(Object.fromEntries(bigTypes.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      date_releve: "DATE",
      anomalie: "BOOLEAN",
      consommation_kwh: "DOUBLE",
    });
  });

  it("Arrow: types from the profile, hostile column names kept, NULLs as nulls, json as text", async () => {
    const hostile = await env.dg.tabular("dddddddd-3333-eeee-4444-ffffffffffff").toArrow();
    expect(hostile.schema.fields.map((f) => f.name)).toContain('nom "propre"');
    const nulls = await env.dg.tabular("dddddddd-1111-eeee-1212-ffffffffffff").toArrow();
    expect(String(nulls.schema.fields.find((f) => f.name === "birth")!.type)).toBe("Date32<DAY>");
    expect(nulls.getChild("decompte")!.nullCount).toBeGreaterThan(0);
    expect(typeof nulls.getChild("liste")!.get(0)).toBe("string");
  });

  it("Arrow IPC files and DuckDB tables from the same query agree", async () => {
    const query = env.dg
      .tabular("aaaaaaaa-1111-bbbb-2222-cccccccccccc")
      .where("decompte", "less", 20)
      .columns(["id", "score"]);
    const file = join(dir, "q.arrow");
    const rows = await query.toIpc(file);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    expect(await query.toDuckDB(connection, "q")).toBe(rows);
    const { tableFromIPC } = await import("apache-arrow");
    const { readFileSync } = await import("node:fs");
    const table = tableFromIPC(readFileSync(file));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "score"]);
    const reader = await connection.runAndReadAll("SELECT id FROM q");
    expect(reader.getRowObjectsJS().map((r) => r.id)).toEqual(table.getChild("id")!.toArray());
    connection.closeSync();
    instance.closeSync();
  });

  it("Metrics CSV into DuckDB: metric_month as a month (DATE), counts as integers", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const n = await env.dg.metrics("site").toDuckDB(connection, "site");
    const reader = await connection.runAndReadAll(
      "SELECT typeof(metric_month) AS m, typeof(monthly_visit_dataset) AS v, min(metric_month)::VARCHAR AS first FROM site GROUP BY ALL",
    );
    expect(reader.getRowObjectsJS()).toEqual([{ m: "DATE", v: "BIGINT", first: "2023-01-01" }]);
    expect(n).toBe(await env.dg.metrics("site").count());
    connection.closeSync();
    instance.closeSync();
  });
});

describe("Metrics CSV into Arrow", () => {
  it("progress counts the CSV's rows, not its header", async () => {
    const seen: Progress[] = [];
    const table = await env.dg.metrics("site").toArrow({ progress: (p) => seen.push({ ...p }) });
    expect(seen.at(-1)!.rows).toBe(table.numRows);
    expect(table.numRows).toBeGreaterThan(12);
  });

  it("metric_month as a date (the first of the month), counts as 64-bit integers, in the API's order", async () => {
    const table = await env.dg.metrics("site").months("2024-01", "2024-06").toArrow();
    expect(String(table.schema.fields.find((f) => f.name === "metric_month")!.type)).toBe("Date32<DAY>");
    expect(String(table.schema.fields.find((f) => f.name === "monthly_visit_dataset")!.type)).toBe("Int64");
    expect(
      Array.from({ length: table.numRows }, (_, i) =>
        new Date(table.getChild("metric_month")!.get(i) as number).toISOString().slice(0, 10),
      ),
    ).toEqual(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01"]);
  });
});

describe("nothing half-written", () => {
  it("a connection cut mid-stream fails with a clear error and leaves no file behind", async () => {
    const target = join(dir, "cut", "out.parquet");
    // Parquet is written from the CSV stream
    env.sandbox.faults.set("/tabular/api/resources/*/data/csv/:reset-after=3000");
    try {
      await expect(
        env.dg.tabular(SEED_TABULAR[0].resourceId).where("code_departement", "exact", "01").toParquet(target),
      ).rejects.toThrow(/cut off|terminated|socket|closed/i);
    } finally {
      env.sandbox.faults.clear();
    }
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(dir, "cut")) ? readdirSync(join(dir, "cut")) : []).toEqual([]);
  });

  for (const [how, options] of [
    ["decoded as it arrives", {}],
    ["spooled first", { cap: CAP }],
  ] as const) {
    it(`the same for Arrow IPC past the cap (${how}), with an earlier file of that name kept intact`, async () => {
      const target = join(dir, `cut-ipc-${options.cap ?? "live"}`, "out.arrow");
      await env.dg.tabular(SEED_TABULAR[2].resourceId).toIpc(target);
      const before = readFileSync(target);
      env.sandbox.faults.set("/tabular/api/resources/*/data/json/:reset-after=50000");
      try {
        await expect(env.dg.tabular(BIG_RESOURCE_ID).toIpc(target, options)).rejects.toThrow(
          /cut off|terminated|socket|closed/i,
        );
      } finally {
        env.sandbox.faults.clear();
      }
      expect(readFileSync(target).equals(before)).toBe(true);
      expect(readdirSync(dirname(target))).toEqual(["out.arrow"]);
    });
  }
});

describe("local execution means what the remote query means", () => {
  const TEST = "aaaaaaaa-1111-bbbb-2222-cccccccccccc";
  const queries: [string, (q: TabularQuery) => TabularQuery][] = [
    ["exact", (q) => q.where("decompte", "exact", 42)],
    ["differs (NULLs kept)", (q) => q.where("decompte", "differs", 42)],
    ["isnull", (q) => q.where("birth", "isnull")],
    ["isnotnull", (q) => q.where("birth", "isnotnull")],
    ["contains (case-insensitive)", (q) => q.where("id", "contains", "AB")],
    ["notcontains", (q) => q.where("id", "notcontains", "ab")],
    ["in", (q) => q.where("decompte", "in", [1, 2, 3])],
    ["notin", (q) => q.where("decompte", "notin", [1, 2, 3])],
    ["less (inclusive)", (q) => q.where("score", "less", 0.5)],
    ["greater (inclusive)", (q) => q.where("birth", "greater", "1990-01-01")],
    ["strictly_less", (q) => q.where("decompte", "strictly_less", 10)],
    ["strictly_greater", (q) => q.where("decompte", "strictly_greater", 90)],
    ["or-group", (q) => q.or(eq("decompte", 1), lte("score", 0.01))],
    ["sort", (q) => q.where("decompte", "less", 5).sort("score", "desc")],
    ["boolean", (q) => q.where("is_true", "exact", true)],
  ];
  for (const [name, build] of queries) {
    it(`${name}: the same rows both ways, on the same resource`, async () => {
      const local = await loadResource(env.dg.http, TEST, duck, { dir: join(dir, "cache") });
      const query = build(env.dg.tabular(TEST));
      const { sql, params } = localSql(query, local);
      const localIds = (await duck.all<{ __id: bigint }>(`SELECT __id FROM (${sql})`, params)).map((r) =>
        Number(r.__id),
      );
      const remoteIds = (await paginated(query)).map((r) => r.__id);
      expect(localIds).toEqual(remoteIds);
    });
  }

  it("an aggregation the API refuses runs locally", async () => {
    const departements = SEED_TABULAR[1].resourceId;
    await expect(
      env.dg.tabular(departements).groupBy("code_region").aggregate("code_departement", "count").first(),
    ).rejects.toMatchObject({ status: 403 });
    const local = await loadResource(env.dg.http, departements, duck, { dir: join(dir, "cache") });
    const { sql, params } = localSql(
      env.dg.tabular(departements).groupBy("code_region").aggregate("code_departement", "count"),
      local,
    );
    const groups = await duck.all<{ code_region: string; code_departement__count: bigint }>(sql, params);
    expect(groups.reduce((n, g) => n + Number(g.code_departement__count), 0)).toBe(109);
    expect(groups.find((g) => g.code_region === "84")!.code_departement__count).toBe(12n);
  });

  it("downloads are revalidated with conditional requests: unchanged files are not fetched again", async () => {
    const url = `${env.sandbox.url}/sandbox/files/${SEED_TABULAR[2].resourceId}.csv`;
    const cache = join(dir, "cache-304");
    expect((await cachedDownload(env.dg.http, url, { dir: cache })).status).toBe("downloaded");
    expect((await cachedDownload(env.dg.http, url, { dir: cache })).status).toBe("revalidated");
    expect((await cachedDownload(env.dg.http, url, { dir: cache, refresh: true })).status).toBe("downloaded");
  });
});

describe("DuckDB's memory budget", () => {
  it("128MB unless given; a given size is DuckDB's memory_limit; anything else is refused before DuckDB starts", async () => {
    const setting = async (duck: Duck) => {
      try {
        const [{ limit }] = await duck.all<{ limit: string }>("SELECT current_setting('memory_limit') AS limit");
        return limit;
      } finally {
        duck.close();
      }
    };
    // DuckDB shows its limits in binary units: 128 MB is 122.0 MiB, 1 GB is 953.6 MiB
    expect(await setting(await Duck.memory())).toBe("122.0 MiB");
    expect(await setting(await Duck.memory("1GB"))).toBe("953.6 MiB");
    await expect(Duck.memory("lots")).rejects.toThrow(/memory limit "lots": expected a size such as 512MB/);
  });
});
