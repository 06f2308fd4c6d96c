import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DataGouv } from "datagouv-kit";
import type { Duck } from "datagouv-kit/duckdb";
import { chooseTabularResources, type PageContext } from "datagouv-kit/loaders";
import { writeAtomically } from "datagouv-kit";

/**
 * What the dashboard site is built from: the target platform, and which organizations, datasets and resources get a
 * page of their own. Shared by the build script, the site's configuration and its data loaders.
 */
export const CACHE = join(process.cwd(), "src", ".observablehq", "cache");
export const SELECTION_FILE = join(CACHE, "selection.json");
/** The catalog database (site exports and metrics) the build keeps up to date and every page's data comes from. */
export const CATALOG_DB = join(CACHE, "catalog.duckdb");
/** Every page's data, prepared by the build; each data loader copies its own file from here. */
export const PAGE_DATA = join(CACHE, "pages");
/** The exports as downloaded, revalidated with their ETag on the next build. */
export const DOWNLOADS = join(CACHE, "downloads");
const CLAIM_FILE = join(CACHE, "claim.json");

export interface SiteConfig {
  /** How many organizations get a page of their own, the most visited first, or "all" of them. */
  organizations: number | "all";
  /** How many datasets and tabular resources get a page of their own, the most visited first. */
  datasets: number;
  resources: number;
  /** The Metrics API has no validators: metrics loaded less than this long ago are not loaded again (default 24). */
  metricsMaxAgeHours?: number;
}

/** The pages chosen for a build and what the build knows of its target: what the data loaders are told. */
export interface Selection extends PageContext {
  config: SiteConfig;
}

export async function siteConfig(): Promise<SiteConfig> {
  return JSON.parse(await readFile(join(process.cwd(), "src", "site.config.json"), "utf8")) as SiteConfig;
}

/**
 * Loader outputs and downloads are never mixed between targets: the cache is cleared when the target differs from
 * the one it was built for. Within one target, what changed is rebuilt and the rest kept.
 */
export async function claimCache(target: string, log: (line: string) => void): Promise<void> {
  const claim = JSON.stringify({ target });
  const previous = await readFile(CLAIM_FILE, "utf8").catch(() => undefined);
  if (previous !== undefined && previous !== claim) {
    log(`the cache holds outputs for another target (${previous}): clearing it`);
    await rm(CACHE, { recursive: true, force: true });
  }
  await mkdir(CACHE, { recursive: true });
  await writeFile(CLAIM_FILE, claim);
}

export async function readSelection(): Promise<Selection | undefined> {
  return readFile(SELECTION_FILE, "utf8").then(
    (text) => JSON.parse(text) as Selection,
    () => undefined,
  );
}

/** Formats the Tabular API may serve, and the largest file it loads of each (hydra's MAX_FILESIZE_ALLOWED). */
const TABULAR_LIMITS: Record<string, number> = {
  csv: 100e6,
  "csv.gz": 100e6,
  tsv: 100e6,
  xls: 50e6,
  xlsx: 12.5e6,
  ods: 10e6,
  parquet: 50e6,
};

/**
 * Chooses the pages from the catalog database: the most visited datasets and organizations (or all organizations),
 * and tabular resources the Tabular API serves, first among those datasets' (each resource's dataset gets a page too).
 * Only resource candidates cost requests, a bounded number, and none for a resource already asked about.
 */
export async function choosePages(
  dg: DataGouv,
  duck: Duck,
  config: SiteConfig,
  labels: Pick<PageContext, "target" | "synthetic" | "syntheticCatalog">,
): Promise<Selection> {
  const ids = async (sql: string, params: unknown[] = []) =>
    (await duck.all<{ id: string }>(sql, params)).map((r) => r.id);
  const datasets = await ids(
    `SELECT d.id FROM datasets d LEFT JOIN metrics_datasets_total t ON t.dataset_id = d.id
    ORDER BY t.visit DESC NULLS LAST, d.id LIMIT ?`,
    [config.datasets],
  );
  await idTable(duck, "chosen_datasets", datasets);
  const formats = Object.keys(TABULAR_LIMITS);
  const candidates = await duck.all<{ id: string; version: string; dataset: string }>(
    `SELECT r.id, coalesce(CAST(r.modified AS VARCHAR), '') AS version, r."dataset.id" AS dataset
    FROM resources r LEFT JOIN metrics_datasets_total t ON t.dataset_id = r."dataset.id"
      LEFT JOIN chosen_datasets c ON c.id = r."dataset.id"
    WHERE lower(trim(r.format)) IN (${formats.map(() => "?").join(", ")})
      AND coalesce(try_cast(r.filesize AS DOUBLE), 0) <= CASE lower(trim(r.format)) ${formats.map((f) => `WHEN '${f}' THEN ${TABULAR_LIMITS[f]}`).join(" ")} END
    ORDER BY c.id IS NOT NULL DESC, t.visit DESC NULLS LAST, r.id LIMIT 5000`,
    formats,
  );
  const resources = await chooseTabularResources(dg, duck, candidates, config.resources, config.resources * 4);
  const datasetOf = new Map(candidates.map((c) => [c.id, c.dataset]));
  for (const id of resources) if (!datasets.includes(datasetOf.get(id)!)) datasets.push(datasetOf.get(id)!);
  const ranked = await ids(
    `SELECT o.id FROM organizations o LEFT JOIN metrics_organizations_total t ON t.organization_id = o.id
    ORDER BY t.visit_dataset DESC NULLS LAST, o.id`,
  );
  let organizations = ranked;
  if (config.organizations !== "all") {
    await idTable(duck, "chosen_datasets", datasets);
    const owners = await ids(
      "SELECT DISTINCT d.organization_id AS id FROM datasets d JOIN chosen_datasets c ON c.id = d.id",
    );
    // the organizations of the datasets with pages first, so that those pages link to theirs
    organizations = [...new Set([...owners.filter(Boolean), ...ranked])].slice(0, config.organizations);
  }
  const selection: Selection = { ...labels, config, organizations, datasets, resources };
  await writeAtomically(SELECTION_FILE, (temporary) => writeFile(temporary, JSON.stringify(selection, null, 2)));
  return selection;
}

/** A temporary table of ids, to join with (DuckDB's parameters take no lists of strings). */
async function idTable(duck: Duck, name: string, ids: string[]): Promise<void> {
  await duck.run(`CREATE OR REPLACE TEMP TABLE ${name} (id VARCHAR)`);
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    await duck.run(`INSERT INTO ${name} VALUES ${chunk.map(() => "(?)").join(", ")}`, chunk);
  }
}
