import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
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
let reference: Buffer;
const streams: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    tabular: { bigRows: ROWS },
    onRequest: (_method, path, query) => void (path === STREAMS && streams.push(decodeURIComponent(query))),
  });
  dir = await mkdtemp(join(tmpdir(), "datagouv-interrupt-"));
  const ref = join(dir, "ref.parquet");
  const done = await datagouv(sandbox.url, ["tabular", BIG_RESOURCE_ID, "--output", ref], {
    cache: join(dir, "ref-cache"),
  });
  expect(done.code).toBe(0);
  reference = await readFile(ref);
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ["SIGINT", 130, "--output"],
  ["SIGTERM", 143, "--output"],
  ["SIGINT", 130, "stdout"],
] as const)("an export past the cap interrupted by %s, writing to %s", (signal, code, to) => {
  it(`stops at once with ${code}, leaves no temporary file nor output, keeps its whole windows; run again, it resumes`, async () => {
    const work = join(dir, `${signal}-${to}`);
    const [cache, temporary, out] = [join(work, "cache"), join(work, "tmp"), join(work, "out")];
    await mkdir(temporary, { recursive: true });
    await mkdir(out);
    const output = join(out, "meters.parquet");
    const args = ["tabular", BIG_RESOURCE_ID, "--output", output];
    const interrupted = to === "stdout" ? ["tabular", BIG_RESOURCE_ID, "--format", "parquet"] : args;
    // the third window is held back: the signal comes with two windows whole and one under way
    sandbox.faults.set(`${STREAMS}:latency=20000,nth=4`);
    streams.length = 0;
    const child = spawn(process.execPath, ["build/lib/cli/bin.js", ...interrupted], {
      env: { ...process.env, DATAGOUV_SANDBOX_URL: sandbox.url, DATAGOUV_CACHE_DIR: cache, TMPDIR: temporary },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let [stdout, stderr] = [0, ""];
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.length));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (exitCode, killedBy) => resolve({ code: exitCode, signal: killedBy })),
    );
    try {
      const deadline = Date.now() + 30_000;
      while ((await keptWindows(cache)).length < 2 || streams.length < 4) {
        if (Date.now() > deadline) throw new Error("the export did not get two windows done in 30 s");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sent = Date.now();
      process.kill(-child.pid!, signal);
      const ended = await exited;
      // promptly: well before the held-back window's 20 s
      expect(Date.now() - sent).toBeLessThan(5_000);
      expect(ended).toEqual({ code, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
    }
    const lines = stderr.trim().split("\n");
    expect(lines.at(-1)).toBe(
      `datagouv: interrupted (${signal}): stopped with nothing written; the same command run again resumes from the windows already fetched`,
    );
    expect(lines.filter((l) => /interrupted/.test(l))).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(temporary)).toEqual([]);
    expect(await readdir(out)).toEqual([]);
    expect(stdout).toBe(0);
    expect((await keptWindows(cache)).sort()).toEqual(["window-00000.csv", "window-00001.csv"]);

    sandbox.faults.clear();
    streams.length = 0;
    const again = await datagouv(sandbox.url, args, { cache, tmp: temporary });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`resuming ${BIG_RESOURCE_ID}: 2 of 3 windows already fetched`));
    expect(streams).toHaveLength(1);
    expect((await readFile(output)).equals(reference)).toBe(true);
    expect(await readdir(temporary)).toEqual([]);
    expect(await keptWindows(cache)).toEqual([]);
  });
});
