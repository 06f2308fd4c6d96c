import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { buildCatalogDatabase } from "datagouv-kit/duckdb";
import { DataGouvError } from "datagouv-kit";
import { loaderClient } from "datagouv-kit/loaders";
import { seedNpmVersions } from "./npm-versions.ts";
import { CACHE, CATALOG_DB, claimCache, selection, siteConfig, type SiteConfig } from "./selection.ts";

/**
 * Builds the dashboard site into dist/ against the platform the environment names (DATAGOUV_SANDBOX_URL for the
 * sandbox, the live data.gouv.fr otherwise): chooses the pages, loads the catalog, then runs `observable build`.
 * `config` overrides how many pages src/site.config.json asks for.
 */
export async function buildSite(
  log: (line: string) => void = (line) => process.stderr.write(`site: ${line}\n`),
  config?: SiteConfig,
): Promise<void> {
  const dg = loaderClient();
  try {
    const target = dg.http.endpoints.main;
    try {
      await dg.http.json("main", "api/1/site/", { timeoutMs: 10_000 });
    } catch (error) {
      if (error instanceof DataGouvError && (error.kind === "network" || error.kind === "timeout")) {
        throw new Error(
          `cannot reach ${target} (${error.kind}): to build offline against the embedded sandbox, run \`npm run demo\``,
        );
      }
      throw error;
    }
    const pages = config ?? (await siteConfig());
    await claimCache(target, pages, log);
    const chosen = await selection(dg, pages);
    log(
      `pages: ${chosen.organizations.length} organizations, ${chosen.datasets.length} datasets, ${chosen.resources.length} resources`,
    );
    if (!existsSync(CATALOG_DB)) {
      log("loading the catalog exports and metrics totals");
      await buildCatalogDatabase(dg.http, CATALOG_DB, { log });
    }
  } finally {
    await dg.close();
  }
  await seedNpmVersions(CACHE);
  const observable = createRequire(import.meta.url).resolve("@observablehq/framework/dist/bin/observable.js");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [observable, "build"], {
      stdio: "inherit",
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
