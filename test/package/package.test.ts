import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataGouv } from "datagouv-kit";
import { SEED_TABULAR, startSandbox, type Sandbox } from "datagouv-kit-sandbox";
import { usage } from "../../lib/cli/run.ts";
import { seedNpmVersions } from "../../site/npm-versions.ts";
import {
  freshProject,
  installedSize,
  megabytes,
  npm,
  packPackages,
  REPO,
  userEnvironment,
  type Tarball,
} from "../support/package.ts";

/**
 * datagouv-kit as its users get it: packed, installed from the tarball into a new project outside the repository, and
 * used from there by plain Node, strict TypeScript, Deno, an Observable Framework site and the `datagouv` command,
 * against a sandbox on 127.0.0.1. One install serves every case.
 */

const TEMPLATE = fileURLToPath(new URL("./project/", import.meta.url));
const BIN = join(REPO, "node_modules", ".bin");
const seeded = (file: string) => {
  const found = SEED_TABULAR.find((dataset) => dataset.resourceTitle === file);
  if (!found) throw new Error(`the sandbox has no ${file}`);
  return found;
};
const COMMUNES = seeded("communes.csv");
const DEPARTEMENTS = seeded("departements.csv");
const FRAMEWORK_VERSION = JSON.parse(
  await readFile(join(REPO, "node_modules/@observablehq/framework/package.json"), "utf8"),
).version as string;

let work: string;
let project: string;
let tarballs: { kit: Tarball; sandbox: Tarball };
let sandbox: Sandbox;
let dg: DataGouv;
let env: NodeJS.ProcessEnv;
/** Process groups of the long-running commands started. */
const groups: number[] = [];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: project, env: { ...env, ...extraEnv }, timeout: 90_000, maxBuffer: 32 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function stopGroup(pgid: number): void {
  if (groupAlive(pgid)) process.kill(-pgid, "SIGTERM");
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const strictFlags = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
  target: "ES2022",
  types: ["node"],
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "datagouv-package-"));
  project = join(work, "project");
  sandbox = await startSandbox({ tabular: { bigRows: 1_000 }, log: () => {} });
  tarballs = await packPackages(work);
  dg = new DataGouv({ sandboxUrl: sandbox.url, retry: { retries: 0 } }, {});
  env = userEnvironment({ DATAGOUV_SANDBOX_URL: sandbox.url, DENO_NO_UPDATE_CHECK: "1" });
  await freshProject(project, [tarballs.kit.path]);
  const size = await installedSize(project);
  console.log(
    `datagouv-kit installed alone: node_modules ${megabytes(size.bytes)} (${megabytes(size.diskBytes)} on disk); ` +
      `tarball ${(tarballs.kit.bytes / 1e3).toFixed(0)} kB, ${tarballs.kit.files} files`,
  );
  await cp(TEMPLATE, project, { recursive: true });
  for (const [name, resolution] of [
    ["nodenext", { module: "NodeNext", moduleResolution: "NodeNext" }],
    ["bundler", { module: "ESNext", moduleResolution: "bundler" }],
  ] as const) {
    const config = { compilerOptions: { ...strictFlags, ...resolution }, files: ["consumer.ts"] };
    await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  }
  // a Framework site of the user's own, with Framework from the registry as its docs say
  await npm(project, ["install", "--no-audit", "--no-fund", `@observablehq/framework@${FRAMEWORK_VERSION}`]);
}, 240_000);

