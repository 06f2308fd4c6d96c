import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startSandbox } from "datagouv-kit-sandbox";
import { DataGouv } from "../lib/client.ts";
import { CATALOG_EXPORTS } from "../lib/catalog/site.ts";
import { cachedDownload } from "../lib/duckdb/cache.ts";
import { updateCatalogDatabase } from "../lib/duckdb/catalog-database.ts";
import { Duck, literal } from "../lib/duckdb/connection.ts";
import { buildSite, observableBuild, type BuildReport } from "../site/build.ts";
import { seedNpmVersions } from "../site/npm-versions.ts";
import { CACHE } from "../site/selection.ts";

/**
 * The site's build at scale, each figure measured in this run against its baseline:
 * - the marginal build cost of an organization page and of a dataset page (the time `pages` more of them add) against
 *   that of a page whose parameterized loader is a trivial `.json.js`, in a Framework project of its own;
 * - requests per page of a build with a page for every organization of a mid-size synthetic catalog, and the bytes an
 *   unchanged rebuild downloads;
 * - the full-scale synthetic catalog's exports loaded into the catalog database over HTTP against DuckDB's own
 *   `read_csv` of the same files on local disk, and what the full-scale sandbox costs to start.
 * It overwrites dist/ and the site's cache.
 */

const PAGES = 30;
/** A catalog of some 400 organizations: the build's requests are the same whatever the number of pages. */
const MID_SIZE = 5_000;

const timed = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
  const started = performance.now();
  const result = await work();
  return [(performance.now() - started) / 1000, result];
};

/** Seconds `observable build` takes for a project of `pages` pages whose loader writes `{}`. */
async function trivialBuild(dir: string, pages: number): Promise<number> {
  await rm(join(dir, "dist"), { recursive: true, force: true });
  const cache = join(dir, "src", ".observablehq", "cache");
  for (const entry of await readdir(cache).catch(() => [] as string[]))
    if (entry !== "_npm") await rm(join(cache, entry), { recursive: true, force: true });
  await writeFile(
    join(dir, "observablehq.config.js"),
    `export default {root: "src", globalStylesheets: [], search: false, dynamicPaths: ${JSON.stringify(
      Array.from({ length: pages }, (_, i) => `/pages/p${i}`),
    )}};\n`,
  );
  return (await timed(() => observableBuild(dir, true)))[0];
}

async function trivialProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "datagouv-trivial-site-"));
  await mkdir(join(dir, "src", "pages"), { recursive: true });
  await writeFile(join(dir, "src", "index.md"), "# Index\n");
  await writeFile(
    join(dir, "src", "pages", "[id].md"),
    "# A page\n\n```js\nconst data = await FileAttachment(`${observable.params.id}.json`).json();\ndisplay(data);\n```\n",
  );
  await writeFile(join(dir, "src", "pages", "[id].json.js"), 'process.stdout.write("{}");\n');
  // an ES module, as the site's loaders are (the module system alone costs a loader some tens of milliseconds)
  await writeFile(join(dir, "package.json"), '{"type": "module"}\n');
  await seedNpmVersions(join(dir, "src", ".observablehq", "cache"));
  return dir;
}

/** A build of the site with its pages' loader outputs gone (so that their loaders run), the data kept. */
async function siteBuild(config: Parameters<typeof buildSite>[1]): Promise<[number, BuildReport]> {
  for (const kind of ["organizations", "datasets", "resources"])
    await rm(join(CACHE, kind), { recursive: true, force: true });
  await rm("dist", { recursive: true, force: true });
  return timed(() => buildSite(() => {}, config, { quiet: true }));
}

/** The full-scale sandbox in a process of its own: how long it takes to be ready, and its peak memory. */
async function fullSandbox(): Promise<{ url: string; child: ChildProcess; seconds: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["build/lib/cli/bin.js", "sandbox", "--catalog", "full", "--big-rows", "1000"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening on (\S+)$/.exec(line);
    if (match) return { url: match[1], child, seconds: (performance.now() - started) / 1000 };
  }
  throw new Error("the full-scale sandbox did not start");
}

