import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duck } from "../../lib/duckdb/index.ts";
import { loadResource, type LocalTable } from "../../lib/duckdb/local.ts";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { testSandbox } from "./sandbox.ts";
import { batteryCsv } from "./wire-battery.ts";

/** The wire battery's rows served by a sandbox (as an uploaded CSV the Tabular API serves) and loaded locally. */
export interface BatteryResource {
  env: Awaited<ReturnType<typeof testSandbox>>;
  duck: Duck;
  /** The same rows in DuckDB, as a local run reads them. */
  local: LocalTable;
  rid: string;
  /** A scratch folder of the test's own, removed by close(). */
  dir: string;
  close(): Promise<void>;
}

/** Starts a sandbox, uploads the battery's CSV to one of its organizations and loads the resource into DuckDB. */
export async function batteryResource(prefix: string): Promise<BatteryResource> {
  const env = await testSandbox({ tabular: { bigRows: 1_000, aggregationAllowed: true } });
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let duck: Duck | undefined;
  const close = async () => {
    duck?.close();
    await env.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, "hostile.csv");
    await writeFile(file, batteryCsv());
    const dataset = await env.dg.http.json<{ id: string }>("main", "api/1/datasets/", {
      method: "POST",
      json: { title: "Noms hostiles", organization: SEED_TABULAR[0].organizationId },
      auth: true,
    });
    const rid = (await env.dg.datasets.uploadResource(dataset.id, file)).id;
    duck = await Duck.memory();
    const local = await loadResource(env.dg.http, rid, duck, { dir: join(dir, "cache") });
    return { env, duck, local, rid, dir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
