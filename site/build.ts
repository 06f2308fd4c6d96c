import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { buildCatalogDatabase } from "datagouv-kit/duckdb";
import { DataGouvError } from "datagouv-kit";
import { loaderClient } from "datagouv-kit/loaders";
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
  await seedNpmVersions();
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

/**
 * Framework's client bundle names ~15 libraries as `npm:` imports that pages here never use (they import from
 * node_modules); it only resolves their versions, asking the npm registry unless its cache already lists one. Listing
 * them in the cache (a directory per name@version: installed versions where present) keeps the build off the network.
 */
const CLIENT_LIBRARIES: Record<string, string> = {
  "react-dom": "19.3.1",
  react: "19.3.1",
  lodash: "4.18.1",
  arquero: "8.0.3",
  echarts: "6.1.0",
  leaflet: "1.9.4",
  "mapbox-gl": "3.32.0",
  "topojson-client": "3.1.0",
  "@observablehq/sample-datasets": "1.0.1",
  "d3-dsv": "3.0.2",
  "parquet-wasm": "0.8.0",
  "apache-arrow": "21.2.0",
  d3: "7.9.2",
  "@observablehq/plot": "0.6.17",
  htl: "0.3.1",
};

async function seedNpmVersions(): Promise<void> {
  const require = createRequire(join(process.cwd(), "package.json"));
  for (const [name, fallback] of Object.entries(CLIENT_LIBRARIES)) {
    let version = fallback;
    try {
      version = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not installed: the pinned version stands in, as the module itself is never fetched
    }
    await mkdir(join(CACHE, "_npm", `${name}@${version}`), { recursive: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildSite().catch((error: Error) => {
    process.stderr.write(`site: ${error.message}\n`);
    process.exitCode = 1;
  });
}
