import type { DataGouv } from "../lib/client.ts";
import type { CatalogBuild, CatalogOptions } from "../lib/duckdb/catalog-database.ts";
import type { Duck } from "../lib/duckdb/connection.ts";
import type { PageContext } from "./context.ts";
import type { ResourceCandidate } from "./resources.ts";

export type { PageContext } from "./context.ts";
export type { Traffic } from "./traffic.ts";
export type { ResourceCandidate } from "./resources.ts";
export { emitBytes, emitFile, emitJson, loaderClient, param } from "./run.ts";

// A page's loader only copies its prepared file: what builds those files (DuckDB, the client) loads on first use.

/** The build's bulk sources into the catalog database (see sources.ts). */
export async function updateSources(dg: DataGouv, duck: Duck, options?: CatalogOptions): Promise<CatalogBuild> {
  return (await import("./sources.ts")).updateSources(dg, duck, options);
}

/** Every page's data, written where its loader reads it (see pages.ts); returns the paths that changed. */
export async function writePages(duck: Duck, dir: string, context: PageContext): Promise<string[]> {
  return (await import("./pages.ts")).writePages(duck, dir, context);
}

/** The first `wanted` candidates the Tabular API serves, their profiles and rows stored (see resources.ts). */
export async function chooseTabularResources(
  dg: DataGouv,
  duck: Duck,
  candidates: ResourceCandidate[],
  wanted: number,
  attempts: number,
): Promise<string[]> {
  return (await import("./resources.ts")).chooseTabularResources(dg, duck, candidates, wanted, attempts);
}