afterAll(async () => {
  // a test that timed out leaves its long-running command to stop here
  for (const pgid of groups) stopGroup(pgid);
  await dg?.close();
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the package installed from its tarball into a new project", () => {
  it("a plain Node script searches the catalog and exports a Tabular query to Parquet", async () => {
    const output = join(work, "communes.parquet");
    const ran = await run(process.execPath, ["search-export.mjs", "communes", "code_departement", "75,92", output]);
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    const result = JSON.parse(ran.stdout) as { dataset: string; resource: string; rows: number };
    expect(result).toMatchObject({ dataset: COMMUNES.datasetId, resource: COMMUNES.resourceId });
    const expected = await dg.tabular(COMMUNES.resourceId).where("code_departement", "in", ["75", "92"]).count();
    expect(expected).toBeGreaterThan(0);
    expect(result.rows).toBe(expected);
  });

  it(
    "a strict TypeScript consumer type-checks against the .d.ts, with NodeNext and with bundler resolution",
    { timeout: 240_000 },
    async () => {
      const tsc = join(REPO, "node_modules/typescript/bin/tsc");
      const checks = await Promise.all(
        ["nodenext", "bundler"].map((name) =>
          run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`, "--listFiles"]),
        ),
      );
      for (const check of checks) {
        const files = check.stdout.split("\n");
        expect(files.filter((line) => line.includes("error TS"))).toEqual([]);
        expect(check.code).toBe(0);
        // the declarations are what gets checked, not the TypeScript sources the package also ships
        expect(files.some((file) => file.endsWith("node_modules/datagouv-kit/build/lib/index.d.ts"))).toBe(true);
        expect(files.filter((file) => /node_modules\/datagouv-kit\/(lib|loaders)\/.*\.ts$/.test(file))).toEqual([]);
      }
    },
  );

  it("Deno imports the package from node_modules and runs a query", async () => {
    const deno = join(BIN, "deno");
    const ran = await run(deno, [
      "run",
      "-A",
      "--node-modules-dir=manual",
      "deno-query.ts",
      COMMUNES.resourceId,
      "code_departement",
      "2A",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout) as { rows: number; arrowRows: number; first: Record<string, unknown> };
    const expected = await dg.tabular(COMMUNES.resourceId).where("code_departement", "exact", "2A").count();
    expect(expected).toBeGreaterThan(0);
    expect(result).toMatchObject({ rows: expected, arrowRows: expected, first: { code_departement: "2A" } });
  });

  it("an Observable Framework site of its own builds offline, its loaders importing datagouv-kit", async () => {
    const cache = join(project, "src/.observablehq/cache");
    await seedNpmVersions(cache, project);
    const observable = join(project, "node_modules/@observablehq/framework/dist/bin/observable.js");
    const ran = await run(process.execPath, [observable, "build"], { OBSERVABLE_TELEMETRY_DISABLE: "true" });
    expect(ran.code, ran.stderr).toBe(0);
    const built = async (name: string) => {
      const files = await readdir(join(project, "dist/_file/data"));
      const file = files.find((f) => f.startsWith(`${name}.`) && f.endsWith(".json"));
      if (!file) throw new Error(`no ${name}.json among ${files.join(", ")}`);
      return JSON.parse(await readFile(join(project, "dist/_file/data", file), "utf8")) as unknown[];
    };
    const paris = dg
      .tabular(COMMUNES.resourceId)
      .where("code_departement", "exact", "75")
      .columns(["code_commune", "nom_commune"]);
    expect(await built("communes")).toEqual(await paris.all());
    expect(await built("departements")).toHaveLength((await dg.tabular(DEPARTEMENTS.resourceId).count())!);
    expect(await readFile(join(project, "dist/index.html"), "utf8")).toContain("Paris in figures");
    // the client libraries' versions came from the seeded cache: nothing was downloaded into it
    const versions = await readdir(join(cache, "_npm"), { recursive: true, withFileTypes: true });
    expect(versions.filter((entry) => !entry.isDirectory()).map((entry) => entry.name)).toEqual([]);
  });

  it("`npx datagouv --help` lists the commands", async () => {
    const ran = await run("npx", ["--no-install", "datagouv", "--help"]);
    expect(ran.code).toBe(0);
    expect(ran.stdout.trim()).toBe(usage());
    for (const command of ["tabular", "metrics", "datasets", "catalog", "publish", "sandbox"])
      expect(ran.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
  });

  it("`datagouv mcp` without the optional MCP SDK names the packages to install", async () => {
    expect(existsSync(join(project, "node_modules/@modelcontextprotocol/sdk"))).toBe(false);
    const refused = await run("npx", ["--no-install", "datagouv", "mcp"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("npm install @modelcontextprotocol/sdk zod");
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it("`datagouv sandbox` names the package to install, and serves once it is installed", async () => {
    const help = await run("npx", ["--no-install", "datagouv", "sandbox", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("npm install --save-dev datagouv-kit-sandbox");
    const refused = await run("npx", ["--no-install", "datagouv", "sandbox", "--port", "0"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("npm install --save-dev datagouv-kit-sandbox");

    await npm(project, ["install", "--no-audit", "--no-fund", tarballs.sandbox.path]);
    // the sandbox uses the datagouv-kit installed beside it, not a copy of its own
    expect(existsSync(join(project, "node_modules/datagouv-kit-sandbox/node_modules/datagouv-kit"))).toBe(false);
    expect((await run("npx", ["--no-install", "datagouv", "sandbox", "--help"])).stdout).not.toContain("npm install");
    const child = spawn("npx", ["--no-install", "datagouv", "sandbox", "--port", "0", "--big-rows", "1000"], {
      cwd: project,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    groups.push(child.pid!);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    try {
      let url: string | undefined;
      for await (const line of createInterface({ input: child.stdout! })) {
        url = /^listening on (\S+)$/.exec(line)?.[1];
        if (url) break;
      }
      expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/tabular/health/`);
      expect(health.status).toBe(200);
    } finally {
      // npx and the command it runs: the whole group stops, and the test waits until none of it is left
      stopGroup(child.pid!);
      await exited;
      await until(() => !groupAlive(child.pid!), 10_000);
    }
  });
});
