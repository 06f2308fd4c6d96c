import { SANDBOX_ORIGIN, type Doc } from "../seed.ts";
import {
  boolean,
  datetime,
  list,
  marshal,
  model,
  nested,
  raw,
  string,
  type MarshalContext,
  type Model,
} from "./fields.ts";
import { parseMask } from "./mask.ts";
import { qualityOf } from "./quality.ts";
import {
  accessType,
  badges,
  metricsOf,
  contactPoint,
  extras,
  organizationRef,
  permissions,
  userRef,
} from "./references.ts";
import { communityResource, createdAt, internalOf, lastModified, resource, schema } from "./resource.ts";
import { spatialCoverage } from "./spatial.ts";
import { apiUrl, linkId, webUrl } from "./urls.ts";
import { frequencyLabel, frequencyOf } from "./vocabulary.ts";
import { license, licenseOf } from "./license.ts";

/** Datasets as udata/core/dataset/api_fields.py (v1) and udata/core/dataset/apiv2.py (v2) declare them. */

const datasetHarvest: Model = model("HarvestDatasetMetadata", {
  backend: string(),
  created_at: datetime(),
  issued_at: datetime(),
  modified_at: datetime(),
  source_id: string(),
  remote_id: string(),
  domain: string(),
  last_update: datetime(),
  remote_url: string(),
  uri: string(),
  dct_identifier: string(),
  archived_at: datetime(),
  archived: string(),
});

const temporalCoverage: Model = model("TemporalCoverage", { start: datetime(), end: datetime() });

/** Dataset.__metrics_keys__ (udata/core/dataset/models.py). */
const DATASET_METRICS = [
  "discussions",
  "discussions_open",
  "reuses",
  "reuses_by_months",
  "dataservices",
  "followers",
  "followers_by_months",
  "views",
  "resources_downloads",
];

/** The fields both versions share, as v1 declares them. */
const COMMON = {
  id: string(),
  title: string(),
  acronym: string(),
  slug: string(),
  description: string(),
  description_short: string(),
  created_at: datetime(createdAt),
  last_modified: datetime(lastModified),
  deleted: datetime(),
  archived: datetime(),
  // BooleanField(default=False): a stored dataset always has them
  featured: boolean(undefined, false),
  private: boolean(undefined, false),
  tags: list(string()),
  badges,
  frequency_date: datetime(),
  harvest: nested(() => datasetHarvest, { allowNull: true, skipNone: true }),
  extras,
  metrics: metricsOf(DATASET_METRICS),
  organization: nested(() => organizationRef, { allowNull: true }),
  owner: nested(() => userRef, { allowNull: true }),
  temporal_coverage: nested(() => temporalCoverage, { allowNull: true }),
  spatial: nested(() => spatialCoverage, { allowNull: true }),
  ...accessType,
  uri: string((d: Doc) => apiUrl(`1/datasets/${linkId(d)}/`)),
  page: string((d: Doc) => webUrl(`datasets/${linkId(d)}`)),
  quality: raw((d: Doc) => qualityOf(d)),
  last_update: datetime((d: Doc) => d.last_update ?? lastModified(d)),
  internal: internalOf("dataset"),
  contact_points: list(nested(() => contactPoint)),
  permissions: permissions(["delete", "edit", "edit_resources"]),
};

/** DEFAULT_MASK (udata/core/dataset/api_fields.py): no community resources by default. */
const DEFAULT_MASK = [
  ...["id", "title", "acronym", "slug", "description", "description_short", "created_at", "last_modified"],
  ...["deleted", "private", "tags", "badges", "resources", "frequency", "frequency_date", "extras", "harvest"],
  ...["metrics", "organization", "owner", "schema", "temporal_coverage", "spatial", "license", "access_type"],
  ...["access_audiences", "authorization_request_url", "access_type_reason_category", "access_type_reason", "uri"],
  ...["page", "last_update", "archived", "quality", "internal", "contact_points", "featured", "permissions"],
].join(",");

/** dataset_fields: resources and community resources embedded. */
export const dataset: Model = model(
  "Dataset",
  {
    ...COMMON,
    resources: list(nested(() => resource)),
    community_resources: list(nested(() => communityResource)),
    frequency: string((d: Doc) => frequencyOf(d.frequency)),
    license: string((d: Doc) => d.license ?? null, "notspecified"),
    schema: nested(() => schema, { allowNull: true }),
  },
  parseMask(DEFAULT_MASK),
);

/** DEFAULT_MASK_APIV2 (udata/core/dataset/apiv2.py). */
const DEFAULT_MASK_APIV2 = [
  ...["id", "title", "acronym", "slug", "description", "description_short", "created_at", "last_modified"],
  ...["deleted", "private", "tags", "badges", "resources", "community_resources", "frequency", "frequency_date"],
  ...["extras", "metrics", "organization", "owner", "temporal_coverage", "spatial", "license", "access_type"],
  ...["access_audiences", "access_type_reason_category", "access_type_reason", "authorization_request_url", "uri"],
  ...["page", "last_update", "archived", "quality", "harvest", "internal", "contact_points", "featured"],
  "permissions",
].join(",");

/** v2: resources and community resources as links to their paged lists (the query string url_for builds). */
export const datasetV2: Model = model(
  "DatasetV2",
  {
    ...COMMON,
    resources: raw((d: Doc) => ({
      rel: "subsection",
      href: `${SANDBOX_ORIGIN}/api/2/datasets/${d.id}/resources/?page=1&page_size=50`,
      type: "GET",
      total: (d.resources ?? []).length,
    })),
    community_resources: raw((d: Doc) => ({
      rel: "subsection",
      href: `${SANDBOX_ORIGIN}/api/1/datasets/community_resources/?dataset=${d.id}&page=1&page_size=50`,
      type: "GET",
      total: (d.community_resources ?? []).length,
    })),
    frequency: raw((d: Doc, ctx: MarshalContext) => {
      const id = frequencyOf(d.frequency);
      return ctx.fullObjects ? { id, label: frequencyLabel(id) } : id;
    }, "unknown"),
    license: raw(
      (d: Doc, ctx: MarshalContext) =>
        ctx.fullObjects ? marshal(licenseOf(d.license), license, ctx) : (d.license ?? null),
      "notspecified",
    ),
    access_audiences: nested(() => model("AccessAudience", { role: string(), condition: string() }), {
      get: (d: Doc) => d.access_audiences ?? [],
    }),
  },
  parseMask(DEFAULT_MASK_APIV2),
);

/** dataset_suggestion_fields: the image is the organization's logo, or the owner's avatar. */
export const datasetSuggestion: Model = model("DatasetSuggestion", {
  id: string(),
  title: string(),
  acronym: string(),
  slug: string(),
  image_url: string((d: Doc) => d.organization?.logo ?? d.owner?.avatar ?? null),
  page: string((d: Doc) => webUrl(`datasets/${linkId(d)}`)),
});
