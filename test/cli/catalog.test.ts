import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testSandbox } from "../support/sandbox.ts";

const run = promisify(execFile);
let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;

beforeAll(async () => {
  env = await testSandbox();
  dir = mkdtempSync(join(tmpdir(), "datagouv-catalog-"));
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const datagouv = (args: string[]) =>
  run(process.execPath, ["build/lib/cli/bin.js", ...args], {
    env: { ...process.env, DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_CACHE_DIR: join(dir, "cache") },
  });

describe("datagouv catalog", () => {
  it("loads the exports and metrics totals into one DuckDB database, and reports on it", async () => {
    const db = join(dir, "catalog.duckdb");
    const { stderr } = await datagouv(["catalog", "--output", db]);
    expect(existsSync(db)).toBe(true);
    const site = await env.dg.site.get();
    expect(stderr).toContain(`datasets ${site.metrics!.datasets}`);
    const formats = JSON.parse((await datagouv(["catalog", "report", "formats", "--db", db])).stdout);
    expect(formats.find((f: { format: string }) => f.format === "csv").resources).toBeGreaterThan(5);
    const top = JSON.parse((await datagouv(["catalog", "report", "top-datasets", "--db", db])).stdout);
    const visits = top.map((t: { visits: number }) => t.visits);
    expect(visits).toEqual([...visits].sort((a, b) => b - a));
    const [best] = await env.dg.metrics("datasets_total").sort("visit", "desc").first(1);
    expect(top[0].id).toBe(best.dataset_id);
    for (const report of ["licences", "freshness", "quality"])
      expect(JSON.parse((await datagouv(["catalog", "report", report, "--db", db])).stdout).length).toBeGreaterThan(0);
  });

  it("a second build revalidates the exports instead of downloading them again", async () => {
    const { stderr } = await datagouv(["catalog", "--output", join(dir, "again.duckdb")]);
    expect(stderr).toMatch(/datasets: unchanged since the last download/);
  });
});
