import { rename, rm } from "node:fs/promises";
import { CATALOG_EXPORTS } from "../catalog/site.ts";
import type { HttpClient } from "../http/client.ts";
import { MetricsQuery } from "../metrics/query.ts";
import { cachedDownload, type CacheOptions } from "./cache.ts";
import { Duck, literal } from "./connection.ts";
import { toDuckDB } from "./export.ts";
import { quote } from "../query/sql.ts";

/**
 * The whole catalog in one DuckDB database: the site-wide exports (datasets, resources, organizations, reuses,
 * dataservices, in udata's `;`-separated CSV) and Metrics API models (by default the `_total` tables and the site's
 * months).
 */
export const METRICS_TABLES = [
  "datasets_total",
  "resources_total",
  "organizations_total",
  "reuses_total",
  "dataservices_total",
  "site",
] as const;

export interface CatalogOptions extends CacheOptions {
  log?: (line: string) => void;
  /** The Metrics API's models to load (default: `METRICS_TABLES`). */
  metrics?: readonly string[];
  /**
   * The Metrics API sends no validators, so a model cannot be revalidated: one loaded less than this long ago is kept
   * as it is (heuristic freshness, as HTTP caches give responses without validators). Default 0: always reloaded.
   */
  metricsMaxAgeMs?: number;
}

export interface CatalogBuild {
  /** Rows per table. */
  tables: Record<string, number>;
  /** The tables this run loaded anew; the others were unchanged (an export the server revalidated, fresh metrics). */
  changed: string[];
}

/** The table a Metrics model is loaded into. */
export function metricsTable(model: string): string {
  return model === "site" ? "site_metrics" : `metrics_${model}`;
}

const SOURCES = "catalog_sources";
const STAGED = "staged_";

/** Builds the catalog database at `path` afresh, written atomically (exports cached by URL are revalidated). */
export async function buildCatalogDatabase(
  http: HttpClient,
  path: string,
  options: CatalogOptions = {},
): Promise<CatalogBuild> {
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  const duck = await Duck.open({ path: temporary });
  try {
    const build = await updateCatalogDatabase(http, duck, options);
    duck.close();
    await rename(temporary, path);
    return build;
  } catch (error) {
    duck.close();
    await rm(temporary, { force: true });
    await rm(`${temporary}.wal`, { force: true });
    throw error;
  }
}

/**
 * Brings an open catalog database up to date, loading only what changed: an export is downloaded again only if the
 * server says it changed (conditional requests), a metrics model only once older than `metricsMaxAgeMs`. What is
 * loaded goes to staging tables first, swapped in together in one transaction: a failure leaves the database as it
 * was.
 */
