/**
 * Synthetic metrics, labelled as such everywhere the sandbox shows them: deterministic (a hash of each id), plausible
 * (a long tail across datasets, growth, summer and December dips), and consistent (resources sum to their dataset,
 * datasets to their organization and the site, `_total` tables to their months).
 */

export interface CatalogIds {
  datasets: { id: string; organizationId?: string }[];
  resources: { id: string; datasetId: string }[];
  organizations: string[];
  reuses: string[];
  dataservices: string[];
}

export interface MonthRange {
  from: string;
  to: string;
}

export const DEFAULT_MONTHS: MonthRange = { from: "2023-01", to: "2026-10" };

type Row = Record<string, string | number | null>;
export type MetricsTables = Record<string, Row[]>;

/** FNV-1a: the same string gives the same number on every machine and run. */
export function unit(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x100000000;
}

export function monthsOf(range: MonthRange): string[] {
  const [fy, fm] = range.from.split("-").map(Number);
  const [ty, tm] = range.to.split("-").map(Number);
  const months: string[] = [];
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? (y++, (m = 1)) : m++)
    months.push(`${y}-${String(m).padStart(2, "0")}`);
  return months;
}

/** The shape of a month: fewer visits in August and late December, slow growth over the years. */
function seasonal(month: string, index: number): number {
  const m = Number(month.slice(5));
  const dip = m === 8 ? 0.7 : m === 12 ? 0.85 : m === 7 ? 0.88 : m === 1 || m === 9 ? 1.08 : 1;
  return dip * 1.015 ** index;
}

/** Monthly visits of one object: its own scale (a long tail), the season, and noise of ±15 %. */
function visits(id: string, month: string, index: number, scale: number): number {
  return Math.round(scale * seasonal(month, index) * (0.85 + 0.3 * unit(`${id}|${month}`)));
}

/** Scale of an object: 10 to 200,000 visits a month, most of them small. */
function scaleOf(id: string): number {
  return 10 * 20_000 ** (unit(id) ** 2.2);
}

export function generateMetrics(ids: CatalogIds, range: MonthRange = DEFAULT_MONTHS): MetricsTables {
  const months = monthsOf(range);
  const tables: MetricsTables = {
    site: [],
    datasets: [],
    resources: [],
    organizations: [],
    reuses: [],
    dataservices: [],
    datasets_total: [],
    resources_total: [],
    organizations_total: [],
    reuses_total: [],
    dataservices_total: [],
  };
  const resourcesOf = new Map<string, string[]>();
  for (const r of ids.resources) resourcesOf.set(r.datasetId, [...(resourcesOf.get(r.datasetId) ?? []), r.id]);
  const datasetMonth = new Map<string, { visit: number; download: number }>();
  const orgOf = new Map(ids.datasets.map((d) => [d.id, d.organizationId]));

  for (const dataset of ids.datasets) {
    const scale = scaleOf(dataset.id);
    let visitTotal = 0;
    let downloadTotal = 0;
    months.forEach((month, index) => {
      const visit = visits(dataset.id, month, index, scale);
      let download = 0;
      for (const resourceId of resourcesOf.get(dataset.id) ?? []) {
        const share = Math.round(
          visit * (0.05 + 0.6 * unit(`${resourceId}|share`)) * (0.9 + 0.2 * unit(`${resourceId}|${month}`)),
        );
        download += share;
        tables.resources.push({
          resource_id: resourceId,
          dataset_id: dataset.id,
          metric_month: month,
          monthly_download_resource: share,
        });
      }
      tables.datasets.push({
        dataset_id: dataset.id,
        metric_month: month,
        monthly_visit: visit,
        monthly_download_resource: download,
        organization_id: dataset.organizationId ?? null,
      });
      datasetMonth.set(`${dataset.id}|${month}`, { visit, download });
      visitTotal += visit;
      downloadTotal += download;
    });
    tables.datasets_total.push({
      dataset_id: dataset.id,
      visit: visitTotal,
      outlink: Math.round(visitTotal * 0.04 * unit(`${dataset.id}|out`)),
      download_resource: downloadTotal,
    });
  }
  for (const resource of ids.resources) {
    const total = tables.resources
      .filter((r) => r.resource_id === resource.id)
      .reduce((sum, r) => sum + Number(r.monthly_download_resource), 0);
    tables.resources_total.push({ resource_id: resource.id, dataset_id: resource.datasetId, download_resource: total });
  }
  const simple = (model: "reuses" | "dataservices", key: string, list: string[]) => {
    for (const id of list) {
      const scale = scaleOf(id) / 4;
      let total = 0;
      months.forEach((month, index) => {
        const visit = visits(id, month, index, scale);
        total += visit;
        tables[model].push({ [key]: id, metric_month: month, monthly_visit: visit });
      });
      tables[`${model}_total`].push(
        model === "reuses"
          ? { reuse_id: id, visit: total, outlink: Math.round(total * 0.3 * unit(`${id}|out`)) }
          : { dataservice_id: id, visit_dataservice: total },
      );
    }
  };
  simple("reuses", "reuse_id", ids.reuses);
  simple("dataservices", "dataservice_id", ids.dataservices);

  for (const organizationId of ids.organizations) {
    const own = ids.datasets.filter((d) => orgOf.get(d.id) === organizationId);
    let visitTotal = 0;
    let downloadTotal = 0;
    let reuseTotal = 0;
    months.forEach((month, index) => {
      let visit = 0;
      let download = 0;
      for (const d of own) {
        const figures = datasetMonth.get(`${d.id}|${month}`)!;
        visit += figures.visit;
        download += figures.download;
      }
      const reuse = visits(`${organizationId}|reuse`, month, index, scaleOf(organizationId) / 10);
      tables.organizations.push({
        organization_id: organizationId,
        metric_month: month,
        monthly_visit_dataset: visit,
        monthly_download_resource: download,
        monthly_visit_reuse: reuse,
        monthly_visit_dataservice: null,
      });
      visitTotal += visit;
      downloadTotal += download;
      reuseTotal += reuse;
    });
    tables.organizations_total.push({
      organization_id: organizationId,
      visit_dataset: visitTotal,
      download_resource: downloadTotal,
      visit_reuse: reuseTotal,
      outlink: Math.round(visitTotal * 0.03),
    });
  }
  months.forEach((month) => {
    let visit = 0;
    let download = 0;
    for (const d of ids.datasets) {
      const figures = datasetMonth.get(`${d.id}|${month}`)!;
      visit += figures.visit;
      download += figures.download;
    }
    const reuse = tables.reuses
      .filter((r) => r.metric_month === month)
      .reduce((sum, r) => sum + Number(r.monthly_visit), 0);
    tables.site.push({
      metric_month: month,
      monthly_visit_dataset: visit,
      monthly_download_resource: download,
      monthly_visit_reuse: reuse,
    });
  });
  return tables;
}
