import type { DataGouv } from "../lib/client.ts";
import { DataGouvError } from "../lib/http/errors.ts";
import { isTabularResource } from "../lib/tabular/api.ts";
import { profileColumns, topValues } from "../lib/tabular/profile.ts";
import { monthly } from "./run.ts";
import type { PageContext } from "./context.ts";

/** The data of the pages built one per organization, dataset and resource, from the APIs: plain values for JSON. */

export async function organizations(dg: DataGouv, { organizations: ids, synthetic }: PageContext) {
  const list = [];
  for (const id of ids) {
    const org = await dg.organizations.get(id);
    const [totals] = await dg.metrics("organizations_total").where("organization_id", "exact", id).first(2);
    list.push({
      id,
      name: org.name,
      slug: org.slug,
      logo: org.logo_thumbnail ?? org.logo ?? null,
      visits: totals?.visit_dataset ?? 0,
      downloads: totals?.download_resource ?? 0,
    });
  }
  return { synthetic, organizations: list };
}

export async function organization(dg: DataGouv, id: string, { synthetic, datasets: selected }: PageContext) {
  const org = await dg.organizations.get(id);
  const datasets = await dg.organizations.datasets(id).all();
  const months = monthly(await dg.metrics("organizations").where("organization_id", "exact", id).all());
  const totals = await dg
    .metrics("datasets_total")
    .where(
      "dataset_id",
      "in",
      datasets
        .slice(0, 50)
        .map((d) => d.id)
        .concat(["-"]),
    )
    .all();
  const visits = new Map(totals.map((t) => [t.dataset_id, t]));
  return {
    synthetic,
    organization: {
      id: org.id,
      name: org.name,
      acronym: org.acronym ?? null,
      description: org.description ?? "",
      url: org.page ?? null,
      badges: (org.badges ?? []).map((b) => b.kind),
    },
    datasets: datasets.map((d) => ({
      id: d.id,
      title: d.title,
      resources: (d.resources ?? []).length,
      modified: (d.last_modified ?? "").slice(0, 10),
      visits: visits.get(d.id)?.visit ?? 0,
      downloads: visits.get(d.id)?.download_resource ?? 0,
      page: selected.includes(d.id),
    })),
    months: months.map((m) => ({
      month: m.metric_month,
      visits: m.monthly_visit_dataset,
      downloads: m.monthly_download_resource,
    })),
  };
}

export async function dataset(dg: DataGouv, id: string, { synthetic, resources: selected }: PageContext) {
  const d = await dg.datasets.get(id);
  const months = monthly(await dg.metrics("datasets").where("dataset_id", "exact", id).all());
  const resources = [];
  for (const r of d.resources ?? []) {
    // "served by the Tabular API" is what the API answers, not what the metadata claims
    const preview = isTabularResource(r) ? await dg.tabular(r.id).first(8).catch(unlessNotServed) : null;
    resources.push({
      id: r.id,
      title: r.title,
      format: r.format ?? "",
      filesize: r.filesize ?? null,
      type: r.type ?? "",
      url: r.url,
      tabular: preview !== null,
      preview: preview ?? [],
      page: selected.includes(r.id),
    });
  }
  return {
    synthetic,
    dataset: {
      id: d.id,
      title: d.title,
      description: d.description ?? "",
      organization: d.organization ? { id: d.organization.id, name: d.organization.name } : null,
      license: d.license ?? null,
      frequency: d.frequency ?? null,
      tags: d.tags ?? [],
      modified: (d.last_modified ?? "").slice(0, 10),
      quality: d.quality?.score ?? null,
      page: d.page ?? null,
    },
    resources,
    months: months.map((m) => ({
      month: m.metric_month,
      visits: m.monthly_visit,
      downloads: m.monthly_download_resource,
    })),
  };
}

export async function resource(dg: DataGouv, id: string, { synthetic }: Pick<PageContext, "synthetic">) {
  const { resource: r, dataset_id } = await dg.datasets.resource(id);
  const { profile } = await dg.tabularApi.profile(id);
  const columns = profileColumns(profile);
  const sample = await dg.tabular(id).all({ limit: 600 });
  const numeric = columns.filter((c) => c.type === "int" || c.type === "float").map((c) => c.name);
  const categorical = columns.filter(
    (c) => c.type === "string" && (c.stats?.nb_distinct ?? Infinity) <= 40 && (c.stats?.nb_distinct ?? 0) > 1,
  );
  let aggregation = null;
  if (categorical.length && (await dg.tabularApi.aggregationAllowed(id))) {
    const column = categorical[0].name;
    const rows = await dg
      .tabular(id)
      .groupBy(column)
      .aggregate(column, "count")
      .all<Record<string, unknown>>({ limit: 100 });
    aggregation = {
      column,
      rows: rows.map((row) => ({ value: String(row[column] ?? "(empty)"), count: Number(row[`${column}__count`]) })),
    };
  }
  return {
    synthetic,
    resource: {
      id,
      title: r.title,
      format: r.format ?? "",
      datasetId: dataset_id,
      url: r.url,
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

/** A 404 or 410 from the Tabular API means it does not serve the resource; any other failure stops the loader. */
function unlessNotServed(error: unknown): null {
  if (error instanceof DataGouvError && (error.status === 404 || error.status === 410)) return null;
  throw error;
}
