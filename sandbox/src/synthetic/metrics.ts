import type { Duck } from "datagouv-kit/duckdb";
import { METRICS_MODELS } from "datagouv-kit";
import { ident } from "../db.ts";
import { monthsOf, type MonthRange } from "../metrics/generate.ts";
import type { Doc, Kind } from "../main/seed.ts";

/**
 * The synthetic catalog's metrics, computed by DuckDB: at full scale millions of object-months, too many to build as
 * rows in JavaScript. They follow the rules of the seed's metrics (metrics/generate.ts): a long tail of audiences,
 * the season and slow growth, noise from a hash; resources sum to their dataset, datasets to their organization and
 * the site, months to the `_total` tables. Unlike the seed's, an object has no row in a month without a visit or a
 * download, nor before it was published, as in the real pipeline's tables. Objects are keyed by their position
 * (integers join and sort far faster than ids); ids are joined back last.
 */

const PREFIX = "synthetic_metric_";

/** A number in [0, 1) from integers, the same every run. */
const unit = (...keys: string[]) => `(hash(${keys.join(", ")}) / 18446744073709551616.0)`;
/**
 * An audience: a steep power of a hash, from nothing to 100,000 visits a month, so that about half of the datasets go
 * unvisited in a given month and a few gather most visits, as on the platform.
 */
const audience = (key: string, salt: number, share = 0.05) =>
  `${share} * pow(2000000, pow(${unit(key, String(salt))}, 2))`;

