import type { DataGouv } from "../lib/client.ts";
import { updateCatalogDatabase, type CatalogBuild, type CatalogOptions } from "../lib/duckdb/catalog-database.ts";
import type { Duck } from "../lib/duckdb/connection.ts";

/** The Metrics API's models the pages read: the site's months, datasets' and organizations' months and totals. */
export const PAGE_METRICS = ["site", "datasets", "organizations", "datasets_total", "organizations_total"] as const;

/**
 * The bulk sources of a build, fetched into the catalog database once (and again only when they change): the five
 * site-wide exports and each Metrics model the pages read. Every page's data then comes from there.
 */
export function updateSources(dg: DataGouv, duck: Duck, options: CatalogOptions = {}): Promise<CatalogBuild> {
  return updateCatalogDatabase(dg.http, duck, { metrics: PAGE_METRICS, ...options });
}
