/**
 * The Metrics API's models and their columns, in the order datagouvfr_data_pipelines' dgv/metrics/sql/create_tables.sql
 * creates the views (the API serves each view of its `metric` schema as PostgREST reads it).
 */
export const METRICS_MODELS = {
  site: ["__id", "metric_month", "monthly_visit_dataset", "monthly_download_resource", "monthly_visit_reuse"],
  datasets: ["__id", "dataset_id", "organization_id", "metric_month", "monthly_visit", "monthly_download_resource"],
  resources: ["__id", "resource_id", "dataset_id", "metric_month", "monthly_download_resource"],
  organizations: [
    "__id",
    "organization_id",
    "metric_month",
    "monthly_visit_dataset",
    "monthly_download_resource",
    "monthly_visit_reuse",
    "monthly_visit_dataservice",
  ],
  reuses: ["__id", "reuse_id", "metric_month", "monthly_visit"],
  dataservices: ["__id", "dataservice_id", "metric_month", "monthly_visit"],
  datasets_total: ["__id", "dataset_id", "visit", "outlink", "download_resource"],
  resources_total: ["__id", "resource_id", "dataset_id", "download_resource"],
  organizations_total: [
    "__id",
    "organization_id",
    "visit_dataset",
    "download_resource",
    "visit_reuse",
    "visit_dataservice",
    "outlink",
  ],
  reuses_total: ["__id", "reuse_id", "visit", "outlink"],
  dataservices_total: ["__id", "dataservice_id", "visit"],
} as const;

export type KnownMetricsModel = keyof typeof METRICS_MODELS;
/** A known model, or another view of the `metric` schema (the API serves any; rows are open records). */
export type MetricsModel = KnownMetricsModel | (string & {});

export type MetricsColumnType = "id" | "month" | "string" | "count";

/** How a column is typed when loaded: ids and months as text ("YYYY-MM" compares in order), counts as integers. */
export function metricsColumnType(column: string): MetricsColumnType {
  if (column === "__id") return "id";
  if (column === "metric_month") return "month";
  if (column.endsWith("_id")) return "string";
  return "count";
}

export function isKnownModel(model: string): model is KnownMetricsModel {
  return Object.hasOwn(METRICS_MODELS, model);
}

interface MonthRow {
  __id: number;
  metric_month: string;
}

export interface SiteMetrics extends MonthRow {
  monthly_visit_dataset: number | null;
  monthly_download_resource: number | null;
  monthly_visit_reuse: number | null;
}
export interface DatasetMetrics extends MonthRow {
  dataset_id: string;
  /** NULL for a dataset a user publishes. */
  organization_id: string | null;
  monthly_visit: number | null;
  monthly_download_resource: number | null;
}
export interface ResourceMetrics extends MonthRow {
  resource_id: string;
  dataset_id: string;
  monthly_download_resource: number | null;
}
export interface OrganizationMetrics extends MonthRow {
  organization_id: string;
  monthly_visit_dataset: number | null;
  monthly_download_resource: number | null;
  monthly_visit_reuse: number | null;
  monthly_visit_dataservice: number | null;
}
export interface ReuseMetrics extends MonthRow {
  reuse_id: string;
  monthly_visit: number | null;
}
export interface DataserviceMetrics extends MonthRow {
  dataservice_id: string;
  monthly_visit: number | null;
}
export interface DatasetTotals {
  __id: number;
  dataset_id: string;
  visit: number | null;
  outlink: number | null;
  download_resource: number | null;
}
export interface ResourceTotals {
  __id: number;
  resource_id: string;
  dataset_id: string;
  download_resource: number | null;
}
export interface OrganizationTotals {
  __id: number;
  organization_id: string;
  visit_dataset: number | null;
  download_resource: number | null;
  visit_reuse: number | null;
  visit_dataservice: number | null;
  outlink: number | null;
}
export interface ReuseTotals {
  __id: number;
  reuse_id: string;
  visit: number | null;
  outlink: number | null;
}
export interface DataserviceTotals {
  __id: number;
  dataservice_id: string;
  visit: number | null;
}

/** Row type per model. */
export interface MetricsRows {
  site: SiteMetrics;
  datasets: DatasetMetrics;
  resources: ResourceMetrics;
  organizations: OrganizationMetrics;
  reuses: ReuseMetrics;
  dataservices: DataserviceMetrics;
  datasets_total: DatasetTotals;
  resources_total: ResourceTotals;
  organizations_total: OrganizationTotals;
  reuses_total: ReuseTotals;
  dataservices_total: DataserviceTotals;
}
