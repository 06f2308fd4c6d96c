import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";

/** `datagouv sandbox ARGS` as a child process, its stdout lines and stderr text collected. */
function command(args: string[]): {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["build/lib/cli/bin.js", "sandbox", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, "exit").then(([code]) => code as number | null);
  return { child, lines, stderr: () => stderr, exit };
}

async function firstLine(lines: string[], exit: Promise<unknown>): Promise<string> {
  let exited = false;
  void exit.then(() => (exited = true));
  while (lines.length === 0 && !exited) await new Promise((resolve) => setTimeout(resolve, 50));
  if (lines.length === 0) throw new Error("the sandbox exited before printing anything");
  return lines[0];
}

describe("datagouv sandbox, the command", () => {
  let running: ReturnType<typeof command>;
  let url: string;

  beforeAll(async () => {
    running = command(["--port", "0", "--big-rows", "2000"]);
    const line = await firstLine(running.lines, running.exit);
    url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1] ?? "";
  });
  afterAll(() => {
    if (running.child.exitCode === null) running.child.kill("SIGKILL");
  });

  it("prints 'listening on http://127.0.0.1:N' as its first stdout line", () => {
    expect(running.lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe("");
  });

  it("serves the three APIs on one port, each with its health check", async () => {
    for (const path of ["/api/1/health/", "/tabular/health/", "/metrics/health/"])
      expect((await fetch(`${url}${path}`)).status).toBe(200);
    const seed = SEED_TABULAR[0];
    expect((await (await fetch(`${url}/api/1/datasets/${seed.datasetId}/`)).json()).id).toBe(seed.datasetId);
    expect(
      (await (await fetch(`${url}/tabular/api/resources/${seed.resourceId}/data/?page_size=1`)).json()).data,
    ).toHaveLength(1);
    expect((await (await fetch(`${url}/metrics/api/site/data/?page_size=1`)).json()).data).toHaveLength(1);
  });

  it("an unknown route: the Main API's JSON 404, the Tabular API's plain '404: Not Found'", async () => {
    const main = await fetch(`${url}/api/1/nowhere/`);
    expect(main.status).toBe(404);
    expect((await main.json()).message).toMatch(/^The requested URL was not found on the server/);
    const tabular = await fetch(`${url}/tabular/api/nowhere/`);
    expect(tabular.status).toBe(404);
    expect(await tabular.text()).toBe("404: Not Found");
  });

  it("without --api-key, a generated key is printed on stderr and accepted", async () => {
    const key = /writes accept the generated key (\S+)/.exec(running.stderr())?.[1];
    expect(key).toBeDefined();
    const me = await fetch(`${url}/api/1/me/`, { headers: { "x-api-key": key! } });
    expect(me.status).toBe(200);
    expect((await me.json()).organizations.map((o: { id: string }) => o.id)).toContain(SEED_TABULAR[0].organizationId);
  });

  it("SIGTERM closes it cleanly: exit code 0", async () => {
    running.child.kill("SIGTERM");
    expect(await running.exit).toBe(0);
  });
});

describe("datagouv sandbox, usage", () => {
  it("--help prints the usage, with the health routes and the key rules", async () => {
    const help = command(["--help"]);
    expect(await help.exit).toBe(0);
    const text = help.lines.join("\n");
    expect(text).toMatch(/^usage: datagouv sandbox/);
    expect(text).toContain("/tabular/health/");
    expect(text).toContain("KEY@org-a,org-b");
  });

  it("a malformed --faults spec or a short key is a usage error (2) naming what to fix, before any loading", async () => {
    const faults = command(["--faults", "/api/*:explode"]);
    expect(await faults.exit).toBe(2);
    expect(faults.stderr()).toMatch(/unknown action "explode"/);
    expect(faults.lines).toEqual([]);
    const key = command(["--api-key", "short"]);
    expect(await key.exit).toBe(2);
    expect(key.stderr()).toMatch(/API key 1 is too short/);
  });
});

describe("datagouv sandbox --catalog", () => {
  it("N adds a synthetic catalog of N datasets in all, which every /health/ calls synthetic", async () => {
    const running = command(["--port", "0", "--big-rows", "1000", "--catalog", "1500"]);
    try {
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(await firstLine(running.lines, running.exit))?.[1];
      const site = await (await fetch(`${url}/api/1/site/`)).json();
      expect(site.metrics.datasets).toBe(1500);
      for (const path of ["/api/1/health/", "/tabular/health/", "/metrics/health/"]) {
        const health = await (await fetch(`${url}${path}`)).json();
        expect(health.catalog, path).toMatchObject({ synthetic: true, datasets: 1500 });
        expect(health.catalog.note, path).toMatch(/synthetic/);
      }
    } finally {
      running.child.kill("SIGTERM");
      await running.exit;
    }
  }, 120_000);

  it("anything but full or a number of datasets is a usage error (2)", async () => {
    const wrong = command(["--catalog", "huge"]);
    expect(await wrong.exit).toBe(2);
    expect(wrong.stderr()).toMatch(/--catalog takes "full" or a number of datasets/);
  });
});