function peakMemoryMB(pid: number | undefined): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export async function siteBench(say: (line: string) => void): Promise<void> {
  // 1. Marginal cost of a page: the time PAGES more pages add, ours against a trivial loader's.
  const trivial = await trivialProject();
  let trivialPage: number;
  try {
    await trivialBuild(trivial, PAGES);
    const [few, many] = [await trivialBuild(trivial, PAGES), await trivialBuild(trivial, 3 * PAGES)];
    trivialPage = (many - few) / (2 * PAGES);
  } finally {
    await rm(trivial, { recursive: true, force: true });
  }
  const sandbox = await startSandbox({ catalog: MID_SIZE, tabular: { bigRows: 1_000 }, apiKeys: ["bench-key-0001"] });
  const previous = process.env.DATAGOUV_SANDBOX_URL;
  process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
  try {
    await rm(CACHE, { recursive: true, force: true });
    const base = { datasets: 4, resources: 2 };
    // the first build fetches the data and bundles the pages' libraries; the next ones reuse both
    const [, all] = await siteBuild({ ...base, organizations: "all" });
    const orgCost = async (n: number) => (await siteBuild({ ...base, organizations: n }))[0];
    const orgFew = await orgCost(PAGES);
    const orgPage = ((await orgCost(3 * PAGES)) - orgFew) / (2 * PAGES);
    const datasets = (n: number) => ({ organizations: 3, datasets: n, resources: 2 });
    const dataCost = async (n: number) => (await siteBuild(datasets(n)))[0];
    const dataFew = await dataCost(PAGES);
    const datasetPage = ((await dataCost(3 * PAGES)) - dataFew) / (2 * PAGES);
    // the same pages again, nothing changed since the last build
    const [, unchanged] = await timed(() => buildSite(() => {}, datasets(3 * PAGES), { quiet: true }));
    say(
      `site: marginal build cost of an organization page: ${(orgPage / trivialPage).toFixed(2)}x a trivial ` +
        `.json.js page's (target <= 2) [${(orgPage * 1000).toFixed(0)} ms vs ${(trivialPage * 1000).toFixed(0)} ` +
        `ms, from ${PAGES} to ${3 * PAGES} pages]`,
    );
    say(
      `site: marginal build cost of a dataset page: ${(datasetPage / trivialPage).toFixed(2)}x a trivial ` +
        `.json.js page's (target <= 2) [${(datasetPage * 1000).toFixed(0)} ms]`,
    );
    say(
      `site: a page for every organization of a ${MID_SIZE.toLocaleString("en")}-dataset catalog: ` +
        `${(all.requests / all.pages).toFixed(3)} requests a page (target < 0.1) [${all.requests} requests, ` +
        `${all.pages} pages, ${(all.bytes / 1e6).toFixed(1)} MB, ${all.seconds.toFixed(0)} s]`,
    );
    say(
      `site: an unchanged rebuild downloads ${unchanged.bytes} bytes (target 0) [${unchanged.requests} ` +
        `conditional requests, ${unchanged.changed} page data files changed]`,
    );
  } finally {
    process.env.DATAGOUV_SANDBOX_URL = previous;
    await sandbox.close();
  }

  // 2. The full-scale catalog's exports into the catalog database, against DuckDB's read_csv of the same files.
  const dir = await mkdtemp(join(tmpdir(), "datagouv-bench-catalog-"));
  const full = await fullSandbox();
  const dg = new DataGouv({ sandboxUrl: full.url }, {});
  try {
    say(
      `sandbox --catalog full: ready in ${full.seconds.toFixed(0)} s (target < 60), peak memory ${peakMemoryMB(full.child.pid)?.toFixed(0)} MB (target < 2048)`,
    );
    // each load downloads afresh: a new download cache, a new database
    const load = async (i: number) => {
      const duck = await Duck.open({ path: join(dir, `catalog-${i}.duckdb`) });
      try {
        return await updateCatalogDatabase(dg.http, duck, { dir: join(dir, `downloads-${i}`), metrics: [] });
      } finally {
        duck.close();
      }
    };
    await load(0);
    const loads = [await timed(() => load(1)), await timed(() => load(2))];
    const [ours, { tables }] = loads.sort((a, b) => a[0] - b[0])[0];
    const files = await Promise.all(
      CATALOG_EXPORTS.map(
        async (kind) =>
          (
            await cachedDownload(dg.http, dg.http.url("main", `api/1/site/${kind}.csv`), {
              dir: join(dir, "downloads-1"),
            })
          ).file,
      ),
    );
    const readCsv = async (i: number) => {
      const duck = await Duck.open({ path: join(dir, `local-${i}.duckdb`) });
      try {
        for (const [k, file] of files.entries())
          await duck.run(
            `CREATE TABLE t${k} AS SELECT * FROM read_csv(${literal(file)}, delim = ';', quote = '"', escape = '"', header = true, normalize_names = false)`,
          );
      } finally {
        duck.close();
      }
    };
    const local = Math.min((await timed(() => readCsv(1)))[0], (await timed(() => readCsv(2)))[0]);
    // the five exports alone, fetched at once into files as the load fetches them: what the sandbox, on the same
    // cores, takes to serve them bounds the load from below
    const fetchAll = (i: number) =>
      Promise.all(
        CATALOG_EXPORTS.map((kind) =>
          cachedDownload(dg.http, dg.http.url("main", `api/1/site/${kind}.csv`), { dir: join(dir, `fetch-${i}`) }),
        ),
      );
    const transfer = Math.min((await timed(() => fetchAll(1)))[0], (await timed(() => fetchAll(2)))[0]);
    say(
      `full-scale catalog (${tables.datasets.toLocaleString("en")} datasets, ` +
        `${tables.resources.toLocaleString("en")} resources) into the catalog database over HTTP vs DuckDB's ` +
        `read_csv of the same files on disk: ${(local / ours).toFixed(2)} of its speed (target >= 0.5) ` +
        `[${ours.toFixed(1)} s vs ${local.toFixed(1)} s]`,
    );
    say(
      `  of which the sandbox's five exports alone (fetched at once into files): ${transfer.toFixed(1)} s, a ` +
        `ceiling of ${(local / transfer).toFixed(2)} of DuckDB's speed on these shared cores`,
    );
  } finally {
    await dg.close();
    full.child.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines: string[] = [];
  await siteBench((line) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  });
  process.stdout.write(`${lines.join("\n")}\n`);
}
