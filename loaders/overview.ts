import { Table, tableToIPC } from "apache-arrow";
import type { DataGouv } from "../lib/client.ts";
import { rowsToBatch } from "../lib/arrow/batches.ts";
import type { ColumnSpec } from "../lib/arrow/columns.ts";
import { Duck } from "../lib/duckdb/connection.ts";
import { monthly } from "./run.ts";
import type { PageContext } from "./context.ts";

/**
 * The site-wide pages' data, from the catalog database the build script fills once (exports and metrics totals):
 * plain values for JSON, or bytes for Arrow. Kept apart from the per-page loaders, which need no DuckDB.
 */

async function withCatalogDatabase<T>(database: string, work: (duck: Duck) => Promise<T>): Promise<T> {
  const duck = await Duck.open({ path: database, readOnly: true });
  try {
    return await work(duck);
  } finally {
    duck.close();
  }
}

/** BIGINTs become numbers for JSON and the browser. */
function plain<T extends Record<string, unknown>>(rows: T[]): T[] {
  return rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : v,
        ]),
      ) as T,
  );
}

/** The catalog page: counts, vocabularies and quality from the catalog database, site metrics from the Metrics API. */
export async function home(dg: DataGouv, database: string, { synthetic }: Pick<PageContext, "synthetic">) {
  const site = await dg.metrics("site").all();
  const lastMonth = monthly(site).at(-1)?.metric_month;
  const top = lastMonth
    ? await dg.metrics("datasets").where("metric_month", "exact", lastMonth).sort("monthly_visit", "desc").first(40)
    : [];
  return withCatalogDatabase(database, async (duck) => {
    const count = async (table: string) =>
      (await duck.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n;
    const titles = new Map(
      (await duck.all<{ id: string; title: string }>("SELECT id, title FROM datasets")).map((d) => [d.id, d.title]),
    );
    const ranked = (key: "monthly_visit" | "monthly_download_resource") =>
      [...top]
        .sort((a, b) => (b[key] ?? 0) - (a[key] ?? 0))
        .filter((d) => titles.has(d.dataset_id))
        .slice(0, 10)
        .map((d) => ({ id: d.dataset_id, title: titles.get(d.dataset_id), value: d[key] ?? 0 }));
    return {
      synthetic,
      lastMonth,
      counts: {
        datasets: await count("datasets"),
        resources: await count("resources"),
        organizations: await count("organizations"),
        reuses: await count("reuses"),
      },
      formats: plain(
        await duck.all(
          "SELECT coalesce(nullif(lower(trim(format)), ''), '(none)') AS format, count(*)::INTEGER AS resources FROM resources GROUP BY 1 ORDER BY 2 DESC LIMIT 12",
        ),
      ),
      licences: plain(
        await duck.all(
          "SELECT coalesce(license, '(none)') AS license, count(*)::INTEGER AS datasets FROM datasets GROUP BY 1 ORDER BY 2 DESC",
        ),
      ),
      frequencies: plain(
        await duck.all(
          "SELECT coalesce(frequency, '(none)') AS frequency, count(*)::INTEGER AS datasets FROM datasets GROUP BY 1 ORDER BY 2 DESC",
        ),
      ),
      quality: plain(
        await duck.all(
          "SELECT try_cast(quality_score AS DOUBLE) AS score FROM datasets WHERE try_cast(quality_score AS DOUBLE) IS NOT NULL",
        ),
      ),
      site: monthly(site).map((m) => ({
        month: m.metric_month,
        visits: m.monthly_visit_dataset,
        downloads: m.monthly_download_resource,
      })),
      mostVisited: ranked("monthly_visit"),
      mostDownloaded: ranked("monthly_download_resource"),
    };
  });
}

/** The whole catalog's datasets as Arrow IPC, for searching and filtering in the browser. */
export async function explore(database: string): Promise<Uint8Array> {
  return withCatalogDatabase(database, async (duck) => {
    const rows = plain(
      await duck.all(`SELECT d.id, d.title, coalesce(d.organization, '') AS organization, coalesce(d.license, '') AS license, coalesce(d.frequency, '') AS frequency,
        d.resources_count::INTEGER AS resources, try_cast(d.quality_score AS DOUBLE) AS quality, substr(CAST(d.last_modified AS VARCHAR), 1, 10) AS modified,
        coalesce(t.visit, 0)::DOUBLE AS visits
      FROM datasets d LEFT JOIN metrics_datasets_total t ON t.dataset_id = d.id ORDER BY visits DESC, d.title`),
    );
    const columns: ColumnSpec[] = [
      { name: "id", type: "string" },
      { name: "title", type: "string" },
      { name: "organization", type: "string" },
      { name: "license", type: "string" },
      { name: "frequency", type: "string" },
      { name: "resources", type: "int", min: 0, max: 1e6 },
      { name: "quality", type: "float" },
      { name: "modified", type: "string" },
      { name: "visits", type: "float" },
    ];
    return tableToIPC(new Table([rowsToBatch(rows, columns)]), "file");
  });
}
