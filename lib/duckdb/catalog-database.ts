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
 * dataservices, in udata's `;`-separated CSV) and the Metrics API's `_total` tables plus the site's months.
 */
export const METRICS_TABLES = [
  "datasets_total",
  "resources_total",
  "organizations_total",
  "reuses_total",
  "dataservices_total",
  "site",
] as const;

export interface CatalogBuild {
  tables: Record<string, number>;
}

export async function buildCatalogDatabase(
  http: HttpClient,
  path: string,
  options: CacheOptions & { log?: (line: string) => void } = {},
): Promise<CatalogBuild> {
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  const duck = await Duck.open({ path: temporary });
  const tables: Record<string, number> = {};
  try {
    for (const kind of CATALOG_EXPORTS) {
      const url = http.url("main", `api/1/site/${kind}.csv`);
      const cached = await cachedDownload(http, url, options);
      options.log?.(
        `${kind}: ${cached.status === "revalidated" ? "unchanged since the last download" : `downloaded ${(cached.size / 1e6).toFixed(1)} MB`}`,
      );
      await duck.run(
        `CREATE TABLE ${quote(kind)} AS SELECT * FROM read_csv(${literal(cached.file)}, delim = ';', quote = '"', escape = '"', header = true, normalize_names = false)`,
      );
      tables[kind] = await count(duck, kind);
    }
    for (const model of METRICS_TABLES) {
      const table = model === "site" ? "site_metrics" : `metrics_${model}`;
      tables[table] = await toDuckDB(MetricsQuery.of(model).bind(http), duck, table);
      options.log?.(`${table}: ${tables[table]} rows`);
    }
    duck.close();
    await rename(temporary, path);
    return { tables };
  } catch (error) {
    duck.close();
    await rm(temporary, { force: true });
    await rm(`${temporary}.wal`, { force: true });
    throw error;
  }
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
