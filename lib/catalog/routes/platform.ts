import type { Dataset, SiteInfo, SpatialLevel, Zone } from "../models.ts";
import type { Label, SpatialCoverage, WorkerJob, WorkerTask } from "./models.ts";
import { delAdmin, get, getAdmin, patchAdmin, postAdmin, putAdmin } from "./route.ts";

type Suggestion = Record<string, unknown>;
const SITE = "api/1/site";
const SP = "api/1/spatial";

/** The site routes the Site class calls by hand: its info, and one method for the five catalog exports. */
export const SITE_HAND = {
  get: get(`${SITE}/`, "the site's id, title and metrics").json<SiteInfo>(),
  export: get(
    `${SITE}/datasets.csv`,
    "a catalog export as CSV (datasets, resources, organizations, reuses, dataservices)",
  ).stream("text/csv"),
} as const;

/** The exports the hand-written `site.export(kind)` serves besides datasets.csv. */
export const SITE_EXPORT_ROUTES = {
  export_resources: get(`${SITE}/resources.csv`, "every resource as CSV").stream("text/csv"),
  export_organizations: get(`${SITE}/organizations.csv`, "every organization as CSV").stream("text/csv"),
  export_reuses: get(`${SITE}/reuses.csv`, "every reuse as CSV").stream("text/csv"),
  export_dataservices: get(`${SITE}/dataservices.csv`, "every dataservice as CSV").stream("text/csv"),
} as const;

export const SITE_ROUTES = {
  update: patchAdmin(`${SITE}/`, "edit the site's settings (administrators)").send<Record<string, unknown>, SiteInfo>(),
  catalog: get(`${SITE}/catalog`, "the site's DCAT catalog (redirects to JSON-LD)").stream("application/ld+json"),
  catalogAs: get(`${SITE}/catalog.{_format}`, "the DCAT catalog: json, jsonld, ttl, xml, n3, nt").stream(
    "application/ld+json",
  ),
  context: get(`${SITE}/context.jsonld`, "the JSON-LD context of the catalog").json<{ "@context": unknown }>(),
  dataPortal: get(`${SITE}/data.{_format}`, "the catalog as a DCAT data portal (json, jsonld, ttl, xml)").stream(
    "application/ld+json",
  ),
  harvestsCsv: get(`${SITE}/harvests.csv`, "every harvest source as CSV").stream("text/csv"),
  tagsCsv: get(`${SITE}/tags.csv`, "every tag and its use as CSV").stream("text/csv"),
} as const;

export const SPATIAL_HAND = {
  levels: get(`${SP}/levels/`, "administrative levels").json<SpatialLevel[]>(),
  granularities: get(`${SP}/granularities/`, "spatial granularities").json<SpatialLevel[]>(),
  zones: get(`${SP}/zones/{ids}/`, "zones as GeoJSON (comma-separated ids)").json<{ features: Zone[] }>(),
  suggestZones: get(`${SP}/zones/suggest/`, "zones for autocompletion").json<Suggestion[]>(),
} as const;

export const SPATIAL_ROUTES = {
  coverage: get(`${SP}/coverage/{level}/`, "how many datasets cover each zone of a level").json<SpatialCoverage>(),
  zone: get(`${SP}/zone/{id}/`, "one zone as a GeoJSON feature").json<Zone>(),
  zoneDatasets: get(`${SP}/zone/{id}/datasets/`, "datasets covering a zone").json<Dataset[], { size?: number }>(),
} as const;

export const TAG_HAND = {
  suggest: get("api/1/tags/suggest/", "tags for autocompletion").json<Suggestion[]>(),
} as const;

export const ACCESS_TYPE_ROUTES = {
  reasonCategories: get("api/1/access_type/reason_categories/", "why access to a dataset is restricted").json<
    Label[]
  >(),
} as const;

export const AVATAR_ROUTES = {
  get: get("api/1/avatars/{identifier}/{size}/", "a generated avatar (PNG)").stream("image/png"),
} as const;

/** Administrators' routes: objects flagged as spam, and the workers' scheduled jobs and tasks. */
export const SPAM_ROUTES = {
  list: getAdmin("api/1/spam/", "objects flagged as spam (administrators)").json<Record<string, unknown>[]>(),
} as const;

export const WORKER_ROUTES = {
  jobs: getAdmin("api/1/workers/jobs/", "scheduled jobs").json<WorkerJob[]>(),
  createJob: postAdmin("api/1/workers/jobs/", "schedule a job").send<Partial<WorkerJob>, WorkerJob>(),
  job: getAdmin("api/1/workers/jobs/{id}/", "one scheduled job").json<WorkerJob>(),
  updateJob: putAdmin("api/1/workers/jobs/{id}/", "edit a scheduled job").send<Partial<WorkerJob>, WorkerJob>(),
  deleteJob: delAdmin("api/1/workers/jobs/{id}/", "delete a scheduled job").empty(),
  schedulables: getAdmin("api/1/workers/jobs/schedulables/", "the tasks one may schedule").json<Label[]>(),
  task: getAdmin("api/1/workers/tasks/{id}/", "one task's state").json<WorkerTask>(),
} as const;
