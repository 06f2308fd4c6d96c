/**
 * The shape of the real platform the synthetic catalog copies: its size (udata's site metrics of January 2026) and
 * the mix of its objects. Mixes come from udata's own fixture (udata/fixtures/results.json, in seed/main-api) where it
 * has them, counted there; where the fixture strips a field (licences, quality) from udata's vocabularies, weighted
 * by hand toward what the platform shows.
 */

export interface CatalogCounts {
  datasets: number;
  resources: number;
  organizations: number;
  reuses: number;
  dataservices: number;
  /** Datasets of the largest organization. */
  largestOrganization: number;
}

export const FULL_CATALOG: CatalogCounts = {
  datasets: 73_211,
  resources: 381_952,
  organizations: 5_997,
  reuses: 4_674,
  dataservices: 378,
  largestOrganization: 2_780,
};

/** The real platform's proportions at another number of datasets. */
export function scaledCounts(datasets: number): CatalogCounts {
  const ratio = datasets / FULL_CATALOG.datasets;
  const scaled = (n: number) => Math.max(1, Math.round(n * ratio));
  return {
    datasets,
    resources: scaled(FULL_CATALOG.resources),
    organizations: scaled(FULL_CATALOG.organizations),
    reuses: scaled(FULL_CATALOG.reuses),
    dataservices: scaled(FULL_CATALOG.dataservices),
    largestOrganization: scaled(FULL_CATALOG.largestOrganization),
  };
}

/** Resource formats as the fixture's 99 resources have them, and the other usual ones of udata's format families. */
export const FORMATS = {
  csv: 55,
  pdf: 16,
  json: 8,
  zip: 6,
  txt: 6,
  "page web": 3,
  xlsx: 1,
  shapefile: 1,
  xml: 1,
  www: 1,
  gtfs: 1,
  xls: 1,
  ods: 0.5,
  geojson: 1,
  parquet: 0.5,
  kml: 0.3,
  gpkg: 0.3,
  docx: 0.3,
  html: 0.5,
} as const;

export const MIME_TYPES: Record<string, string> = {
  csv: "text/csv",
  pdf: "application/pdf",
  json: "application/json",
  zip: "application/zip",
  txt: "text/plain",
  "page web": "text/html",
  html: "text/html",
  www: "text/html",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  xls: "application/vnd.ms-excel",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  xml: "application/xml",
  geojson: "application/geo+json",
  parquet: "application/vnd.apache.parquet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/** Formats udata counts as open (the `has_open_format` quality criterion). */
export const OPEN_FORMATS = new Set(["csv", "json", "txt", "xml", "geojson", "ods", "parquet", "kml", "gpkg", "gtfs"]);

export const RESOURCE_TYPES = { main: 65, documentation: 25, other: 9, update: 1, api: 1 } as const;
export const FILETYPES = { file: 62, remote: 37 } as const;

/** The fixture's update frequencies, and udata's other ones (frequencies endpoint) now and then. */
export const FREQUENCIES = {
  unknown: 4,
  punctual: 3,
  monthly: 2,
  weekly: 2,
  annual: 2,
  semiannual: 1,
  daily: 1,
  irregular: 0.5,
  quarterly: 0.5,
  continuous: 0.3,
  hourly: 0.2,
  biennial: 0.2,
  notPlanned: 0.3,
} as const;

/** udata's licences (seed/main-api/reference.json), the Licence Ouverte first as on the platform. */
export const LICENSES = {
  lov2: 55,
  "fr-lo": 12,
  notspecified: 12,
  "odc-odbl": 9,
  "cc-by": 4,
  "cc-zero": 2,
  "cc-by-sa": 2,
  "other-at": 4,
} as const;

/** Resources per dataset in the fixture: a long tail from one to thirty. */
export const RESOURCES_PER_DATASET = [22, 18, 30, 9, 3, 2, 2, 3, 1, 3, 1, 2, 1, 1, 1] as const;

export const REUSE_TYPES = { application: 44, visualization: 27, news_article: 5, paper: 4, api: 2, post: 1 } as const;
export const REUSE_TOPICS = {
  housing_and_development: 27,
  health: 17,
  open_data_tools: 10,
  economy_and_business: 8,
  others: 4,
  transport_and_mobility: 4,
  environment_and_energy: 4,
  society_and_demography: 4,
  food_and_agriculture: 3,
  politics_and_public_life: 1,
  culture_and_recreation: 1,
} as const;

/** The fixture's organizations: 13 certified, 10 public services, 5 local authorities among 15. */
export const BADGE_SHARES = { certified: 13 / 15, "public-service": 10 / 15, "local-authority": 5 / 15 } as const;

/** Share of datasets a person publishes rather than an organization. */
export const USER_DATASETS = 0.06;

/** The synthetic catalog's clock: creation dates run from the platform's opening to here (the metrics' last month). */
export const OPENED = Date.UTC(2013, 11, 1);
export const NOW = Date.UTC(2026, 9, 31);
