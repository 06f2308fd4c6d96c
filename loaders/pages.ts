import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Duck } from "../lib/duckdb/connection.ts";
import { metricsTable } from "../lib/duckdb/catalog-database.ts";
import { quote } from "../lib/query/sql.ts";
import { profileColumns, topValues } from "../lib/tabular/profile.ts";
import type { CsvProfile } from "../lib/tabular/profile.ts";
import type { PageContext } from "./context.ts";
import { RESOURCE_DATA } from "./resources.ts";
import { exploreTable } from "./explore.ts";

/**
 * Every page's data, from the catalog database in a few queries over the whole catalog, written as one file per page
 * (at the path its data loader's output takes in Framework's cache: `organizations/{id}.json`, `data/home.json`, …).
 * A file is rewritten only if its content changed; the paths rewritten are returned, so that only their pages'
 * loaders run again.
 */
export async function writePages(duck: Duck, dir: string, context: PageContext): Promise<string[]> {
  const catalog = await Catalog.open(duck, context);
  const manifestFile = join(dir, "manifest.json");
  const manifest: Record<string, string> = await readFile(manifestFile, "utf8").then(JSON.parse, () => ({}));
  const next: Record<string, string> = {};
  const changed: string[] = [];
  const put = async (path: string, content: string | Uint8Array) => {
    const digest = createHash("sha1").update(content).digest("hex");
    next[path] = digest;
    if (manifest[path] === digest) return;
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, content);
    await rename(`${file}.tmp`, file);
    changed.push(path);
  };
  const labels = { synthetic: context.synthetic, syntheticCatalog: context.syntheticCatalog };
  await put("data/target.json", JSON.stringify({ target: context.target, ...labels }));
  await put("data/home.json", JSON.stringify({ ...labels, ...(await catalog.home()) }));
  await put("data/organizations.json", JSON.stringify({ ...labels, organizations: await catalog.organizationIndex() }));
  await put("data/explore.arrow", await exploreTable(duck, catalog.pages));
  for (const [id, page] of await catalog.organizationPages())
    await put(`organizations/${id}.json`, JSON.stringify({ ...labels, ...page }));
  for (const [id, page] of await catalog.datasetPages())
    await put(`datasets/${id}.json`, JSON.stringify({ ...labels, ...page }));
  for (const [id, page] of await catalog.resourcePages())
    await put(`resources/${id}.json`, JSON.stringify({ ...labels, ...page }));
  await writeFile(manifestFile, JSON.stringify(next));
  return changed;
}

type Row = Record<string, unknown>;
/** "YYYY-MM" whether the Metrics loader typed the month as a date (it does) or kept the API's text. */
const MONTH = (column: string) => `substr(CAST(${column} AS VARCHAR), 1, 7)`;
const n = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const day = (value: unknown) => (value ? String(value).slice(0, 10) : null);
/** "YYYY-MM-DD" of a date-time column, whatever type the CSV reader gave it. */
const DAY = (column: string) => `substr(CAST(${column} AS VARCHAR), 1, 10)`;
const tags = (value: unknown) => (value ? String(value).split(",").filter(Boolean) : []);

/** The catalog database's tables as the pages read them; a column an export lacks reads as null. */
class Catalog {
  readonly #duck: Duck;
  readonly #columns: Map<string, Set<string>>;
  readonly pages: { organizations: Set<string>; datasets: Set<string>; resources: Set<string> };

  private constructor(duck: Duck, columns: Map<string, Set<string>>, context: PageContext) {
    this.#duck = duck;
    this.#columns = columns;
    this.pages = {
      organizations: new Set(context.organizations),
      datasets: new Set(context.datasets),
      resources: new Set(context.resources),
    };
  }

