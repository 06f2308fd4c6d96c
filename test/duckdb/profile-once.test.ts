import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Duck } from "../../lib/duckdb/index.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { testSandbox } from "../support/sandbox.ts";

// a sorted result above this is fetched in several windows that DuckDB puts back in order
const STREAM_CAP = 40;
const COMMUNES = SEED_TABULAR[0].resourceId;
const DEPARTEMENTS = SEED_TABULAR[1].resourceId;

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
const requests: string[] = [];
const asked = (path: string) => requests.filter((r) => r === `GET /tabular/api/resources/${path}`).length;
const quiet = { warn() {}, info() {} };

beforeAll(async () => {
  env = await testSandbox({
    tabular: { bigRows: 1_000, streamCap: STREAM_CAP },
    onRequest: (method, path) => requests.push(`${method} ${path}`),
  });
  dir = await mkdtemp(join(tmpdir(), "datagouv-profile-once-"));
});
afterAll(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

describe("an export in auto mode asks for the resource's profile once", () => {
  it("to Arrow, sorted across windows (the mode, the live attempt and the spooled rows share it)", async () => {
    const table = await env.dg
      .tabular(COMMUNES)
      .where("code_departement", "exact", "01")
      .sort("population", "desc")
      .toArrow({ mode: "auto", logger: quiet });
    expect(table.numRows).toBeGreaterThan(STREAM_CAP);
    // the windows were really fetched apart: more than one stream of the rows
    expect(asked(`${COMMUNES}/data/json/`)).toBeGreaterThan(1);
    expect(asked(`${COMMUNES}/profile/`)).toBe(1);
  });

  it("to Parquet and into DuckDB", async () => {
    const query = env.dg.tabular(COMMUNES).where("code_departement", "exact", "01");
    expect(await query.toParquet(join(dir, "communes.parquet"), { mode: "auto", logger: quiet })).toBeGreaterThan(0);
    expect(asked(`${COMMUNES}/profile/`)).toBe(1);
    requests.length = 0;
    const duck = await Duck.memory();
    try {
      expect(await query.toDuckDB(duck.connection, "communes", { mode: "auto", logger: quiet })).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
    expect(asked(`${COMMUNES}/profile/`)).toBe(1);
  });

  it("run locally where the API refuses the aggregation (the load is typed from the same profile)", async () => {
    const lines: string[] = [];
    const table = await env.dg
      .tabular(DEPARTEMENTS)
      .groupBy("code_region")
      .aggregate("code_departement", "count")
      .toArrow({ mode: "auto", logger: { warn: (l) => lines.push(l), info: (l) => lines.push(l) }, cacheDir: dir });
    expect(lines[0]).toMatch(/locally .*does not aggregate/);
    expect(table.numRows).toBeGreaterThan(10);
    expect(asked(`${DEPARTEMENTS}/profile/`)).toBe(1);
  });

  it("remote mode asks once too, even when the live decoding gives way to DuckDB's ordering", async () => {
    await env.dg.tabular(COMMUNES).where("code_departement", "exact", "01").sort("population", "asc").toArrow();
    expect(asked(`${COMMUNES}/profile/`)).toBe(1);
  });
});
