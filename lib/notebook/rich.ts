import type { Dataset, DatasetV2, Organization, Resource, ResourceWithDataset } from "../catalog/models.ts";
import type { ResourceProfile } from "../tabular/profile.ts";
import { datasetCard, organizationCard, profileView, resourceCard } from "./cards.ts";
import { monthlyChart, type MonthRowLike } from "./chart.ts";
import { DISPLAY, displayable, isRich, type MimeBundle, type Rich } from "./mime.ts";
import { isArrowTable, isDuckDBReader, table, type TableOptions } from "./table.ts";

/**
 * `rich(x)`: whatever a person looks at, wrapped so that it renders itself. The catalog's objects are plain JSON, so
 * they are told apart by the fields each kind always carries.
 */

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => !!x && typeof x === "object" && !Array.isArray(x);
const has = (x: Json, ...keys: string[]) => keys.every((k) => k in x);

export const isDataset = (x: unknown): x is Dataset | DatasetV2 =>
  isObject(x) && has(x, "id", "title", "slug") && ("resources" in x || "license" in x || "frequency" in x);
export const isOrganization = (x: unknown): x is Organization =>
  isObject(x) &&
  has(x, "id", "name", "slug") &&
  !("title" in x) &&
  ("badges" in x || "members" in x || "logo" in x || "business_number_id" in x);
export const isResource = (x: unknown): x is Resource =>
  isObject(x) && has(x, "id", "title", "url") && !("slug" in x) && ("format" in x || "filetype" in x);
export const isProfile = (x: unknown): x is ResourceProfile =>
  isObject(x) && isObject(x.profile) && "dataset_id" in x && "indexes" in x;
const isResourceWithDataset = (x: unknown): x is ResourceWithDataset =>
  isObject(x) && "dataset_id" in x && isResource(x.resource);

/** The Metrics API's monthly counts: `monthly_*` columns, so totals over all months are left to tables. */
export function monthlyMeasures(rows: unknown[]): string[] | null {
  const first = rows[0];
  if (!isObject(first) || typeof first.metric_month !== "string") return null;
  const measures = Object.keys(first).filter((k) => k.startsWith("monthly_") && typeof first[k] === "number");
  return measures.length ? measures : null;
}

/**
 * Monthly metrics render as a chart where the kernel awaits the display method (Deno), and as their table through
 * IJavaScript's synchronous `_toMime()`; `show()` draws the chart in every kernel.
 */
type MetricsRows = (MonthRowLike & Record<string, unknown>)[];

function metricsView(rows: MetricsRows, measures: string[], options: TableOptions): Rich {
  const rowsTable = table(rows, options);
  return {
    [DISPLAY]: async () => {
      const chart = (await monthlyChart(rows, measures, { title: options.title })).bundle;
      return { ...chart, "application/vnd.dataresource+json": rowsTable.bundle["application/vnd.dataresource+json"] };
    },
    _toMime: () => rowsTable.bundle,
    toJSON: () => rows,
  };
}

function plainValue(value: unknown): Rich {
  let plain: string;
  try {
    plain =
      typeof value === "string"
        ? value
        : (JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) ?? String(value));
  } catch {
    plain = String(value);
  }
  const bundle: MimeBundle = { "text/plain": plain };
  return displayable(bundle, value);
}

export function rich(value: unknown, options: TableOptions = {}): Rich {
  if (isRich(value)) return value;
  if (isArrowTable(value) || isDuckDBReader(value)) return table(value, options);
  if (Array.isArray(value) && value.every(isObject)) {
    const measures = monthlyMeasures(value);
    return measures ? metricsView(value as MetricsRows, measures, options) : table(value, options);
  }
  if (isProfile(value)) return profileView(value);
  if (isDataset(value)) return datasetCard(value);
  if (isResourceWithDataset(value)) return resourceCard(value.resource);
  if (isResource(value)) return resourceCard(value);
  if (isOrganization(value)) return organizationCard(value);
  return plainValue(value);
}
