import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testSandbox } from "../support/sandbox.ts";

/** Each notebook executed for real: Jupyter's nbconvert on the Deno kernel, against the sandbox. */

const run = promisify(execFile);
let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

beforeAll(async () => {
  env = await testSandbox();
  dir = mkdtempSync(join(tmpdir(), "datagouv-notebooks-"));
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

async function execute(name: string): Promise<Output[][]> {
  const output = join(dir, name);
  await run("jupyter", ["nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.timeout=120`, name, "--output", output], {
    cwd: "notebooks",
    env: { ...process.env, DATAGOUV_SANDBOX_URL: env.sandbox.url },
  });
  const notebook = JSON.parse(readFileSync(output, "utf8")) as { cells: { cell_type: string; outputs?: Output[] }[] };
  const outputs = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []);
  const errors = outputs.flat().filter((o) => o.output_type === "error");
  expect(errors.map((e) => `${e.ename}: ${e.evalue}`)).toEqual([]);
  return outputs;
}

const types = (outputs: Output[]) => outputs.flatMap((o) => Object.keys(o.data ?? {}));
const plain = (outputs: Output[]) => outputs.map((o) => String(o.data?.["text/plain"] ?? (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))).join("\n");

describe("the notebooks run on the Deno kernel", () => {
  it("there are at least three", () => {
    expect(readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).length).toBeGreaterThanOrEqual(3);
  });

  it("01: finds datasets and reads their metadata", async () => {
    const [setup, search, card, resource, profile] = await execute("01-find-datasets.ipynb");
    expect(plain(setup)).toContain(env.sandbox.url);
    expect(types(search)).toEqual(expect.arrayContaining(["text/plain", "text/html", "application/vnd.dataresource+json"]));
    const found = await env.dg.datasets.search({ q: "communes" }, { limit: 10 }).all();
    expect(plain(search)).toMatch(new RegExp(`^search: communes: ${found.length} rows`));
    expect(plain(card)).toContain(found[0].title);
    expect(types(resource)).toContain("text/html");
    expect(types(profile)).toContain("text/html");
  }, 180_000);

  it("02: queries a tabular resource into Arrow and DuckDB and charts it", async () => {
    const [, arrow, duck, chart] = await execute("02-tabular-to-arrow-and-duckdb.ipynb");
    const expected = await env.dg.tabular("0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01").where("code_departement", "in", ["75", "92", "93", "94"]).where("type", "exact", "commune-actuelle").count();
    expect(plain(arrow)).toContain(`${expected!.toLocaleString("en")} rows`);
    expect(types(arrow)).toContain("application/vnd.dataresource+json");
    expect(plain(duck)).toContain(`DuckDB over ${expected} rows: 4 rows`);
    expect(types(chart)).toContain("image/svg+xml");
    expect(String(chart[0].data!["image/svg+xml"])).toMatch(/^<svg/);
  }, 180_000);

  it("03: follows an organization's visits and downloads over time", async () => {
    const [, card, chart, totals] = await execute("03-organization-metrics.ipynb");
    const [top] = await env.dg.metrics("organizations_total").sort("visit_dataset", "desc").first(1);
    const organization = await env.dg.organizations.get(top.organization_id);
    expect(plain(card)).toContain(organization.name);
    expect(types(chart)).toContain("image/svg+xml");
    const months = await env.dg.metrics("organizations").where("organization_id", "exact", organization.id).count();
    expect(plain(chart)).toContain(`${months} months`);
    expect(types(totals)).toContain("application/vnd.dataresource+json");
  }, 180_000);
});