export async function generateSyntheticMetrics(
  db: Duck,
  docs: { kind: Kind; doc: Doc }[],
  range: MonthRange,
): Promise<void> {
  const months = monthsOf(range);
  await db.run(`CREATE OR REPLACE TABLE synthetic_months (idx INTEGER, metric_month VARCHAR, season DOUBLE)`);
  // August and late December dips, slow growth: the seed's season
  await db.run(
    `INSERT INTO synthetic_months SELECT idx, metric_month, (CASE month(strptime(metric_month, '%Y-%m')) WHEN 8 THEN 0.7
      WHEN 12 THEN 0.85 WHEN 7 THEN 0.88 WHEN 1 THEN 1.08 WHEN 9 THEN 1.08 ELSE 1 END) * pow(1.015, idx)
    FROM (VALUES ${months.map((m, i) => `(${i}, '${m}')`).join(", ")}) v(idx, metric_month)`,
  );
  const datasets = docs.filter((d) => d.kind === "datasets").map((d) => d.doc);
  const organizations = docs.filter((d) => d.kind === "organizations").map((d) => d.doc);
  const orgIndex = new Map(organizations.map((o, i) => [o.id, i]));
  const since = (doc: Doc) => {
    const month = String(doc.created_at).slice(0, 7);
    return month < months[0] ? 0 : month > months[months.length - 1] ? months.length : months.indexOf(month);
  };
  await load(db, "synthetic_datasets", ["id VARCHAR", "org INTEGER", "since INTEGER"], function* () {
    for (const d of datasets) yield [d.id, d.organization ? (orgIndex.get(d.organization.id) ?? null) : null, since(d)];
  });
  await load(
    db,
    "synthetic_resources",
    ["id VARCHAR", "dataset INTEGER", "since INTEGER", "first BOOLEAN"],
    function* () {
      let n = 0;
      for (const d of datasets) {
        for (const r of d.resources) yield [r.id, n, since(r), r === d.resources[0]];
        n++;
      }
    },
  );
  await load(db, "synthetic_organizations", ["id VARCHAR", "since INTEGER"], function* () {
    for (const o of organizations) yield [o.id, since(o)];
  });
  for (const kind of ["reuses", "dataservices"] as const)
    await load(db, `synthetic_${kind}`, ["id VARCHAR", "org INTEGER", "since INTEGER"], function* () {
      for (const d of docs)
        if (d.kind === kind)
          yield [d.doc.id, d.doc.organization ? (orgIndex.get(d.doc.organization.id) ?? null) : null, since(d.doc)];
    });

  await db.run(`CREATE OR REPLACE TABLE synthetic_dataset_months AS
    SELECT d.n, m.idx, floor(${audience("d.n", 1)} * m.season * (0.7 + 0.6 * ${unit("d.n", "m.idx", "2")}))::BIGINT AS visits
    FROM synthetic_datasets d JOIN synthetic_months m ON m.idx >= d.since`);
  // a resource's share of its dataset's visits, long-tailed too: its first file takes most downloads, and a small dataset's other files go undownloaded
  await db.run(`CREATE OR REPLACE TABLE synthetic_resource_months AS SELECT * FROM (
      SELECT r.n, r.dataset, dm.idx, floor(dm.visits * CASE WHEN r.first THEN 0.6 * pow(${unit("r.n", "3")}, 4) ELSE 0.3 * pow(${unit("r.n", "3")}, 10) END
        * (0.9 + 0.2 * ${unit("r.n", "dm.idx", "4")}))::BIGINT AS downloads
      FROM synthetic_resources r JOIN synthetic_dataset_months dm ON dm.n = r.dataset AND dm.idx >= r.since)
    WHERE downloads > 0`);
  await db.run(`CREATE OR REPLACE TABLE synthetic_dataset_downloads AS
    SELECT dataset AS n, idx, sum(downloads)::BIGINT AS downloads FROM synthetic_resource_months GROUP BY ALL`);

  await table(
    db,
    "resources",
    `SELECT rm.idx, rm.n, r.id AS resource_id, d.id AS dataset_id, m.metric_month, rm.downloads AS monthly_download_resource
    FROM synthetic_resource_months rm JOIN synthetic_resources r USING (n) JOIN synthetic_datasets d ON d.n = rm.dataset
      JOIN synthetic_months m USING (idx)`,
  );
  await table(
    db,
    "datasets",
    `SELECT dm.idx, dm.n, d.id AS dataset_id, m.metric_month, dm.visits AS monthly_visit,
      coalesce(dd.downloads, 0) AS monthly_download_resource, o.id AS organization_id
    FROM synthetic_dataset_months dm LEFT JOIN synthetic_dataset_downloads dd USING (n, idx)
      JOIN synthetic_datasets d USING (n) JOIN synthetic_months m USING (idx) LEFT JOIN synthetic_organizations o ON o.n = d.org
    WHERE dm.visits > 0 OR dd.downloads > 0`,
  );
  for (const [kind, salt] of [
    ["reuses", 5],
    ["dataservices", 7],
  ] as const)
    await db.run(`CREATE OR REPLACE TABLE synthetic_${kind}_months AS SELECT * FROM (
        SELECT o.n, o.org, m.idx, floor(${audience("o.n", salt, 0.0125)} * m.season * (0.7 + 0.6 * ${unit("o.n", "m.idx", String(salt + 1))}))::BIGINT AS visits
        FROM synthetic_${kind} o JOIN synthetic_months m ON m.idx >= o.since)
      WHERE visits > 0`);
  for (const [kind, key] of [
    ["reuses", "reuse_id"],
    ["dataservices", "dataservice_id"],
  ])
    await table(
      db,
      kind,
      `SELECT v.idx, v.n, o.id AS ${key}, m.metric_month, v.visits AS monthly_visit
      FROM synthetic_${kind}_months v JOIN synthetic_${kind} o USING (n) JOIN synthetic_months m USING (idx)`,
    );
  // an organization's visits are those of its datasets, reuses and dataservices, NULL where it has none (as the
  // pipeline's metrics_organizations sums them)
  const summed = (kind: string, measure: string) =>
    `SELECT org, idx, sum(${measure})::BIGINT AS value FROM ${kind} WHERE org IS NOT NULL GROUP BY ALL`;
  await table(
    db,
    "organizations",
    `SELECT * FROM (SELECT m.idx, o.n, o.id AS organization_id, m.metric_month, dv.value AS monthly_visit_dataset,
        dd.value AS monthly_download_resource, rv.value AS monthly_visit_reuse, sv.value AS monthly_visit_dataservice
      FROM synthetic_organizations o JOIN synthetic_months m ON m.idx >= o.since
        LEFT JOIN (${summed("synthetic_dataset_months dm JOIN synthetic_datasets d USING (n)", "visits")}) dv ON dv.org = o.n AND dv.idx = m.idx
        LEFT JOIN (${summed("synthetic_dataset_downloads dd JOIN synthetic_datasets d USING (n)", "downloads")}) dd ON dd.org = o.n AND dd.idx = m.idx
        LEFT JOIN (${summed("synthetic_reuses_months", "visits")}) rv ON rv.org = o.n AND rv.idx = m.idx
        LEFT JOIN (${summed("synthetic_dataservices_months", "visits")}) sv ON sv.org = o.n AND sv.idx = m.idx)
    WHERE monthly_visit_dataset > 0 OR monthly_download_resource > 0 OR monthly_visit_reuse > 0 OR monthly_visit_dataservice > 0`,
  );
  await table(
    db,
    "site",
    `SELECT m.idx, 0 AS n, m.metric_month,
      (SELECT coalesce(sum(visits), 0) FROM synthetic_dataset_months WHERE idx = m.idx)::BIGINT AS monthly_visit_dataset,
      (SELECT coalesce(sum(downloads), 0) FROM synthetic_dataset_downloads WHERE idx = m.idx)::BIGINT AS monthly_download_resource,
      (SELECT coalesce(sum(monthly_visit), 0) FROM ${PREFIX}reuses r WHERE r.metric_month = m.metric_month)::BIGINT AS monthly_visit_reuse
    FROM synthetic_months m`,
  );
  // totals in the order of their objects
  await table(
    db,
    "datasets_total",
    `SELECT * FROM (SELECT 0 AS idx, dm.n, any_value(d.id) AS dataset_id, sum(dm.visits)::BIGINT AS visit,
        round(sum(dm.visits) * 0.04 * ${unit("dm.n", "9")})::BIGINT AS outlink, coalesce(sum(dd.downloads), 0)::BIGINT AS download_resource
      FROM synthetic_dataset_months dm LEFT JOIN synthetic_dataset_downloads dd USING (n, idx) JOIN synthetic_datasets d USING (n)
      GROUP BY dm.n)
    WHERE visit > 0 OR download_resource > 0`,
  );
  await table(
    db,
    "resources_total",
    `SELECT 0 AS idx, rm.n, any_value(r.id) AS resource_id, any_value(d.id) AS dataset_id, sum(rm.downloads)::BIGINT AS download_resource
    FROM synthetic_resource_months rm JOIN synthetic_resources r USING (n) JOIN synthetic_datasets d ON d.n = rm.dataset GROUP BY rm.n`,
  );
  await table(
    db,
    "organizations_total",
    `SELECT 0 AS idx, o.n, any_value(t.organization_id) AS organization_id, sum(monthly_visit_dataset)::BIGINT AS visit_dataset,
      sum(monthly_download_resource)::BIGINT AS download_resource, sum(monthly_visit_reuse)::BIGINT AS visit_reuse,
      sum(monthly_visit_dataservice)::BIGINT AS visit_dataservice,
      round(coalesce(sum(monthly_visit_dataset), 0) * 0.03)::BIGINT AS outlink
    FROM ${PREFIX}organizations t JOIN synthetic_organizations o ON o.id = t.organization_id GROUP BY o.n`,
  );
  await table(
    db,
    "reuses_total",
    `SELECT 0 AS idx, o.n, any_value(o.id) AS reuse_id, sum(v.visits)::BIGINT AS visit,
      round(sum(v.visits) * 0.3 * ${unit("o.n", "10")})::BIGINT AS outlink
    FROM synthetic_reuses_months v JOIN synthetic_reuses o USING (n) GROUP BY o.n`,
  );
  await table(
    db,
    "dataservices_total",
    `SELECT 0 AS idx, o.n, any_value(o.id) AS dataservice_id, sum(v.visits)::BIGINT AS visit
    FROM synthetic_dataservices_months v JOIN synthetic_dataservices o USING (n) GROUP BY o.n`,
  );
  for (const name of ["months", "datasets", "resources", "organizations", "reuses", "dataservices"])
    await db.run(`DROP TABLE IF EXISTS synthetic_${name}`);
  for (const name of ["dataset_months", "resource_months", "dataset_downloads", "reuses_months", "dataservices_months"])
    await db.run(`DROP TABLE IF EXISTS synthetic_${name}`);
}

