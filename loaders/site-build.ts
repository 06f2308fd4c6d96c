import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { buildCatalogDatabase } from "../lib/duckdb/catalog.ts";
import { DataGouvError } from "../lib/http/errors.ts";
import { CATALOG_DB } from "./site-data.ts";
import { claimCache, selection, siteClient, siteConfig } from "./site.ts";

/**
 * Builds the dashboard site into dist/ against the platform the environment names (DATAGOUV_SANDBOX_URL for the
 * sandbox, the live data.gouv.fr otherwise): chooses the pages, loads the catalog, then runs `observable build`.
 */
export async function buildSite(log: (line: string) => void = (line) => process.stderr.write(`site: ${line}\n`)): Promise<void> {
  const dg = siteClient();
  try {
    const target = dg.http.endpoints.main;
    try {
      await dg.http.json("main", "api/1/site/", { timeoutMs: 10_000 });
    } catch (error) {
      if (error instanceof DataGouvError && (error.kind === "network" || error.kind === "timeout")) {
        throw new Error(`cannot reach ${target} (${error.kind}): to build offline against the embedded sandbox, run \`npm run demo\``);
      }
      throw error;
    }
    await claimCache(target, log);
    const chosen = await selection(dg, await siteConfig());
    log(`pages: ${chosen.organizations.length} organizations, ${chosen.datasets.length} datasets, ${chosen.resources.length} resources`);
    if (!existsSync(CATALOG_DB)) {
      log("loading the catalog exports and metrics totals");
      await buildCatalogDatabase(dg.http, CATALOG_DB, { log });
    }
  } finally {
    await dg.close();
  }
  const observable = createRequire(import.meta.url).resolve("@observablehq/framework/dist/bin/observable.js");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [observable, "build"], { stdio: "inherit", env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" } });
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