export async function updateCatalogDatabase(
  http: HttpClient,
  duck: Duck,
  options: CatalogOptions = {},
): Promise<CatalogBuild> {
  await duck.run(
    `CREATE TABLE IF NOT EXISTS ${SOURCES} (name VARCHAR PRIMARY KEY, version VARCHAR, loaded_at TIMESTAMPTZ, rows BIGINT)`,
  );
  for (const { name } of await duck.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE starts_with(table_name, '${STAGED}')`,
  ))
    await duck.run(`DROP TABLE ${quote(name)}`);
  const existing = new Set(
    (await duck.all<{ name: string }>("SELECT table_name AS name FROM duckdb_tables()")).map((t) => t.name),
  );
  const state = new Map(
    (
      await duck.all<{ name: string; version: string; loaded: number; rows: number }>(
        `SELECT name, version, epoch_ms(loaded_at)::DOUBLE AS loaded, rows::DOUBLE AS rows FROM ${SOURCES}`,
      )
    ).map((row) => [row.name, row]),
  );
  const tables: Record<string, number> = {};
  const staged: { table: string; version: string; rows: number }[] = [];
  const log = options.log ?? (() => {});
  // the downloads run at once, each export loaded as soon as its file is in (the network and DuckDB overlap)
  const downloads = CATALOG_EXPORTS.map((kind) =>
    cachedDownload(http, http.url("main", `api/1/site/${kind}.csv`), options),
  );
  const settled = Promise.allSettled(downloads);
  try {
    for (const [i, kind] of CATALOG_EXPORTS.entries()) await loadExport(kind, await downloads[i]);
  } catch (error) {
    // no download is left running behind a failure
    await settled;
    throw error;
  }
  async function loadExport(kind: string, cached: Awaited<(typeof downloads)[number]>): Promise<void> {
    const previous = state.get(kind);
    if (previous?.version === cached.version && existing.has(kind)) {
      log(`${kind}: unchanged since the last download`);
      tables[kind] = previous.rows;
      return;
    }
    log(
      cached.status === "revalidated"
        ? `${kind}: unchanged since the last download, loaded`
        : `${kind}: downloaded ${(cached.size / 1e6).toFixed(1)} MB`,
    );
    await duck.run(
      `CREATE TABLE ${quote(STAGED + kind)} AS SELECT * FROM read_csv(${literal(cached.file)}, delim = ';', ` +
        `quote = '"', escape = '"', header = true, normalize_names = false)`,
    );
    staged.push({ table: kind, version: cached.version, rows: (tables[kind] = await count(duck, STAGED + kind)) });
  }
  const maxAge = options.metricsMaxAgeMs ?? 0;
  for (const model of options.metrics ?? METRICS_TABLES) {
    const table = metricsTable(model);
    const previous = state.get(table);
    if (previous && existing.has(table) && Date.now() - previous.loaded < maxAge) {
      log(`${table}: loaded ${Math.round((Date.now() - previous.loaded) / 60_000)} min ago, kept`);
      tables[table] = previous.rows;
      continue;
    }
    const rows = await toDuckDB(MetricsQuery.of(model).bind(http), duck, STAGED + table);
    staged.push({ table, version: new Date().toISOString(), rows: (tables[table] = rows) });
    log(`${table}: ${rows} rows`);
  }
  await duck.run("BEGIN TRANSACTION");
  try {
    for (const { table, version, rows } of staged) {
      await duck.run(`DROP TABLE IF EXISTS ${quote(table)}`);
      await duck.run(`ALTER TABLE ${quote(STAGED + table)} RENAME TO ${quote(table)}`);
      await duck.run(`INSERT OR REPLACE INTO ${SOURCES} VALUES (?, ?, current_timestamp, ?)`, [table, version, rows]);
    }
    await duck.run("COMMIT");
  } catch (error) {
    await duck.run("ROLLBACK");
    throw error;
  }
  return { tables, changed: staged.map((s) => s.table) };
}

async function count(duck: Duck, table: string): Promise<number> {
  const [{ n }] = await duck.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${quote(table)}`);
  return n;
}

/** Questions people ask of the catalog, as SQL over the database built above. */
export const CATALOG_QUERIES = {
  /** The most visited datasets over the Metrics API's whole history. */
  "top-datasets": `SELECT d.id, d.title, d.organization, t.visit::BIGINT AS visits, t.download_resource::BIGINT AS downloads
    FROM datasets d JOIN metrics_datasets_total t ON t.dataset_id = d.id ORDER BY t.visit DESC NULLS LAST LIMIT 20`,
  /** Resources by format (lower-cased, as people type them differently). */
  formats: `SELECT coalesce(nullif(lower(trim(format)), ''), '(none)') AS format, count(*)::INTEGER AS resources
    FROM resources GROUP BY 1 ORDER BY 2 DESC, 1`,
  /** Datasets by licence. */
  licences: `SELECT coalesce(license, '(none)') AS license, count(*)::INTEGER AS datasets FROM datasets GROUP BY 1 ORDER BY 2 DESC, 1`,
  /** How recently datasets were modified. */
  freshness: `SELECT CASE WHEN age < INTERVAL 31 DAY THEN 'last month' WHEN age < INTERVAL 365 DAY THEN 'last year'
      WHEN age < INTERVAL 1095 DAY THEN 'last three years' ELSE 'older' END AS modified, count(*)::INTEGER AS datasets
    FROM (SELECT current_timestamp - try_cast(last_modified AS TIMESTAMPTZ) AS age FROM datasets) GROUP BY 1 ORDER BY min(age)`,
  /** The quality score's distribution (0 to 1, by tenths). */
  quality: `SELECT floor(try_cast(quality_score AS DOUBLE) * 10) / 10 AS score_from, count(*)::INTEGER AS datasets,
      round(avg(try_cast(quality_score AS DOUBLE)), 3) AS mean_score FROM datasets GROUP BY 1 ORDER BY 1`,
} as const;

export type CatalogQuery = keyof typeof CATALOG_QUERIES;

export async function catalogReport(duck: Duck, query: CatalogQuery): Promise<Record<string, unknown>[]> {
  return duck.all(CATALOG_QUERIES[query]);
}
