/**
 * Synthetic metrics, labelled as such everywhere the sandbox shows them: deterministic (a hash of each id), plausible
 * (a long tail across datasets, growth, summer and December dips), and consistent (resources sum to their dataset,
 * datasets to their organization and the site, `_total` tables to their months).
 */

/** What the metrics are about: each object's id, and the organization its visits count towards. */
export interface CatalogIds {
  datasets: Owned[];
  resources: { id: string; datasetId: string }[];
  organizations: string[];
  reuses: Owned[];
  dataservices: Owned[];
}

export interface Owned {
  id: string;
  organizationId?: string | undefined;
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

/**
 * The tables as datagouvfr_data_pipelines' dgv/metrics/sql/create_tables.sql derives them from daily visits: a dataset's
 * downloads are its resources' (metric.metrics_datasets), an organization's visits those of its datasets, reuses and
 * dataservices (metric.metrics_organizations, NULL where it has none), the site's those of every dataset and reuse.
 */
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
  /** Per organization and month: what its datasets, reuses and dataservices drew. */
  const byOrganization = new Map<string, Figures[]>();
  const figuresOf = (organizationId: string | undefined) => {
    if (organizationId === undefined) return undefined;
    let figures = byOrganization.get(organizationId);
    if (!figures) byOrganization.set(organizationId, (figures = months.map(() => ({}))));
    return figures;
  };
  const site = months.map((): Figures => ({ visit: 0, download: 0, reuse: 0 }));

  for (const dataset of ids.datasets) {
    const scale = scaleOf(dataset.id);
    const organization = figuresOf(dataset.organizationId);
    let visitTotal = 0;
    let downloadTotal = 0;
    const resourceTotals = new Map<string, number>();
    months.forEach((month, index) => {
      const visit = visits(dataset.id, month, index, scale);
      let download = 0;
      for (const resourceId of resourcesOf.get(dataset.id) ?? []) {
        const share = Math.round(
          visit * (0.05 + 0.6 * unit(`${resourceId}|share`)) * (0.9 + 0.2 * unit(`${resourceId}|${month}`)),
        );
        download += share;
        resourceTotals.set(resourceId, (resourceTotals.get(resourceId) ?? 0) + share);
        tables.resources.push({
          resource_id: resourceId,
          dataset_id: dataset.id,
          metric_month: month,
          monthly_download_resource: share,
        });
      }
      tables.datasets.push({
        dataset_id: dataset.id,
        organization_id: dataset.organizationId ?? null,
        metric_month: month,
        monthly_visit: visit,
        monthly_download_resource: download,
      });
      add(organization?.[index], "visit", visit);
      add(organization?.[index], "download", download);
      add(site[index], "visit", visit);
      add(site[index], "download", download);
      visitTotal += visit;
      downloadTotal += download;
    });
    tables.datasets_total.push({
      dataset_id: dataset.id,
      visit: visitTotal,
      outlink: Math.round(visitTotal * 0.04 * unit(`${dataset.id}|out`)),
      download_resource: downloadTotal,
    });
    for (const [resourceId, total] of resourceTotals)
      tables.resources_total.push({ resource_id: resourceId, dataset_id: dataset.id, download_resource: total });
  }
  for (const reuse of ids.reuses) {
    const total = visited(reuse, "reuse", (month, index, visit) => {
      tables.reuses.push({ reuse_id: reuse.id, metric_month: month, monthly_visit: visit });
      add(site[index], "reuse", visit);
    });
    tables.reuses_total.push({
      reuse_id: reuse.id,
      visit: total,
      outlink: Math.round(total * 0.3 * unit(`${reuse.id}|out`)),
    });
  }
  for (const dataservice of ids.dataservices) {
    const total = visited(dataservice, "dataservice", (month, _index, visit) =>
      tables.dataservices.push({ dataservice_id: dataservice.id, metric_month: month, monthly_visit: visit }),
    );
    tables.dataservices_total.push({ dataservice_id: dataservice.id, visit: total });
  }

  /** Visits of a reuse or a dataservice, month by month, counted towards its organization; their sum. */
  function visited(
    object: Owned,
    kind: "reuse" | "dataservice",
    emit: (month: string, index: number, visit: number) => void,
  ) {
    const scale = scaleOf(object.id) / 4;
    const organization = figuresOf(object.organizationId);
    let total = 0;
    months.forEach((month, index) => {
      const visit = visits(object.id, month, index, scale);
      total += visit;
      add(organization?.[index], kind, visit);
      emit(month, index, visit);
    });
    return total;
  }

  for (const organizationId of ids.organizations) {
    const figures = figuresOf(organizationId)!;
    const totals: Figures = {};
    months.forEach((month, index) => {
      const { visit = null, download = null, reuse = null, dataservice = null } = figures[index];
      tables.organizations.push({
        organization_id: organizationId,
        metric_month: month,
        monthly_visit_dataset: visit,
        monthly_download_resource: download,
        monthly_visit_reuse: reuse,
        monthly_visit_dataservice: dataservice,
      });
      for (const key of ["visit", "download", "reuse", "dataservice"] as const) add(totals, key, figures[index][key]);
    });
    tables.organizations_total.push({
      organization_id: organizationId,
      visit_dataset: totals.visit ?? null,
      download_resource: totals.download ?? null,
      visit_reuse: totals.reuse ?? null,
      visit_dataservice: totals.dataservice ?? null,
      outlink: Math.round((totals.visit ?? 0) * 0.03),
    });
  }
  months.forEach((month, index) =>
    tables.site.push({
      metric_month: month,
      monthly_visit_dataset: site[index].visit!,
      monthly_download_resource: site[index].download!,
      monthly_visit_reuse: site[index].reuse!,
    }),
  );
  return tables;
}

/** Sums as SQL's sum() makes them: NULL until a first value. */
interface Figures {
  visit?: number;
  download?: number;
  reuse?: number;
  dataservice?: number;
}

function add(figures: Figures | undefined, key: keyof Figures, value: number | undefined): void {
  if (figures && value !== undefined) figures[key] = (figures[key] ?? 0) + value;
}
