import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseHTML } from "linkedom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profileColumns } from "../../lib/tabular/index.ts";
import { testSandbox } from "../support/sandbox.ts";

/**
 * Each notebook executed for real: Jupyter's nbconvert on the Deno kernel against the sandbox, its saved outputs
 * compared with what the client returns for the same queries.
 */

const run = promisify(execFile);
const deno = realpathSync("node_modules/.bin/deno");
const COMMUNES = "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01";
let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
let kernelEnv: NodeJS.ProcessEnv;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
type Bundle = Record<string, unknown> & { "text/plain": string };
type Resource = { schema: { fields: { name: string; type: string }[] }; data: Record<string, unknown>[] };

beforeAll(async () => {
  await run("jupyter", ["nbconvert", "--version"]).catch(() => {
    throw new Error("Jupyter's nbconvert is missing: run `bash .ci/setup-notebooks.sh` (Debian, as root)");
  });
  dir = mkdtempSync(join(tmpdir(), "datagouv-notebooks-"));
  // this checkout's deno as the "deno" kernel, whichever checkout last ran `deno jupyter --install`
  mkdirSync(join(dir, "kernels", "deno"), { recursive: true });
  writeFileSync(
    join(dir, "kernels", "deno", "kernel.json"),
    JSON.stringify({
      argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno",
      language: "typescript",
    }),
  );
  env = await testSandbox();
  kernelEnv = { ...process.env, JUPYTER_PATH: dir, DATAGOUV_SANDBOX_URL: env.sandbox.url };
}, 60_000);
afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Executes a notebook and returns each code cell's outputs; no cell may have failed. */
async function execute(name: string): Promise<Output[][]> {
  const output = join(dir, name);
  await run(
    "jupyter",
    ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=120", name, "--output", output],
    { cwd: "notebooks", env: kernelEnv },
  );
  const notebook = JSON.parse(readFileSync(output, "utf8")) as { cells: { cell_type: string; outputs?: Output[] }[] };
  const outputs = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []);
  expect(
    outputs
      .flat()
      .filter((o) => o.output_type === "error")
      .map((e) => `${e.ename}: ${e.evalue}`),
  ).toEqual([]);
  return outputs;
}

/** The one bundle a cell displayed (through nb.show); nbformat saves text split in lines. */
function shown(outputs: Output[]): Bundle {
  const displays = outputs.filter((o) => o.output_type === "display_data");
  expect(displays).toHaveLength(1);
  return Object.fromEntries(
    Object.entries(displays[0].data!).map(([type, value]) => [type, Array.isArray(value) ? value.join("") : value]),
  ) as Bundle;
}
const resourceOf = (bundle: Bundle) => bundle["application/vnd.dataresource+json"] as Resource;
const svgOf = (bundle: Bundle) =>
  parseHTML(`<!doctype html><html><body>${bundle["image/svg+xml"]}</body></html>`).document.querySelector("svg")!;