  static async open(duck: Duck, context: PageContext): Promise<Catalog> {
    const columns = new Map<string, Set<string>>();
    for (const { table, column } of await duck.all<{ table: string; column: string }>(
      "SELECT table_name AS table, column_name AS column FROM duckdb_columns()",
    )) {
      if (!columns.has(table)) columns.set(table, new Set());
      columns.get(table)!.add(column);
    }
    for (const [table, ids] of [
      ["page_organizations", context.organizations],
      ["page_datasets", context.datasets],
      ["page_resources", context.resources],
    ] as const) {
      await duck.run(`CREATE OR REPLACE TEMP TABLE ${table} (id VARCHAR PRIMARY KEY)`);
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        await duck.run(`INSERT INTO ${table} VALUES ${chunk.map(() => "(?)").join(", ")}`, chunk);
      }
    }
    return new Catalog(duck, columns, context);
  }

  /** `alias.column` if the table has it, NULL otherwise (exports' columns vary with udata's versions). */
  col(table: string, column: string, alias = table): string {
    return this.#columns.get(table)?.has(column) ? `${alias}.${quote(column)}` : "NULL";
  }

  #all(sql: string, params?: unknown[]): Promise<Row[]> {
    return this.#duck.all<Row>(sql, params);
  }

  async #count(table: string): Promise<number> {
    if (!this.#columns.has(table)) return 0;
    return n((await this.#all(`SELECT count(*)::DOUBLE AS n FROM ${quote(table)}`))[0].n);
  }

  async home() {
    const site = metricsTable("site");
    const months = (
      await this.#all(
        `SELECT ${MONTH("metric_month")} AS month, monthly_visit_dataset::DOUBLE AS visits, monthly_download_resource::DOUBLE AS downloads
        FROM ${site} ORDER BY metric_month`,
      )
    ).map((m) => ({ month: String(m.month), visits: n(m.visits), downloads: n(m.downloads) }));
    const lastMonth = months.at(-1)?.month ?? null;
    const ranked = async (measure: string) =>
      (
        await this.#all(
          `SELECT m.dataset_id AS id, d.title, m.${measure}::DOUBLE AS value, p.id IS NOT NULL AS page
          FROM ${metricsTable("datasets")} m JOIN datasets d ON d.id = m.dataset_id LEFT JOIN page_datasets p ON p.id = d.id
          WHERE ${MONTH("m.metric_month")} = ? ORDER BY m.${measure} DESC NULLS LAST, d.title, d.id LIMIT 10`,
          [lastMonth],
        )
      ).map((r) => ({ id: r.id, title: r.title, value: n(r.value), page: r.page }));
    const counted = (sql: string) =>
      this.#all(sql).then((rows) => rows.map((r) => ({ name: String(r.name), count: n(r.count) })));
    return {
      lastMonth,
      counts: {
        datasets: await this.#count("datasets"),
        resources: await this.#count("resources"),
        organizations: await this.#count("organizations"),
        reuses: await this.#count("reuses"),
        dataservices: await this.#count("dataservices"),
      },
      formats: await counted(
        `SELECT coalesce(nullif(lower(trim(format)), ''), '(none)') AS name, count(*)::DOUBLE AS count FROM resources
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12`,
      ),
      licences: await counted(
        `SELECT coalesce(license, '(none)') AS name, count(*)::DOUBLE AS count FROM datasets GROUP BY 1 ORDER BY 2 DESC, 1`,
      ),
      frequencies: await counted(
        `SELECT coalesce(frequency, '(none)') AS name, count(*)::DOUBLE AS count FROM datasets GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12`,
      ),
      // tenths of the 0–1 score; a score of exactly 1 counts in the last tenth
      quality: (
        await this.#all(
          `SELECT least(floor(q * 10), 9) / 10 AS score, count(*)::DOUBLE AS datasets
          FROM (SELECT try_cast(quality_score AS DOUBLE) AS q FROM datasets) WHERE q IS NOT NULL GROUP BY 1 ORDER BY 1`,
        )
      ).map((r) => ({ from: n(r.score), to: Math.round(n(r.score) * 10 + 1) / 10, datasets: n(r.datasets) })),
      site: months,
      mostVisited: lastMonth ? await ranked("monthly_visit") : [],
      mostDownloaded: lastMonth ? await ranked("monthly_download_resource") : [],
    };
  }

  async organizationIndex() {
    return (
      await this.#all(
        `SELECT o.id, o.name, ${this.col("organizations", "acronym", "o")} AS acronym, count(d.id)::DOUBLE AS datasets,
          any_value(t.visit_dataset)::DOUBLE AS visits, any_value(t.download_resource)::DOUBLE AS downloads,
          any_value(p.id) IS NOT NULL AS page
        FROM organizations o LEFT JOIN datasets d ON d.organization_id = o.id
          LEFT JOIN ${metricsTable("organizations_total")} t ON t.organization_id = o.id LEFT JOIN page_organizations p ON p.id = o.id
        GROUP BY o.id, o.name, 3 ORDER BY visits DESC NULLS LAST, o.name, o.id`,
      )
    ).map((o) => ({
      id: o.id,
      name: o.name,
      acronym: o.acronym ?? null,
      datasets: n(o.datasets),
      visits: n(o.visits),
      downloads: n(o.downloads),
      page: o.page,
    }));
  }

  async organizationPages(): Promise<Map<string, object>> {
    const pages = new Map<string, { organization: Row; datasets: Row[]; months: Row[] }>();
    for (const o of await this.#all(
      `SELECT o.id, o.name, ${this.col("organizations", "acronym", "o")} AS acronym,
        ${this.col("organizations", "description", "o")} AS description, ${this.col("organizations", "url", "o")} AS url,
        ${this.col("organizations", "badges", "o")} AS badges
      FROM organizations o JOIN page_organizations USING (id)`,
    )) {
      const organization = {
        id: o.id,
        name: o.name,
        acronym: o.acronym ?? null,
        description: o.description ?? "",
        url: o.url ?? null,
        badges: tags(o.badges),
      };
      pages.set(String(o.id), { organization, datasets: [], months: [] });
    }
    for (const d of await this.#all(
      `SELECT d.organization_id, d.id, d.title, try_cast(d.resources_count AS DOUBLE) AS resources,
        ${DAY(this.col("datasets", "last_modified", "d"))} AS modified, t.visit::DOUBLE AS visits,
        t.download_resource::DOUBLE AS downloads, p.id IS NOT NULL AS page
      FROM datasets d JOIN page_organizations o ON o.id = d.organization_id
        LEFT JOIN ${metricsTable("datasets_total")} t ON t.dataset_id = d.id LEFT JOIN page_datasets p ON p.id = d.id
      ORDER BY d.organization_id, visits DESC NULLS LAST, d.title, d.id`,
    ))
      pages.get(String(d.organization_id))?.datasets.push({
        id: d.id,
        title: d.title,
        resources: n(d.resources),
        modified: day(d.modified),
        visits: n(d.visits),
        downloads: n(d.downloads),
        page: d.page,
      });
    for (const m of await this.#all(
      `SELECT m.organization_id, ${MONTH("m.metric_month")} AS month, m.monthly_visit_dataset::DOUBLE AS visits,
        m.monthly_download_resource::DOUBLE AS downloads
      FROM ${metricsTable("organizations")} m JOIN page_organizations o ON o.id = m.organization_id
      ORDER BY m.organization_id, m.metric_month`,
    ))
      pages
        .get(String(m.organization_id))
        ?.months.push({ month: m.month, visits: n(m.visits), downloads: n(m.downloads) });
    return pages;
  }

  async datasetPages(): Promise<Map<string, object>> {
    const served = new Map(
      (await this.#all(`SELECT id, served FROM ${RESOURCE_DATA}`)).map((r) => [String(r.id), Boolean(r.served)]),
    );
    const samples = new Map(
      (
        await this.#all(
          `SELECT s.id, s.sample::VARCHAR AS sample FROM ${RESOURCE_DATA} s JOIN page_resources USING (id)`,
        )
      ).map((r) => [String(r.id), (JSON.parse(String(r.sample)) as Row[]).slice(0, 8)]),
    );
    const pages = new Map<string, { dataset: Row; resources: Row[]; months: Row[] }>();
    const dataset = (c: string) => this.col("datasets", c, "d");
    for (const d of await this.#all(
      `SELECT d.id, d.title, ${dataset("description")} AS description, ${dataset("organization")} AS organization,
        ${dataset("organization_id")} AS organization_id, ${dataset("license")} AS license, ${dataset("frequency")} AS frequency,
        ${dataset("tags")} AS tags, ${DAY(dataset("last_modified"))} AS modified, ${DAY(dataset("created_at"))} AS created,
        try_cast(${dataset("quality_score")} AS DOUBLE) AS quality, ${dataset("url")} AS url,
        po.id IS NOT NULL AS organization_page
      FROM datasets d JOIN page_datasets USING (id) LEFT JOIN page_organizations po ON po.id = d.organization_id`,
    ))
      pages.set(String(d.id), {
        dataset: {
          id: d.id,
          title: d.title,
          description: d.description ?? "",
          organization: d.organization_id
            ? { id: d.organization_id, name: d.organization, page: d.organization_page }
            : null,
          license: d.license ?? null,
          frequency: d.frequency ?? null,
          tags: tags(d.tags),
          modified: day(d.modified),
          created: day(d.created),
          quality: d.quality ?? null,
          url: d.url ?? null,
        },
        resources: [],
        months: [],
      });
    const resource = (c: string) => this.col("resources", c, "r");
    for (const r of await this.#all(
      `SELECT r."dataset.id" AS dataset_id, r.id, r.title, ${resource("format")} AS format,
        try_cast(${resource("filesize")} AS DOUBLE) AS filesize, ${resource("filetype")} AS filetype,
        ${resource("type")} AS type, ${resource("url")} AS url
      FROM resources r JOIN page_datasets p ON p.id = r."dataset.id" ORDER BY r.rowid`,
    )) {
      const id = String(r.id);
      pages.get(String(r.dataset_id))?.resources.push({
        id,
        title: r.title,
        format: r.format ?? "",
        filesize: r.filesize ?? null,
        filetype: r.filetype ?? null,
        type: r.type ?? null,
        url: r.url ?? null,
        // what the Tabular API answered when asked; null when it was not asked
        tabular: served.get(id) ?? null,
        page: this.pages.resources.has(id),
        preview: samples.get(id) ?? null,
      });
    }
    for (const m of await this.#all(
      `SELECT m.dataset_id, ${MONTH("m.metric_month")} AS month, m.monthly_visit::DOUBLE AS visits,
        m.monthly_download_resource::DOUBLE AS downloads
      FROM ${metricsTable("datasets")} m JOIN page_datasets p ON p.id = m.dataset_id ORDER BY m.dataset_id, m.metric_month`,
    ))
      pages.get(String(m.dataset_id))?.months.push({ month: m.month, visits: n(m.visits), downloads: n(m.downloads) });
    return pages;
  }

  async resourcePages(): Promise<Map<string, object>> {
    const pages = new Map<string, object>();
    const resource = (c: string) => this.col("resources", c, "r");
    for (const r of await this.#all(
      `SELECT s.id, s.profile::VARCHAR AS profile, s.sample::VARCHAR AS sample, s.aggregation::VARCHAR AS aggregation,
        ${resource("title")} AS title, ${resource("format")} AS format, ${resource("url")} AS url,
        ${this.col("resources", "dataset.id", "r")} AS dataset_id
      FROM ${RESOURCE_DATA} s JOIN page_resources USING (id) LEFT JOIN resources r USING (id) WHERE s.served`,
    )) {
      const { profile } = JSON.parse(String(r.profile)) as { profile: CsvProfile };
      const sample = JSON.parse(String(r.sample)) as Row[];
      pages.set(String(r.id), resourcePage(r, profile, sample, JSON.parse(String(r.aggregation))));
    }
    return pages;
  }
}

