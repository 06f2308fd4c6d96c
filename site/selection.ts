import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DataGouv, Dataset } from "datagouv-kit";
import type { PageContext } from "datagouv-kit/loaders";
import { isTabularResource } from "datagouv-kit";
import { writeAtomically } from "datagouv-kit";

/**
 * What the dashboard site is built from: the target platform, and which organizations, datasets and resources get a
 * page of their own. Shared by the build script, the site's configuration and its data loaders.
 */
export const CACHE = join(process.cwd(), "src", ".observablehq", "cache");
export const SELECTION_FILE = join(CACHE, "selection.json");
/** The catalog database (site exports and metrics totals) the build fills once and the site-wide loaders read. */
export const CATALOG_DB = join(CACHE, "catalog.duckdb");
const CLAIM_FILE = join(CACHE, "claim.json");

export interface SiteConfig {
  /** How many of each get a page of their own, chosen among the most visited. */
  organizations: number;
  datasets: number;
  resources: number;
}

/** The pages chosen for a build, and the platform they come from: what the data loaders are told. */
export interface Selection extends PageContext {
  target: string;
}

export async function siteConfig(): Promise<SiteConfig> {
  return JSON.parse(await readFile(join(process.cwd(), "src", "site.config.json"), "utf8")) as SiteConfig;
}

/**
 * Loader outputs are never mixed between targets or page selections: Framework reuses whatever its cache holds
 * (organizations.json lists the selected organizations, dataset pages link to selected resources), so the cache is
 * cleared when the target or the configuration differs from the ones it was built for.
 */
export async function claimCache(target: string, config: SiteConfig, log: (line: string) => void): Promise<void> {
  const claim = JSON.stringify({
    target,
    config: { organizations: config.organizations, datasets: config.datasets, resources: config.resources },
  });
  const previous = await readFile(CLAIM_FILE, "utf8").catch(() => undefined);
  if (previous !== undefined && previous !== claim) {
    log(`the cache holds outputs for another target or page selection (${previous}): clearing it`);
    await rm(CACHE, { recursive: true, force: true });
  }
  await mkdir(CACHE, { recursive: true });
  await writeFile(CLAIM_FILE, claim);
}

/** The pages to build, chosen once per claimed cache (a rebuild reuses it): the most visited organizations and datasets. */
export async function selection(dg: DataGouv, config: SiteConfig): Promise<Selection> {
  const cached = await readFile(SELECTION_FILE, "utf8").then(
    (text) => JSON.parse(text) as Selection,
    () => undefined,
  );
  const target = dg.http.endpoints.main;
  if (cached) return cached;
  const health = await dg.http.json<{ synthetic?: boolean }>("metrics", "health/").catch(() => ({ synthetic: false }));
  const topDatasets = await dg
    .metrics("datasets_total")
    .sort("visit", "desc")
    .first(config.datasets * 3);
  const datasets: Dataset[] = [];
  for (const { dataset_id } of topDatasets) {
    if (datasets.length >= config.datasets) break;
    const dataset = await dg.datasets.get(dataset_id).catch(() => undefined);
    if (dataset && !dataset.private && !dataset.deleted) datasets.push(dataset);
  }
  // every dataset with a tabular resource gets a page too, so each resource page links from somewhere
  const tabularDatasets = await dg.datasets.list({ format: "csv" }, { pageSize: 100, limit: 200 }).all();
  const resources: string[] = [];
  for (const dataset of [...datasets, ...tabularDatasets]) {
    for (const resource of dataset.resources ?? []) {
      if (resources.length >= config.resources || resources.includes(resource.id) || !isTabularResource(resource))
        continue;
      // metadata can claim a table the Tabular API no longer serves: its profile decides
      if (await dg.tabularApi.isTabular(resource, { confirm: true })) {
        resources.push(resource.id);
        if (!datasets.some((d) => d.id === dataset.id)) datasets.push(dataset);
      }
    }
  }
  const topOrganizations = await dg
    .metrics("organizations_total")
    .sort("visit_dataset", "desc")
    .first(config.organizations * 3);
  const organizations = [
    ...new Set([
      ...topOrganizations.map((o) => o.organization_id),
      ...datasets.map((d) => d.organization?.id).filter((id): id is string => !!id),
    ]),
  ].slice(0, config.organizations);
  const chosen: Selection = {
    target,
    synthetic: health.synthetic === true,
    organizations,
    datasets: datasets.map((d) => d.id),
    resources,
  };
  await writeAtomically(SELECTION_FILE, (temporary) => writeFile(temporary, JSON.stringify(chosen, null, 2)));
  return chosen;
}

export async function readSelection(): Promise<Selection> {
  return JSON.parse(await readFile(SELECTION_FILE, "utf8")) as Selection;
}
