/**
 * `npm run bench:export`: only the export's cost against DuckDB's (bench/export-cost.ts), against a sandbox of its
 * own: a minute or so, where `npm run bench` takes several.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataGouv } from "../lib/client.ts";
import { Duck } from "../lib/duckdb/connection.ts";
import { exportCost } from "./export-cost.ts";
import { startSandbox, stopAfter } from "./measure.ts";

const dir = await mkdtemp(join(tmpdir(), "datagouv-bench-"));
const deadline = stopAfter(5);
const { url, child } = await startSandbox(dir);
const dg = new DataGouv({ sandboxUrl: url }, {});
const duck = await Duck.memory();
const lines: string[] = [];
try {
  await exportCost(dg, url, duck, dir, child.pid, (line) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  });
} finally {
  clearTimeout(deadline);
  duck.close();
  await dg.close();
  child.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(`${lines.join("\n")}\n`);