describe("the notebooks", () => {
  it("there are at least three, saved without outputs", () => {
    const names = readdirSync("notebooks").filter((f) => f.endsWith(".ipynb"));
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      const { cells } = JSON.parse(readFileSync(join("notebooks", name), "utf8")) as {
        cells: { cell_type: string; outputs?: unknown[] }[];
      };
      expect(cells.filter((c) => c.cell_type === "code" && c.outputs?.length)).toEqual([]);
    }
  });

  it("01 finds datasets and reads their metadata: the search, card, resource and profile the client gets", async () => {
    const [, search, card, resource, profile] = await execute("01-find-datasets.ipynb");
    const found = await env.dg.datasets.search({ q: "communes" }, { limit: 10 }).all();
    const table = shown(search);
    expect(Object.keys(table).sort()).toEqual(["application/vnd.dataresource+json", "text/html", "text/plain"]);
    expect(table["text/plain"]).toMatch(new RegExp(`^search: communes: ${found.length} rows × 4 columns`));
    expect(resourceOf(table).data.map((r) => r.id)).toEqual(found.map((d) => d.id));
    expect(shown(card)["text/plain"].split("\n")[0]).toBe(`${found[0].title} (${found[0].id})`);
    expect(shown(card)["text/html"]).toMatch(/^<div class="datagouv-card"><h3>/);
    expect(shown(resource)["text/plain"].split("\n")[0]).toBe("communes.csv (0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01)");
    const expected = await env.dg.tabularApi.profile(COMMUNES);
    expect(shown(profile)["text/plain"].split("\n")[0]).toBe(
      `${expected.profile.total_lines!.toLocaleString("en")} rows, ${profileColumns(expected.profile).length} columns`,
    );
  }, 180_000);

  it("02 queries a tabular resource into Arrow and DuckDB and charts it: the rows and sums the client gets", async () => {
    const [, arrow, duck, chart] = await execute("02-tabular-to-arrow-and-duckdb.ipynb");
    const rows = await env.dg
      .tabular(COMMUNES)
      .where("code_departement", "in", ["75", "92", "93", "94"])
      .where("type", "exact", "commune-actuelle")
      .all();
    const arrowTable = shown(arrow);
    expect(arrowTable["text/plain"]).toContain(`${rows.length.toLocaleString("en")} rows × `);
    expect(resourceOf(arrowTable).data).toHaveLength(10);
    expect(resourceOf(arrowTable).schema.fields.find((f) => f.name === "code_commune")?.type).toBe("string");

    const byDepartement = new Map<string, { communes: number; population: number }>();
    for (const row of rows) {
      const entry = byDepartement.get(String(row.code_departement)) ?? { communes: 0, population: 0 };
      entry.communes += 1;
      entry.population += Number(row.population);
      byDepartement.set(String(row.code_departement), entry);
    }
    const duckTable = shown(duck);
    expect(duckTable["text/plain"]).toMatch(
      new RegExp(
        `^DuckDB over ${rows.length} rows: 4 rows × 3 columns\ncode_departement: VARCHAR, communes: INTEGER, population: BIGINT`,
      ),
    );
    expect(resourceOf(duckTable).data).toEqual(
      [...byDepartement]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code_departement, v]) => ({ code_departement, ...v })),
    );

    const bars = shown(chart);
    expect(bars["text/plain"]).toBe("Population by département: 4 bars");
    expect(svgOf(bars).querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(4);
  }, 180_000);

  it("03 follows an organization's visits and downloads over time: the months and totals the client gets", async () => {
    const [, card, chart, totals] = await execute("03-organization-metrics.ipynb");
    const [top] = await env.dg.metrics("organizations_total").sort("visit_dataset", "desc").first(1);
    const organization = await env.dg.organizations.get(top.organization_id);
    expect(shown(card)["text/plain"].split("\n")[0]).toBe(`${organization.name} (${organization.id})`);

    const months = await env.dg
      .metrics("organizations")
      .where("organization_id", "exact", organization.id)
      .sort("metric_month", "asc")
      .all();
    const last = months.at(-1)!;
    const lines = shown(chart);
    expect(lines["text/plain"]).toBe(
      `${organization.name}: visits and downloads: ${months.length} months, last ${last.metric_month.slice(0, 7)}: monthly_visit_dataset ${last.monthly_visit_dataset}, monthly_download_resource ${last.monthly_download_resource}`,
    );
    expect(svgOf(lines).querySelectorAll('g[aria-label="line"] path')).toHaveLength(2);

    const datasets = await env.dg.organizations.datasets(organization.id, { sort: "-views" }, { limit: 20 }).all();
    const expected = await env.dg
      .metrics("datasets_total")
      .where(
        "dataset_id",
        "in",
        datasets.map((d) => d.id),
      )
      .sort("visit", "desc")
      .all();
    expect(resourceOf(shown(totals)).data.map((r) => [r.dataset_id, r.visit])).toEqual(
      expected.map((r) => [r.dataset_id, r.visit]),
    );
  }, 180_000);
});

describe("under deno run", () => {
  it("the library, DuckDB and the charts run with the project's node_modules (--node-modules-dir=manual)", async () => {
    const { stdout } = await run(deno, ["run", "-A", "--node-modules-dir=manual", "test/notebook/under-deno.ts"], {
      env: kernelEnv,
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    const rows = await env.dg.tabular(COMMUNES).where("code_departement", "in", ["92", "93"]).all();
    const site = await env.dg.metrics("site").all();
    expect(result).toEqual({
      arrowRows: rows.length,
      arrowTable: `${rows.length} rows × 11 columns`,
      duckdbRows: rows.length,
      population: rows.reduce((sum, r) => sum + Number(r.population), 0),
      svg: "<svg",
      chart: expect.stringMatching(
        new RegExp(`^metrics: ${new Set(site.map((r) => r.metric_month.slice(0, 7))).size} months`),
      ),
    });
    // show() outside a kernel prints the summary
    expect(stdout).toContain("1 rows × 1 columns\nprinted: string\noutside a kernel");
  }, 180_000);
});
