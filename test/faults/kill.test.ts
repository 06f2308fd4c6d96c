import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIG_RESOURCE_ID, startSandbox, type Sandbox } from "../../sandbox/src/index.ts";
import { datagouv, keptWindows } from "./cli.ts";

// past the 50,000-row stream cap: the whole result is refused, then three windows of 50,000 ids
const ROWS = 120_000;
const STREAMS = `/tabular/api/resources/${BIG_RESOURCE_ID}/data/csv/`;

let sandbox: Sandbox;
let dir: string;
const streams: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    tabular: { bigRows: ROWS },
    onRequest: (_method, path, query) => void (path === STREAMS && streams.push(decodeURIComponent(query))),
  });
  dir = await mkdtemp(join(tmpdir(), "datagouv-kill-"));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an export killed midway", () => {
  it("run again, fetches only the windows it lacked and writes the very file an uninterrupted run writes", async () => {
    const args = ["tabular", BIG_RESOURCE_ID, "--output", join(dir, "meters.parquet")];
    const reference = await datagouv(sandbox.url, ["tabular", BIG_RESOURCE_ID, "--output", join(dir, "ref.parquet")], {
      cache: join(dir, "ref-cache"),
    });
    expect(reference.code).toBe(0);

    // the third window is held back, so that the run is killed with two windows whole and one under way
    const cache = join(dir, "cache");
    const temporary = join(dir, "tmp");
    await mkdir(temporary);
    sandbox.faults.set(`${STREAMS}:latency=20000,nth=4`);
    streams.length = 0;
    const child = spawn(process.execPath, ["build/lib/cli/bin.js", ...args], {
      env: { ...process.env, DATAGOUV_SANDBOX_URL: sandbox.url, DATAGOUV_CACHE_DIR: cache, TMPDIR: temporary },
      stdio: "ignore",
      detached: true,
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 30_000;
    while ((await keptWindows(cache)).length < 2 || streams.length < 4) {
      if (Date.now() > deadline) throw new Error("the export did not get two windows done in 30 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.kill(-child.pid!, "SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(existsSync(join(dir, "meters.parquet"))).toBe(false);
    const whole = await keptWindows(cache);
    expect(whole).toHaveLength(2);

    sandbox.faults.clear();
    streams.length = 0;
    const again = await datagouv(sandbox.url, args, { cache, tmp: temporary });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`resuming ${BIG_RESOURCE_ID}: 2 of 3 windows already fetched`));
    // no whole-result attempt, no window fetched twice: the one window that was missing
    expect(whole.sort()).toEqual(["window-00000.csv", "window-00001.csv"]);
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatch(/__id__greater=100001&__id__strictly_less=120001$/);
    expect((await readFile(join(dir, "meters.parquet"))).equals(await readFile(join(dir, "ref.parquet")))).toBe(true);
    expect(await keptWindows(cache)).toEqual([]);
  });
});
