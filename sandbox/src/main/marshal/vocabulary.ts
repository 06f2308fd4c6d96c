/**
 * udata's vocabularies, in its source language (English; udata translates labels into the caller's `lang`).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** udata/core/dataset/constants.py UpdateFrequency: id, label, and the delay before the next expected update. */
export const FREQUENCIES: [id: string, label: string, delta: number | null][] = [
  ["continuous", "Real time", null],
  ["oneMinute", "Every minute", 60_000],
  ["fiveMinutes", "Every five minutes", 5 * 60_000],
  ["tenMinutes", "Every ten minutes", 10 * 60_000],
  ["fifteenMinutes", "Every fifteen minutes", 15 * 60_000],
  ["thirtyMinutes", "Every thirty minute", 30 * 60_000],
  ["hourly", "Every hour", HOUR],
  ["bihourly", "Every two hours", 2 * HOUR],
  ["trihourly", "Every three hours", 3 * HOUR],
  ["twelveHours", "Every twelve hours", 12 * HOUR],
  ["severalTimesADay", "Several times a day", DAY],
  ["threeTimesADay", "Three times a day", DAY],
  ["semidaily", "Twice a day", DAY],
  ["daily", "Daily", DAY],
  ["fiveTimesAWeek", "Five times a week", 7 * DAY],
  ["threeTimesAWeek", "Three times a week", 7 * DAY],
  ["semiweekly", "Twice a week", 7 * DAY],
  ["weekly", "Weekly", 7 * DAY],
  ["biweekly", "Every two weeks", 14 * DAY],
  ["threeTimesAMonth", "Three times a month", 31 * DAY],
  ["semimonthly", "Twice a month", 31 * DAY],
  ["monthly", "Monthly", 31 * DAY],
  ["bimonthly", "Every two months", 62 * DAY],
  ["quarterly", "Quarterly", 93 * DAY],
  ["threeTimesAYear", "Three times a year", 365 * DAY],
  ["semiannual", "Twice a year", 365 * DAY],
  ["annual", "Annually", 365 * DAY],
  ["biennial", "Every two years", 2 * 365 * DAY],
  ["triennial", "Every three years", 3 * 365 * DAY],
  ["quadrennial", "Every four years", 4 * 365 * DAY],
  ["quinquennial", "Every five years", 5 * 365 * DAY],
  ["decennial", "Every ten years", 10 * 365 * DAY],
  ["bidecennial", "Every twenty years", 20 * 365 * DAY],
  ["tridecennial", "Every thirty years", 30 * 365 * DAY],
  ["punctual", "Punctual", null],
  ["irregular", "Irregular", null],
  ["never", "Never", null],
  ["notPlanned", "Not planned", null],
  ["other", "Other", null],
  ["unknown", "Unknown", null],
];

/** UpdateFrequency._LEGACY_FREQUENCIES: ids older datasets carry, read as their current one. */
const LEGACY_FREQUENCIES: Record<string, string> = {
  realtime: "continuous",
  fourTimesADay: "severalTimesADay",
  fourTimesAWeek: "other",
  fortnighly: "biweekly",
  biannual: "semiannual",
};

const BY_ID = new Map(FREQUENCIES.map((f) => [f[0], f]));

/** A stored frequency as the API gives it: its current id, "unknown" when unset (the field's default). */
export function frequencyOf(value: unknown): string {
  if (typeof value !== "string" || !value) return "unknown";
  return LEGACY_FREQUENCIES[value] ?? value;
}

/** A frequency a write may set: a current or legacy id, as the enum's `_missing_` accepts. */
export function knownFrequency(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const id = LEGACY_FREQUENCIES[value] ?? value;
  return BY_ID.has(id) ? id : undefined;
}

export const frequencyLabel = (id: string) => BY_ID.get(id)?.[1] ?? null;
export const frequencyDelta = (id: string) => BY_ID.get(id)?.[2] ?? null;

/** udata/core/dataset/constants.py RESOURCE_TYPES. */
export const RESOURCE_TYPES: [string, string][] = [
  ["main", "Main file"],
  ["documentation", "Documentation"],
  ["update", "Update"],
  ["api", "API"],
  ["code", "Code repository"],
  ["other", "Other"],
];

/** udata/core/reuse/constants.py. */
export const REUSE_TYPES: [string, string][] = [
  ["api", "API"],
  ["application", "Application"],
  ["idea", "Idea"],
  ["news_article", "News Article"],
  ["paper", "Paper"],
  ["post", "Post"],
  ["visualization", "Visualization"],
  ["hardware", "Connected device"],
];

