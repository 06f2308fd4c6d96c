import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN_ROUTES } from "../../lib/index.ts";
import { API_KEY, testSandbox } from "../support/sandbox.ts";

/** `datagouv api`, spawned from the compiled build against the sandbox (run `npm run compile` first). */

const run = promisify(execFile);
let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;

beforeAll(async () => {
  env = await testSandbox();
  dir = mkdtempSync(join(tmpdir(), "datagouv-api-"));
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const datagouv = (args: string[], key?: string) =>
  run(process.execPath, ["build/lib/cli/bin.js", "api", ...args], {
    env: { ...process.env, DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_API_KEY: key ?? "" },
    maxBuffer: 64 * 1024 * 1024,
  });

describe("datagouv api", () => {
  it("GET /datasets/ --paginate prints every dataset, as the client lists them", async () => {
    const { stdout } = await datagouv(["GET", "/datasets/", "--paginate", "-F", "page_size=7"]);
    const printed = JSON.parse(stdout) as { id: string }[];
    const listed = await env.dg.datasets.list({}, { pageSize: 50 }).all();
    expect(printed.map((d) => d.id)).toEqual(listed.map((d) => d.id));
    expect(printed).toEqual(JSON.parse(JSON.stringify(listed)));
  });

  it("sends fields as a JSON body with the key, and --input as the body", async () => {
    const { stdout } = await datagouv(
      ["POST", "/datasets/", "-f", "title=Made from the command line", "-f", "description=Through datagouv api"],
      API_KEY,
    );
    const made = JSON.parse(stdout);
    expect(made.title).toBe("Made from the command line");
    const file = join(dir, "patch.json");
    writeFileSync(file, JSON.stringify({ description: "From a file" }));
    const edited = JSON.parse((await datagouv(["PUT", `/datasets/${made.id}/`, "--input", file], API_KEY)).stdout);
    expect(edited.description).toBe("From a file");
    expect((await env.dg.datasets.get(made.id)).description).toBe("From a file");
  });

  it("exits 3 with the server's message on an error, and prints other formats as sent", async () => {
    const refused = await datagouv(["POST", "/datasets/", "-f", "title=x"]).catch((error) => error);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("401");
    const { stdout } = await datagouv(["GET", "/site/catalog.ttl"]);
    expect(stdout).toContain("@prefix dcat:");
  });

  it("--list prints the route table", async () => {
    const { stdout } = await datagouv(["--list"]);
    const rows = stdout.trim().split("\n");
    expect(rows).toHaveLength(MAIN_ROUTES.length);
    expect(rows).toContain("POST\t/api/1/harvest/source/{source}/run/\tkey\tharvest.run\tharvest it now");
  });
});
