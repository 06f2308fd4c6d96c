import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIG_RESOURCE_ID, DELETED_RESOURCE, SEED_ORGANIZATIONS, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { datagouv as run, STACK_LINE, type CliResult } from "../support/cli.ts";
import { API_KEY, testSandbox } from "../support/sandbox.ts";

/**
 * Every mistake found by trying the command line as a new user would, run through the real command against the
 * sandbox: each gets a message naming what to fix, its exit code (2 usage, 3 API, 4 file or disk), nothing on stdout,
 * and no stack trace.
 */

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
const requests: string[] = [];
const DEPARTEMENTS = SEED_TABULAR[1].resourceId;

beforeAll(async () => {
  env = await testSandbox({ onRequest: (method, path) => requests.push(`${method} ${path}`) });
  dir = mkdtempSync(join(tmpdir(), "datagouv-bad-"));
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const datagouv = (args: string[], extra: Record<string, string> = {}) =>
  run(args, { DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_CACHE_DIR: join(dir, "cache"), ...extra });

function expectFailure(result: CliResult, code: number, message: RegExp): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr).not.toMatch(/unexpected error/);
}

/** Runs `body` with a 64 kB file system mounted at a new folder, unmounted afterwards. */
async function withFullDisk<T>(body: (mount: string) => Promise<T>): Promise<T> {
  const mount = mkdtempSync(join(dir, "full-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]);
  try {
    return await body(mount);
  } finally {
    execFileSync("umount", [mount]);
  }
}

describe("a resource id that is not one: a usage error (2), before any request", () => {
  for (const id of ["../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2F..%2Fetc%2Fpasswd"])
    it(id, async () => {
      requests.length = 0;
      expectFailure(await datagouv(["tabular", id]), 2, /not a resource id: .*a resource id is a UUID such as/);
      expect(requests).toEqual([]);
    });

  it("a resource's page URL: the id inside it is suggested", async () => {
    const url = `https://www.data.gouv.fr/fr/datasets/r/${DEPARTEMENTS}`;
    expectFailure(
      await datagouv(["tabular", url]),
      2,
      new RegExp(`not a resource id: .*did you mean ${DEPARTEMENTS}\\?`),
    );
  });
});

describe("what the resource or the API does not allow", () => {
  it("a JSON resource: a usage error (2) saying local runs read CSV, and where the file is", async () => {
    let json: { id: string; url: string } | undefined;
    for await (const dataset of env.dg.datasets.list({}, { pageSize: 100 })) {
      json = dataset.resources?.find((r) => r.format === "json");
      if (json) break;
    }
    expect(json).toBeDefined();
    const result = await datagouv(["tabular", json!.id]);
    expectFailure(result, 2, new RegExp(`resource ${json!.id} is json, not CSV: local runs read CSV files alone`));
    expect(result.stderr).toContain(json!.url);
  });

  it("a deleted resource: the Tabular API's 410 (3), not the local fall-back's 'does not exist'", async () => {
    requests.length = 0;
    const result = await datagouv(["tabular", DELETED_RESOURCE.resourceId]);
    expectFailure(result, 3, /failed: 410 — Resource \S+ has been permanently deleted .*It was deleted/);
    expect(result.stderr).not.toMatch(/does not exist|running locally/);
    expect(requests.filter((r) => r.includes("/api/2/datasets/resources/"))).toEqual([]);
  });

  it("a 100,000-character value: 431 with a hint, the value shown shortened and never whole", async () => {
    const value = "x".repeat(100_000);
    const result = await datagouv(["tabular", DEPARTEMENTS, "--where", `nom_departement__exact=${value}`]);
    expectFailure(
      result,
      3,
      /failed: 431\. The request is too long for the server .*run the query locally \(`--local`/,
    );
    expect(result.stderr).toContain("…(100,000 characters)");
    expect(result.stderr).not.toContain("x".repeat(100));
    expect(result.stderr.length).toBeLessThan(2_000);
  });
});

describe("files and disks: exit 4 naming the file, and nothing left behind", () => {
  it("--output in a missing folder is refused, the folder is not created, nothing is fetched", async () => {
    requests.length = 0;
    const missing = join(dir, "missing", "dir");
    const result = await datagouv(["tabular", DEPARTEMENTS, "--output", join(missing, "x.parquet")]);
    expectFailure(
      result,
      4,
      new RegExp(`the folder ${missing} does not exist; create it first \\(mkdir -p ${missing}\\)`),
    );
    expect(existsSync(join(dir, "missing"))).toBe(false);
    expect(requests).toEqual([]);
  });

  it("--output naming a folder is refused", async () => {
    expectFailure(await datagouv(["tabular", DEPARTEMENTS, "--output", dir]), 4, /that is a folder; name the file/);
  });

  it("TMPDIR on a full disk during an export: a full disk (4), not a network error, and nothing left", async () => {
    const output = join(dir, "out");
    mkdirSync(output);
    await withFullDisk(async (mount) => {
      const result = await datagouv(["tabular", BIG_RESOURCE_ID, "--output", join(output, "big.parquet")], {
        TMPDIR: mount,
      });
      expectFailure(result, 4, new RegExp(`a temporary file in ${mount}: the disk is full \\(TMPDIR chooses`));
      expect(result.stderr).not.toMatch(/network|cut off|retry/);
      expect(readdirSync(mount)).toEqual([]);
    });
    expect(readdirSync(output)).toEqual([]);
  });
});

describe("writes", () => {
  it("an upload cut midway says the server was reached (3), not that it could not be", async () => {
    const project = join(dir, "project");
    mkdirSync(join(project, "data"), { recursive: true });
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},Commune ${i},${i}`);
    writeFileSync(join(project, "data", "population.csv"), `code,nom,population\n${rows.join("\n")}\n`);
    const manifest = join(project, "publish.yaml");
    writeFileSync(
      manifest,
      [
        "key: coupure-envoi",
        "title: Coupure pendant l'envoi",
        "description: Un envoi coupé",
        `organization: ${SEED_ORGANIZATIONS[0].slug}`,
        "license: lov2",
        "resources:",
        "  - title: Population",
        "    file: data/population.csv",
      ].join("\n"),
    );
    env.sandbox.faults.set("*/upload/:cut-request-after=100000");
    try {
      const result = await datagouv(["publish", manifest], { DATAGOUV_API_KEY: API_KEY });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        /POST \S+\/upload\/ failed: network — .*The server was reached, but the connection/,
      );
      expect(result.stderr).not.toMatch(/Could not reach/);
      expect(result.stderr).not.toMatch(STACK_LINE);
    } finally {
      env.sandbox.faults.clear();
    }
  });
});

describe("the command line itself: a usage error (2) that says what to write", () => {
  const cases: [string, string[], RegExp][] = [
    ["a mistyped command", ["tabluar"], /unknown command "tabluar": did you mean tabular\?/],
    ["help on a mistyped command", ["help", "metric"], /unknown command "metric": did you mean metrics\?/],
    [
      "a mistyped option",
      ["tabular", DEPARTEMENTS, "--ouptut", "x.csv"],
      /unknown option --ouptut .*did you mean --output\?/,
    ],
    ["an option before the command", ["--output", "x.csv"], /unknown option --output before the command/],
    [
      "datasets search's former --format",
      ["datasets", "search", "air", "--format", "csv"],
      /--format is now --resource-format in datagouv datasets: it filters on the resources' format/,
    ],
    ["a mistyped operator", ["tabular", DEPARTEMENTS, "--where", "nom__greather=1"], /did you mean greater\?/],
    ["a value on isnull", ["tabular", DEPARTEMENTS, "--where", "nom__isnull=1"], /isnull takes no value/],
    [
      "no values for in",
      ["tabular", DEPARTEMENTS, "--where", "nom__in"],
      /in needs a value \(column__in=value1,value2\)/,
    ],
    ["a mistyped format", ["tabular", DEPARTEMENTS, "--format", "parket"], /did you mean parquet\?/],
    ["an extension that is no format", ["tabular", DEPARTEMENTS, "-o", "x.xlsx"], /\.xlsx is not an output format/],
    [
      "an option where a value goes",
      ["tabular", DEPARTEMENTS, "--output", "--json"],
      /--output needs a value \(FILE\)/,
    ],
    ["a flag given twice", ["tabular", DEPARTEMENTS, "--sort", "a", "--sort", "b"], /--sort is given twice/],
    ["a value on a flag", ["tabular", DEPARTEMENTS, "--local=yes"], /--local takes no value/],
    ["--local with --remote", ["tabular", DEPARTEMENTS, "--local", "--remote"], /cannot be used together/],
    ["a mistyped model", ["metrics", "dataset"], /unknown model "dataset": did you mean datasets\?/],
    ["months without a colon", ["metrics", "site", "--months", "2025-01"], /expected FROM:TO/],
    ["a mistyped report", ["catalog", "report", "formatz", "--db", "x"], /did you mean formats\?/],
    ["a missing id", ["resources", "get"], /the resource-id is missing/],
    ["a bad limit", ["datasets", "search", "air", "--limit", "ten"], /--limit takes a positive whole number/],
    ["a sandbox option it does not take", ["sandbox", "extra"], /unexpected argument "extra"/],
  ];
  for (const [what, args, message] of cases)
    it(what, async () => {
      requests.length = 0;
      const result = await datagouv(args);
      expectFailure(result, 2, message);
      expect(result.stderr).toMatch(/\(see "datagouv (help \w+|--help)"\)/);
      expect(requests).toEqual([]);
    });

  it("a malformed DATAGOUV_SANDBOX_URL names the setting", async () => {
    const result = await run(["datasets", "get", "x"], { DATAGOUV_SANDBOX_URL: "not a url" });
    expectFailure(result, 2, /the sandbox \(DATAGOUV_SANDBOX_URL\) base URL is not a URL: "not a url"/);
  });
});
