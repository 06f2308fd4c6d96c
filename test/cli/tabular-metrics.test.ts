import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../lib/duckdb/index.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { datagouv as run } from "../support/cli.ts";
import { testSandbox } from "../support/sandbox.ts";

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
const DEPARTEMENTS = SEED_TABULAR[1].resourceId;
const requests: string[] = [];

beforeAll(async () => {
  env = await testSandbox({
    tabular: { bigRows: 20_000, streamCap: 5_000 },
    onRequest: (method, path) => requests.push(`${method} ${path}`),
  });
  dir = mkdtempSync(join(tmpdir(), "datagouv-cli-"));
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const datagouv = (args: string[]) =>
  run(args, { DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_CACHE_DIR: join(dir, "cache") });

describe("datagouv tabular", () => {
  it("filters, columns and sort to CSV on stdout; logs on stderr", async () => {
    requests.length = 0;
    const { code, stdout, stderr } = await datagouv([
      "tabular",
      DEPARTEMENTS,
      "--where",
      "code_region__exact=84",
      "--columns",
      "code_departement,nom_departement",
      "--sort",
      "nom_departement:desc",
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("code_departement,nom_departement");
    expect(lines).toHaveLength(13);
    const names = lines.slice(1).map((l) => l.split(",")[1]);
    expect(names).toEqual([...names].sort().reverse());
    expect(lines).toContain("74,Haute-Savoie");
    expect(stderr).toMatch(/running remotely on the Tabular API/);
    // choosing where to run and typing the stream read the same profile request
    expect(requests.filter((r) => r === `GET /tabular/api/resources/${DEPARTEMENTS}/profile/`)).toHaveLength(1);
  });

  it("auto mode runs an aggregation the API refuses locally, and says so on stderr", async () => {
    const { code, stdout, stderr } = await datagouv([
      "tabular",
      DEPARTEMENTS,
      "--group-by",
      "code_region",
      "--agg",
      "code_departement:count",
      "--format",
      "ndjson",
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/locally with DuckDB .* does not aggregate this resource/);
    const rows = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.find((r) => r.code_region === "84").code_departement__count).toBe(12);
  });

  it("past the stream cap, --output writes every row once complete (Parquet)", async () => {
    const file = join(dir, "big.parquet");
    const { code, stderr } = await datagouv(["tabular", "bbbbbbbb-0000-4000-8000-000000000001", "--output", file]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/windows\)/);
    expect(stderr).toMatch(/wrote 20,000 rows/);
    expect(existsSync(file)).toBe(true);
  });

  it("--memory-limit: a larger DuckDB budget writes the same rows in the same order; a malformed one is a usage error (2) and writes nothing", async () => {
    const file = join(dir, "big-512.parquet");
    const { code } = await datagouv([
      "tabular",
      "bbbbbbbb-0000-4000-8000-000000000001",
      "--memory-limit",
      "512MB",
      "--output",
      file,
    ]);
    expect(code).toBe(0);
    const duck = await Duck.memory();
    try {
      const [same] = await duck.all<{ rows: bigint; differ: bigint; ordered: boolean }>(
        `SELECT (SELECT count(*) FROM '${file}') AS rows,
                (SELECT count(*) FROM ((FROM '${file}' EXCEPT ALL FROM '${join(dir, "big.parquet")}') UNION ALL (FROM '${join(dir, "big.parquet")}' EXCEPT ALL FROM '${file}'))) AS differ,
                (SELECT bool_and(__id = n) FROM (SELECT __id, row_number() OVER () AS n FROM '${file}')) AS ordered`,
      );
      expect(same).toEqual({ rows: 20_000n, differ: 0n, ordered: true });
    } finally {
      duck.close();
    }
    const refused = join(dir, "refused.parquet");
    const bad = await datagouv([
      "tabular",
      "bbbbbbbb-0000-4000-8000-000000000001",
      "--memory-limit",
      "lots",
      "--output",
      refused,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--memory-limit: .*"lots".*such as 512MB/);
    expect(existsSync(refused)).toBe(false);
  });

  it("a malformed --where is a usage error (2) naming what to fix", async () => {
    const { code, stderr } = await datagouv(["tabular", DEPARTEMENTS, "--where", "code_region=84"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/expected column__operator=value/);
  });

  it("an unknown column is an API error (3) with the server's message, and no output file", async () => {
    const file = join(dir, "nope.csv");
    const { code, stderr } = await datagouv(["tabular", DEPARTEMENTS, "--where", "nope__exact=1", "--output", file]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/nope does not exist/);
    expect(existsSync(file)).toBe(false);
  });

  it("a resource that does not exist: exit 3 with the hint", async () => {
    const { code, stderr } = await datagouv(["tabular", "00000000-0000-0000-0000-000000000000", "--remote"]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/404/);
  });

  it("an interrupted connection: exit 3, nothing on stdout, no partial file", async () => {
    env.sandbox.faults.set("/tabular/api/resources/*/data/csv/:reset-after=2000");
    try {
      const file = join(dir, "cut.csv");
      const { code, stdout, stderr } = await datagouv([
        "tabular",
        SEED_TABULAR[0].resourceId,
        "--where",
        "code_departement__exact=01",
        "--output",
        file,
      ]);
      expect(code).toBe(3);
      expect(stderr).toMatch(/cut off/);
      expect(existsSync(file)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith(".cut"))).toEqual([]);
      const piped = await datagouv(["tabular", SEED_TABULAR[0].resourceId, "--where", "code_departement__exact=01"]);
      expect(piped.code).toBe(3);
      expect(piped.stdout).toBe("");
    } finally {
      env.sandbox.faults.clear();
    }
  });

  it("a full disk: exit 4, a clear message, and nothing left behind", async () => {
    const mount = join(dir, "full");
    mkdirSync(mount);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]);
    try {
      const { code, stderr } = await datagouv([
        "tabular",
        SEED_TABULAR[0].resourceId,
        "--output",
        join(mount, "communes.csv"),
      ]);
      expect(code).toBe(4);
      expect(stderr).toMatch(/disk is full/);
      expect(readdirSync(mount)).toEqual([]);
    } finally {
      execFileSync("umount", [mount]);
    }
  });
});

describe("datagouv metrics", () => {
  it("a model's months as JSON, typed", async () => {
    const { code, stdout } = await datagouv(["metrics", "site", "--months", "2025-01:2025-06", "--format", "json"]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout);
    expect(rows.map((r: { metric_month: string }) => r.metric_month)).toEqual([
      "2025-01-01",
      "2025-02-01",
      "2025-03-01",
      "2025-04-01",
      "2025-05-01",
      "2025-06-01",
    ]);
    expect(typeof rows[0].monthly_visit_dataset).toBe("number");
  });

  it("an unknown model is a usage error listing the models", async () => {
    const { code, stderr } = await datagouv(["metrics", "visits"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/datasets_total/);
  });
});