export const REUSE_TOPICS: [string, string][] = [
  ["health", "Health"],
  ["transport_and_mobility", "Transport and mobility"],
  ["housing_and_development", "Housing and development"],
  ["food_and_agriculture", "Food and agriculture"],
  ["culture_and_recreation", "Culture and recreation"],
  ["economy_and_business", "Economy and business"],
  ["environment_and_energy", "Environment and energy"],
  ["work_and_training", "Work and training"],
  ["politics_and_public_life", "Politics and public life"],
  ["safety_and_security", "Safety and security"],
  ["education_and_research", "Education and research"],
  ["society_and_demography", "Society and demography"],
  ["law_and_justice", "Law and justice"],
  ["open_data_tools", "Open data tools"],
  ["others", "Others"],
];

/** The badges each kind of object may carry (the BADGES of udata/core/{dataset,organization,dataservices}/models.py). */
export const BADGES = {
  datasets: {
    "pivotal-data": "Pivotal data",
    spd: "Reference data public service",
    inspire: "Inspire",
    hvd: "High value datasets",
    sl: "Certified statistic series",
    sr: "Statistical series of general interest",
  },
  organizations: {
    "public-service": "Public Service",
    certified: "Certified",
    association: "Association",
    company: "Company",
    "local-authority": "Local authority",
  },
  reuses: {},
  dataservices: { hvd: "Dataservice serving high value datasets" },
};

/** udata/settings.py ALLOWED_RESOURCES_EXTENSIONS (the archive extensions first, as it builds the list). */
export const ALLOWED_EXTENSIONS = [
  ...["tar", "gz", "tgz", "rar", "zip", "7z", "xz", "bz2"],
  ...["csv", "txt", "json", "pdf", "xml", "rtf", "xsd", "ods", "odt", "odp", "odg"],
  ...["xls", "xlsx", "doc", "docx", "pps", "ppt"],
  ...["jpeg", "jpg", "jpe", "gif", "png", "dwg", "svg", "tiff", "ecw", "svgz", "jp2", "webp"],
  ...["shp", "kml", "kmz", "gpx", "shx", "ovr", "geojson", "gpkg", "grib2", "rdf", "ttl", "n3"],
  ...["dbf", "prj", "sql", "sqlite", "db", "epub", "sbn", "sbx", "cpg", "lyr", "owl", "dxf", "ics", "ssim", "other"],
];

/** udata/settings.py ALLOWED_RESOURCES_MIMES. */
export const ALLOWED_MIMES = [
  "text/csv",
  "application/json",
  "application/pdf",
  "application/msword",
  "application/vnd",
  "application/vnd.geo+json",
  "application/zip",
  "application/x-tar",
  "application/x-bzip",
  "application/x-bzip2",
  "application/x-7z-compressed",
  "application/x-rar-compressed",
  "application/epub+zip",
  "application/rtf",
  "application/rdf+xml",
  "application/xml",
  "application/xhtml+xml",
  "image/bmp",
  "image/jpeg",
  "image/png",
  "image/svg+xml",
  "image/webp",
  "text/html",
  "text/calendar",
  "text/plain",
  "text/xml",
  "text/turtle",
];

/** Format families of the search (udata/core/dataset/constants.py get_format_family, udata/settings.py *_FORMATS). */
const FORMAT_FAMILIES: [string, string[]][] = [
  ["tabular", ["csv", "parquet", "xls", "xlsx", "ods", "tsv", "csv.gz"]],
  ["machine_readable", ["json", "xml", "rdf", "sql", "jsonl", "ndjson"]],
  [
    "geographical",
    [
      "shp",
      "kml",
      "kmz",
      "gpx",
      "shx",
      "ovr",
      "geojson",
      "gpkg",
      "pmtiles",
      "mbtiles",
      "wms",
      "wfs",
      "ogc:wms",
      "ogc:wfs",
    ],
  ],
  ["documents", ["pdf", "doc", "docx", "md", "txt", "html", "htm", "rtf", "odt"]],
];

export function formatFamily(format: unknown): string {
  const f = String(format ?? "")
    .toLowerCase()
    .trim();
  return (f && FORMAT_FAMILIES.find(([, formats]) => formats.includes(f))?.[0]) || "other";
}
