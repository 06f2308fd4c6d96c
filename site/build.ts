import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { DataGouvError, type DataGouv } from "datagouv-kit";
import { Duck } from "datagouv-kit/duckdb";
import { loaderClient, updateSources, writePages, type Traffic } from "datagouv-kit/loaders";
import { seedNpmVersions } from "./npm-versions.ts";
import {
  CACHE,
  CATALOG_DB,
  choosePages,
  claimCache,
  DOWNLOADS,
  PAGE_DATA,
  readSelection,
  siteConfig,
  type Selection,
  type SiteConfig,
} from "./selection.ts";

/** What a build did: its requests and bytes received, and the pages whose data changed. */
export interface BuildReport extends Traffic {
  pages: number;
  changed: number;
  seconds: number;
}

/**
 * Builds the dashboard site into dist/ against the platform the environment names (DATAGOUV_SANDBOX_URL for the
 * sandbox, the live data.gouv.fr otherwise). Its cost follows the data, not the pages: the bulk sources (the site-wide
 * exports, each Metrics model) are fetched once into the catalog database, and again only when they change; every
 * page's data is then written from there in one pass, and Framework runs again only the loaders of pages whose data
 * changed. `config` overrides src/site.config.json.
 */
export async function buildSite(
  log: (line: string) => void = (line) => process.stderr.write(`site: ${line}\n`),
  config?: SiteConfig,
  { quiet = false }: { quiet?: boolean } = {},
): Promise<BuildReport> {
  const started = Date.now();
  const traffic: Traffic = { requests: 0, bytes: 0 };
  const dg = await loaderClient(traffic);
  let selection: Selection;
  let changed: string[];
  try {
    const target = dg.http.endpoints.main;
    const pages = config ?? (await siteConfig());
    await claimCache(target, log);
    const duck = await Duck.open({ path: CATALOG_DB });
    try {
      const sources = await reachable(target, () =>
        updateSources(dg, duck, {
          dir: DOWNLOADS,
          log,
          metricsMaxAgeMs: (pages.metricsMaxAgeHours ?? 24) * 3_600_000,
        }),
      );
      const previous = await readSelection();
      selection =
        previous && sources.changed.length === 0 && JSON.stringify(previous.config) === JSON.stringify(pages)
          ? previous
          : await choosePages(dg, duck, pages, await labels(dg, target));
      log(
        `pages: ${selection.organizations.length} organizations, ${selection.datasets.length} datasets, ${selection.resources.length} resources`,
      );
      changed = await writePages(duck, PAGE_DATA, selection);
    } finally {
      duck.close();
    }
  } finally {
    await dg.close();
  }
  // Framework reuses a loader's cached output whatever its age: the outputs of pages whose data changed go
  for (const path of changed) await rm(join(CACHE, path), { force: true });
  log(`page data: ${changed.length} files changed`);
  await seedNpmVersions(CACHE);
  await observableBuild(process.cwd(), quiet);
  const report = {
    ...traffic,
    pages: 3 + selection.organizations.length + selection.datasets.length + selection.resources.length,
    changed: changed.length,
    seconds: (Date.now() - started) / 1000,
  };
  log(
    `built ${report.pages} pages in ${report.seconds.toFixed(0)} s: ${report.requests} requests, ` +
      `${formatBytes(report.bytes)} downloaded, ${report.changed} page data files changed`,
  );
  return report;
}

/** The first request of a build tells whether the target can be reached at all; if not, what to do instead. */
async function reachable<T>(target: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DataGouvError && (error.kind === "network" || error.kind === "timeout"))
      throw new Error(
        `cannot reach ${target} (${error.kind}): to build offline against the embedded sandbox, run \`npm run demo\``,
      );
    throw error;
  }
}

/** Whether the target's metrics, or its whole catalog, are synthetic: the sandbox's /health/ payloads say so. */
async function labels(
  dg: DataGouv,
  target: string,
): Promise<Pick<Selection, "target" | "synthetic" | "syntheticCatalog">> {
  const metrics = await dg.http.json<{ synthetic?: boolean }>("metrics", "health/").catch(() => ({ synthetic: false }));
  const main = await dg.http
    .json<{ catalog?: { synthetic?: boolean } }>("main", "api/1/health/")
    .catch(() => ({ catalog: undefined }));
  return { target, synthetic: metrics.synthetic === true, syntheticCatalog: main.catalog?.synthetic === true };
}

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** `observable build` in `cwd` (the project's root by default). */
export async function observableBuild(cwd = process.cwd(), quiet = false): Promise<void> {
  const observable = createRequire(import.meta.url).resolve("@observablehq/framework/dist/bin/observable.js");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [observable, "build"], {
      cwd,
      // Framework's own log goes to stdout, line by line; quiet keeps its errors only
      stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
      env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`observable build failed (exit ${code})`))));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildSite().catch((error: Error) => {
    process.stderr.write(`site: ${error.message}\n`);
    process.exitCode = 1;
  });
}