/** One model's synthetic rows, numbered by month then object (`idx`, `n`) and stored in that `__id` order. */
async function table(db: Duck, model: string, select: string): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TABLE ${ident(PREFIX + model)} AS SELECT row_number() OVER (ORDER BY idx, n)::BIGINT AS __id, * EXCLUDE (idx, n)
    FROM (${select}) ORDER BY idx, n`,
  );
}

/** A table of the given columns, and `n`, each row's position. */
async function load(
  db: Duck,
  name: string,
  columns: string[],
  rows: () => Iterable<(string | number | boolean | null)[]>,
) {
  await db.run(`CREATE OR REPLACE TABLE ${name} (n INTEGER, ${columns.join(", ")})`);
  const types = columns.map((c) => c.split(" ")[1]);
  const appender = await db.connection.createAppender(name);
  let n = 0;
  try {
    for (const row of rows()) {
      appender.appendInteger(n++);
      row.forEach((value, i) => {
        if (value === null) appender.appendNull();
        else if (types[i] === "INTEGER") appender.appendInteger(value as number);
        else if (types[i] === "BOOLEAN") appender.appendBoolean(value as boolean);
        else appender.appendVarchar(value as string);
      });
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Adds the synthetic rows to the Metrics API's tables (which the metrics service has just built from the seed's
 * catalog): appended after its rows, so that `__id` order stays storage order, except the site's months, which are
 * sums of both.
 */
export async function mergeSyntheticMetrics(db: Duck): Promise<void> {
  for (const [model, all] of Object.entries(METRICS_MODELS)) {
    const target = ident(`metric_${model}`);
    const source = ident(PREFIX + model);
    const present = new Set(
      (await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${source})`)).map((c) => c.column_name),
    );
    const columns = all.filter((c) => c !== "__id");
    if (model === "site") {
      const counts = columns.filter((c) => c !== "metric_month" && present.has(c));
      await db.run(
        `UPDATE ${target} SET ${counts.map((c) => `${ident(c)} = coalesce(${target}.${ident(c)}, 0) + s.${ident(c)}`).join(", ")}
        FROM ${source} s WHERE s.metric_month = ${target}.metric_month`,
      );
      continue;
    }
    await db.run(
      `INSERT INTO ${target} (__id, ${columns.map(ident).join(", ")})
      SELECT __id + (SELECT coalesce(max(__id), 0) FROM ${target}), ${columns.map((c) => (present.has(c) ? ident(c) : "NULL")).join(", ")}
      FROM ${source}`,
    );
  }
}
