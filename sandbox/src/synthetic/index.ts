import type { Duck } from "datagouv-kit/duckdb";
import type { MainStore } from "../main/store.ts";
import type { CatalogLabel } from "../types.ts";
import type { MonthRange } from "../metrics/generate.ts";
import { generateCatalog } from "./catalog.ts";
import { generateSyntheticMetrics } from "./metrics.ts";
import { FULL_CATALOG, scaledCounts, type CatalogCounts } from "./shape.ts";

export { FULL_CATALOG } from "./shape.ts";
export { mergeSyntheticMetrics } from "./metrics.ts";
export type { CatalogLabel } from "../types.ts";

/** The catalog the sandbox serves: its seed alone, the real platform's size, or that many datasets in all. */
export type CatalogSize = "seed" | "full" | number;

export interface SyntheticPart {
  label: CatalogLabel;
  /** Whether an object is one of the generated ones (the seed's metrics generator leaves them out). */
  has(id: string): boolean;
}

/** The counts a catalog size asks for, the seed's objects included; undefined for the seed alone. */
export function catalogCounts(size: CatalogSize): CatalogCounts | undefined {
  if (size === "seed") return undefined;
  if (size === "full") return FULL_CATALOG;
  if (!Number.isInteger(size) || size < 1) throw new TypeError(`catalog: a number of datasets, not ${size}`);
  return scaledCounts(size);
}

/**
 * Adds the synthetic catalog to the Main API's store, next to the seed (whose objects count toward the totals), and
 * computes its metrics. The generated documents are not written to the database: they are the same at every start.
 */
export async function addSyntheticCatalog(
  store: MainStore,
  db: Duck,
  size: CatalogSize,
  months: MonthRange,
  log: (line: string) => void,
): Promise<SyntheticPart | undefined> {
  const target = catalogCounts(size);
  if (!target) return undefined;
  const seed = seedCounts(store);
  const counts: CatalogCounts = {
    datasets: Math.max(0, target.datasets - seed.datasets),
    resources: Math.max(0, target.resources - seed.resources),
    organizations: Math.max(1, target.organizations - seed.organizations),
    reuses: Math.max(0, target.reuses - seed.reuses),
    dataservices: Math.max(0, target.dataservices - seed.dataservices),
    largestOrganization: target.largestOrganization,
  };
  const started = Date.now();
  const { docs } = generateCatalog(counts);
  store.include(docs);
  const ids = new Set(docs.map((d) => d.id));
  log(`synthetic catalog: ${counts.datasets.toLocaleString("en")} datasets generated in ${seconds(started)}`);
  const metricsStarted = Date.now();
  await generateSyntheticMetrics(db, docs, months);
  log(`synthetic catalog: metrics computed in ${seconds(metricsStarted)}`);
  const total = seedCounts(store);
  return {
    has: (id) => ids.has(id),
    label: {
      synthetic: true,
      note:
        `A synthetic catalog of ${total.datasets.toLocaleString("en")} datasets, generated to the real platform's ` +
        `size and shape, surrounds udata's fixture and the sandbox's real tables; its metrics are synthetic too.`,
      ...total,
    },
  };
}

/** Public objects, as the site's metrics and the catalog exports count them. */
function seedCounts(store: MainStore): Omit<CatalogCounts, "largestOrganization"> {
  const datasets = store.all("datasets").filter((d) => !d.private && !d.deleted && !d.archived);
  return {
    datasets: datasets.length,
    resources: datasets.reduce((n, d) => n + (d.resources ?? []).length, 0),
    organizations: store.all("organizations").filter((o) => !o.deleted).length,
    reuses: store.all("reuses").filter((r) => !r.deleted && !r.private).length,
    dataservices: store.all("dataservices").filter((s) => !s.deleted_at && !s.private).length,
  };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
