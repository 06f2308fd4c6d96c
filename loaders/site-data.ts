import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Table, tableToIPC } from "apache-arrow";
import type { DataGouv } from "../lib/client.ts";
import { rowsToBatch } from "../lib/arrow/batches.ts";
import type { ColumnSpec } from "../lib/arrow/columns.ts";
import { Duck } from "../lib/duckdb/connection.ts";
import { isTabularResource } from "../lib/tabular/api.ts";
import { profileColumns } from "../lib/tabular/profile.ts";
import { CACHE, SELECTION_FILE, type Selection } from "./site.ts";

/** The dashboard's data, one function per loader output; each returns plain values for JSON (or bytes for Arrow). */

export const CATALOG_DB = join(CACHE, "catalog.duckdb");

async function readSelection(): Promise<Selection> {
  return JSON.parse(await readFile(SELECTION_FILE, "utf8")) as Selection;
}

async function withCatalog<T>(work: (duck: Duck) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(CATALOG_DB, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    return await work(Duck.wrap(connection));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** BIGINTs become numbers for JSON and the browser. */
function plain<T extends Record<string, unknown>>(rows: T[]): T[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : v])) as T);
}

const monthly = <T extends { metric_month: string }>(rows: T[]): T[] => [...rows].sort((a, b) => a.metric_month.localeCompare(b.metric_month));