/** A resource's page: its profile in pictures, sample rows, and the aggregation the Tabular API computed. */
function resourcePage(r: Row, profile: CsvProfile, sample: Row[], aggregation: unknown) {
  const columns = profileColumns(profile);
  const numeric = columns.filter((c) => c.type === "int" || c.type === "float").map((c) => c.name);
  const categorical = columns.filter(
    (c) => c.type === "string" && (c.stats?.nb_distinct ?? Infinity) <= 40 && (c.stats?.nb_distinct ?? 0) > 1,
  );
  return {
    resource: {
      id: r.id,
      title: r.title ?? String(r.id),
      format: r.format ?? "",
      datasetId: r.dataset_id ?? null,
      url: r.url ?? null,
      rows: profile.total_lines ?? null,
    },
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format,
      missing: c.stats?.nb_missing_values ?? 0,
      distinct: c.stats?.nb_distinct ?? null,
      min: c.stats?.min ?? null,
      max: c.stats?.max ?? null,
      mean: c.stats?.mean ?? null,
    })),
    tops: categorical.slice(0, 4).map((c) => ({
      column: c.name,
      values: topValues(c.stats).map((t) => ({ value: String(t.value), count: t.count })),
    })),
    numeric: numeric.slice(0, 4).map((name) => ({
      column: name,
      values: sample.map((row) => row[name]).filter((v): v is number => typeof v === "number"),
    })),
    sample: sample.slice(0, 15),
    aggregation,
  };
}
