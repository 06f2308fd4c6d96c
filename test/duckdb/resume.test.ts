import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableToIPC } from "apache-arrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DataGouv } from "../../lib/client.ts";
import type { ExportOptions } from "../../lib/tabular/export-engine.ts";
import { BIG_RESOURCE_ID, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { API_KEY, testSandbox } from "../support/sandbox.ts";

// 70,000 rows: one stream of them is more than a batch of 65,536 rows; exports past a cap of 10,000 take 7 windows
const ROWS = 70_000;
const CAP = 10_000;
const WINDOWS = ROWS / CAP;
const DATA = `/tabular/api/resources/${BIG_RESOURCE_ID}/data/`;

let env: Awaited<ReturnType<typeof testSandbox>>;
let dg: DataGouv;
let dir: string;
let cache: string;
let reference: Buffer;
const requests: { path: string; query: string }[] = [];
const lines: string[] = [];
const logger = { warn: (l: string) => lines.push(l), info: (l: string) => lines.push(l) };
const streamsAsked = (kind = "csv") => requests.filter((r) => r.path === `${DATA}${kind}/`).map((r) => r.query);

beforeAll(async () => {
  env = await testSandbox({
    tabular: { bigRows: ROWS, streamCap: 100_000 },
    apiKeys: [API_KEY],
    onRequest: (_method, path, query) => requests.push({ path, query: decodeURIComponent(query) }),
  });
  dg = new DataGouv(
    { sandboxUrl: env.sandbox.url, apiKey: API_KEY, retry: { retries: 2, minDelayMs: 5 }, logger: { warn() {} } },
    {},
  );
  dir = await mkdtemp(join(tmpdir(), "datagouv-resume-"));
  cache = join(dir, "cache");
  reference = await parquet(dg, "reference", {});
});
afterAll(async () => {
  await dg.close();
  await env.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  env.sandbox.faults.clear();
  requests.length = 0;
  lines.length = 0;
});

async function parquet(client: DataGouv, name: string, options: ExportOptions): Promise<Buffer> {
  const path = join(dir, `${name}.parquet`);
  await client.tabular(BIG_RESOURCE_ID).toParquet(path, { cacheDir: cache, logger, cap: CAP, ...options });
  return readFile(path);
}

/** What the cache holds for exports: the kept entry's files, by name. */
async function kept(): Promise<string[]> {
  const exports = join(cache, "exports");
  if (!existsSync(exports)) return [];
  const entries = await readdir(exports);
  expect(entries.length).toBeLessThanOrEqual(1);
  return entries.length ? (await readdir(join(exports, entries[0]))).sort() : [];
}

/** Fails the export at its `nth` stream with a 500 (never retried): the windows done by then are kept. */
async function failAt(nth: number): Promise<number> {
  env.sandbox.faults.set(`${DATA}csv/:status=500,nth=${nth}`);
  await expect(parquet(env.dg, "failed", {})).rejects.toMatchObject({ status: 500 });
  env.sandbox.faults.clear();
  const files = await kept();
  expect(files).toContain("plan.json");
  expect(files.filter((f) => f.endsWith(".tmp") || f === "lock")).toEqual([]);
  return files.filter((f) => /^window-\d+\.csv$/.test(f)).length;
}

describe("a window cut midway", () => {
  it("is asked for again alone, from its start: the Parquet file is byte for byte the fault-free one", async () => {
    // two windows at once: the 3rd stream asked for is the third window
    env.sandbox.faults.set(`${DATA}csv/:reset-after=4096,nth=3`);
    expect((await parquet(dg, "cut", {})).equals(reference)).toBe(true);
    const asked = streamsAsked();
    expect(asked).toHaveLength(WINDOWS + 1);
    const again = asked.filter((q, i) => asked.indexOf(q) !== i);
    expect(again).toEqual([asked[2]]);
    expect(again[0]).toMatch(/__id__greater=20001&__id__strictly_less=30001/);
    expect(await kept()).toEqual([]);
  });

  it("decoded as it arrives into Arrow: the rows already handed on are skipped, the table is the fault-free one", async () => {
    const query = () => dg.tabular(BIG_RESOURCE_ID);
    const before = tableToIPC(await query().toArrow({ cap: CAP }));
    env.sandbox.faults.set(`${DATA}json/:reset-after=100000,nth=3`);
    expect(Buffer.from(tableToIPC(await query().toArrow({ cap: CAP }))).equals(Buffer.from(before))).toBe(true);
  });

  it("decoded as it arrives, cut after its first batch of 65,536 rows: those are not handed on twice", async () => {
    const whole = await dg.tabular(BIG_RESOURCE_ID).toArrow();
    const bytes = (await (await dg.tabular(BIG_RESOURCE_ID).json()).body.arrayBuffer()).byteLength;
    requests.length = 0;
    // 97% of the bytes are past the first batch's rows (94% of them)
    env.sandbox.faults.set(`${DATA}json/:reset-after=${Math.floor(bytes * 0.97)},nth=1`);
    const again = await dg.tabular(BIG_RESOURCE_ID).toArrow();
    expect(streamsAsked("json")).toHaveLength(2);
    expect(again.numRows).toBe(ROWS);
    expect(Buffer.from(tableToIPC(again)).equals(Buffer.from(tableToIPC(whole)))).toBe(true);
  });
});

describe("an export cut short, run again", () => {
  it("fetches only the windows it lacks, says so, writes the fault-free file and empties the cache", async () => {
    const done = await failAt(5);
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(WINDOWS);
    expect(lines.join("\n")).toMatch(new RegExp(`kept ${done} of ${WINDOWS} windows .* fetches only the others`));
    requests.length = lines.length = 0;
    expect((await parquet(env.dg, "resumed", {})).equals(reference)).toBe(true);
    expect(lines.join("\n")).toMatch(new RegExp(`resuming ${BIG_RESOURCE_ID}: ${done} of ${WINDOWS} windows`));
    const asked = streamsAsked();
    expect(asked).toHaveLength(WINDOWS - done);
    for (const query of asked) expect(query).toMatch(/__id__greater=/);
    expect(await kept()).toEqual([]);
  });

  it("refresh starts over", async () => {
    await failAt(5);
    requests.length = 0;
    expect((await parquet(env.dg, "refreshed", { refresh: true })).equals(reference)).toBe(true);
    expect(streamsAsked()).toHaveLength(WINDOWS);
    expect(await kept()).toEqual([]);
  });

  it("a kept window that is not whole any more is fetched again", async () => {
    const done = await failAt(5);
    const entry = join(cache, "exports", (await readdir(join(cache, "exports")))[0]);
    await truncate(join(entry, "window-00000.csv"), 1000);
    requests.length = 0;
    expect((await parquet(env.dg, "mended", {})).equals(reference)).toBe(true);
    expect(streamsAsked()).toHaveLength(WINDOWS - done + 1);
    expect(streamsAsked()[0]).toMatch(/__id__greater=1&/);
  });

  it("resume: false keeps nothing", async () => {
    env.sandbox.faults.set(`${DATA}csv/:status=500,nth=5`);
    await expect(parquet(env.dg, "unkept", { resume: false })).rejects.toMatchObject({ status: 500 });
    expect(await kept()).toEqual([]);
  });

  it("starts over when the resource was loaded again since, even with as many rows", async () => {
    const dataset = await dg.datasets.create({
      title: "Relevés",
      description: "Deux versions",
      organization: SEED_TABULAR[0].organizationId,
    });
    const csv = join(dir, "releves.csv");
    const version = (n: number) =>
      writeFile(csv, `mois,valeur\n${Array.from({ length: 5_000 }, (_, i) => `${i % 12},${i * n}`).join("\n")}\n`);
    await version(1);
    const resource = await dg.datasets.uploadResource(dataset.id, csv);
    const path = `/tabular/api/resources/${resource.id}/data/csv/`;
    const target = join(dir, "releves.parquet");
    const run = (client: DataGouv) =>
      client.tabular(resource.id).toParquet(target, { cacheDir: cache, logger, cap: 1_000 });
    env.sandbox.faults.set(`${path}:status=500,nth=4`);
    await expect(run(env.dg)).rejects.toMatchObject({ status: 500 });
    env.sandbox.faults.clear();
    expect((await kept()).filter((f) => /^window-\d+\.csv$/.test(f)).length).toBeGreaterThanOrEqual(2);
    await version(2);
    await dg.datasets.uploadResource(dataset.id, csv, { resourceId: resource.id });
    requests.length = lines.length = 0;
    expect(await run(env.dg)).toBe(5_000);
    expect(lines.join("\n")).toMatch(/changed since its export was cut short: starting over/);
    expect(requests.filter((r) => r.path === path)).toHaveLength(5);
    const { Duck } = await import("../../lib/duckdb/index.ts");
    const duck = await Duck.memory();
    try {
      const [{ total }] = await duck.all<{ total: number }>(
        `SELECT sum(valeur)::DOUBLE AS total FROM read_parquet('${target}')`,
      );
      expect(total).toBe(2 * ((4_999 * 5_000) / 2));
    } finally {
      duck.close();
    }
    expect(await kept()).toEqual([]);
  });
});