export async function home(dg: DataGouv) {
  const { synthetic } = await readSelection();
  const site = await dg.metrics("site").all();
  const lastMonth = monthly(site).at(-1)?.metric_month;
  const top = lastMonth ? await dg.metrics("datasets").where("metric_month", "exact", lastMonth).sort("monthly_visit", "desc").first(40) : [];
  return withCatalog(async (duck) => {
    const count = async (table: string) => (await duck.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n;
    const titles = new Map((await duck.all<{ id: string; title: string }>("SELECT id, title FROM datasets")).map((d) => [d.id, d.title]));
    const ranked = (key: "monthly_visit" | "monthly_download_resource") =>
      [...top].sort((a, b) => (b[key] ?? 0) - (a[key] ?? 0)).filter((d) => titles.has(d.dataset_id)).slice(0, 10).map((d) => ({ id: d.dataset_id, title: titles.get(d.dataset_id), value: d[key] ?? 0 }));
    return {
      synthetic,
      lastMonth,
      counts: { datasets: await count("datasets"), resources: await count("resources"), organizations: await count("organizations"), reuses: await count("reuses") },
      formats: plain(await duck.all("SELECT coalesce(nullif(lower(trim(format)), ''), '(none)') AS format, count(*)::INTEGER AS resources FROM resources GROUP BY 1 ORDER BY 2 DESC LIMIT 12")),
      licences: plain(await duck.all("SELECT coalesce(license, '(none)') AS license, count(*)::INTEGER AS datasets FROM datasets GROUP BY 1 ORDER BY 2 DESC")),
      frequencies: plain(await duck.all("SELECT coalesce(frequency, '(none)') AS frequency, count(*)::INTEGER AS datasets FROM datasets GROUP BY 1 ORDER BY 2 DESC")),
      quality: plain(await duck.all("SELECT try_cast(quality_score AS DOUBLE) AS score FROM datasets WHERE try_cast(quality_score AS DOUBLE) IS NOT NULL")),
      site: monthly(site).map((m) => ({ month: m.metric_month, visits: m.monthly_visit_dataset, downloads: m.monthly_download_resource })),
      mostVisited: ranked("monthly_visit"),
      mostDownloaded: ranked("monthly_download_resource"),
    };
  });
}

/** The whole catalog's datasets as Arrow IPC, for searching and filtering in the browser. */
export async function explore(): Promise<Uint8Array> {
  return withCatalog(async (duck) => {
    const rows = plain(await duck.all(`SELECT d.id, d.title, coalesce(d.organization, '') AS organization, coalesce(d.license, '') AS license, coalesce(d.frequency, '') AS frequency,
        d.resources_count::INTEGER AS resources, try_cast(d.quality_score AS DOUBLE) AS quality, substr(CAST(d.last_modified AS VARCHAR), 1, 10) AS modified,
        coalesce(t.visit, 0)::DOUBLE AS visits
      FROM datasets d LEFT JOIN metrics_datasets_total t ON t.dataset_id = d.id ORDER BY visits DESC, d.title`));
    const columns: ColumnSpec[] = [
      { name: "id", type: "string" }, { name: "title", type: "string" }, { name: "organization", type: "string" }, { name: "license", type: "string" },
      { name: "frequency", type: "string" }, { name: "resources", type: "int", min: 0, max: 1e6 }, { name: "quality", type: "float" }, { name: "modified", type: "string" }, { name: "visits", type: "float" },
    ];
    return tableToIPC(new Table([rowsToBatch(rows, columns)]), "file");
  });
}

export async function organizations(dg: DataGouv) {
  const { organizations: ids, synthetic } = await readSelection();
  const list = [];
  for (const id of ids) {
    const org = await dg.organizations.get(id);
    const [totals] = await dg.metrics("organizations_total").where("organization_id", "exact", id).first(2);
    list.push({ id, name: org.name, slug: org.slug, logo: org.logo_thumbnail ?? org.logo ?? null, visits: totals?.visit_dataset ?? 0, downloads: totals?.download_resource ?? 0 });
  }
  return { synthetic, organizations: list };
}

export async function organization(dg: DataGouv, id: string) {
  const { synthetic, datasets: selected } = await readSelection();
  const org = await dg.organizations.get(id);
  const datasets = await dg.organizations.datasets(id).all();
  const months = monthly(await dg.metrics("organizations").where("organization_id", "exact", id).all());
  const totals = await dg.metrics("datasets_total").where("dataset_id", "in", datasets.slice(0, 50).map((d) => d.id).concat(["-"])).all();
  const visits = new Map(totals.map((t) => [t.dataset_id, t]));
  return {
    synthetic,
    organization: { id: org.id, name: org.name, acronym: org.acronym ?? null, description: org.description ?? "", url: org.page ?? null, badges: (org.badges ?? []).map((b) => b.kind) },
    datasets: datasets.map((d) => ({ id: d.id, title: d.title, resources: (d.resources ?? []).length, modified: (d.last_modified ?? "").slice(0, 10), visits: visits.get(d.id)?.visit ?? 0, downloads: visits.get(d.id)?.download_resource ?? 0, page: selected.includes(d.id) })),
    months: months.map((m) => ({ month: m.metric_month, visits: m.monthly_visit_dataset, downloads: m.monthly_download_resource })),
  };
}

export async function dataset(dg: DataGouv, id: string) {
  const { synthetic, resources: selected } = await readSelection();
  const d = await dg.datasets.get(id);
  const months = monthly(await dg.metrics("datasets").where("dataset_id", "exact", id).all());
  const resources = [];
  for (const r of d.resources ?? []) {
    const tabular = isTabularResource(r);
    const preview = tabular ? await dg.tabular(r.id).first(8).catch(() => []) : [];
    resources.push({ id: r.id, title: r.title, format: r.format ?? "", filesize: r.filesize ?? null, type: r.type ?? "", url: r.url, tabular, preview, page: selected.includes(r.id) });
  }
  return {
    synthetic,
    dataset: {
      id: d.id, title: d.title, description: d.description ?? "", organization: d.organization ? { id: d.organization.id, name: d.organization.name } : null,
      license: d.license ?? null, frequency: d.frequency ?? null, tags: d.tags ?? [], modified: (d.last_modified ?? "").slice(0, 10), quality: d.quality?.score ?? null, page: d.page ?? null,
    },
    resources,
    months: months.map((m) => ({ month: m.metric_month, visits: m.monthly_visit, downloads: m.monthly_download_resource })),
  };
}

export async function resource(dg: DataGouv, id: string) {
  const { synthetic } = await readSelection();
  const { resource: r, dataset_id } = await dg.datasets.resource(id);
  const { profile } = await dg.tabularApi.profile(id);
  const columns = profileColumns(profile);
  const sample = await dg.tabular(id).all({ limit: 600 });
  const numeric = columns.filter((c) => c.type === "int" || c.type === "float").map((c) => c.name);
  const categorical = columns.filter((c) => c.type === "string" && (c.stats?.nb_distinct ?? Infinity) <= 40 && (c.stats?.nb_distinct ?? 0) > 1);
  let aggregation = null;
  if (categorical.length && (await dg.tabularApi.aggregationAllowed(id))) {
    const column = categorical[0].name;
    const rows = await dg.tabular(id).groupBy(column).aggregate(column, "count").all<Record<string, unknown>>({ limit: 100 });
    aggregation = { column, rows: rows.map((row) => ({ value: String(row[column] ?? "(empty)"), count: Number(row[`${column}__count`]) })) };
  }
  return {
    synthetic,
    resource: { id, title: r.title, format: r.format ?? "", datasetId: dataset_id, url: r.url, rows: profile.total_lines ?? null },
    columns: columns.map((c) => ({ name: c.name, type: c.type, format: c.format, missing: c.stats?.nb_missing_values ?? 0, distinct: c.stats?.nb_distinct ?? null, min: c.stats?.min ?? null, max: c.stats?.max ?? null, mean: c.stats?.mean ?? null })),
    tops: categorical.slice(0, 4).map((c) => ({ column: c.name, values: (c.stats?.tops ?? []).map((t) => ({ value: String(t.value), count: t.count })) })),
    numeric: numeric.slice(0, 4).map((name) => ({ column: name, values: sample.map((row) => row[name]).filter((v): v is number => typeof v === "number") })),
    sample: sample.slice(0, 15),
    aggregation,
  };
}
