import type { Doc } from "../seed.ts";
import { datetime, integer, model, nested, raw, string, type Model } from "./fields.ts";
import { extras, organizationRef, permissions, reference, userRef } from "./references.ts";
import { apiUrl, linkId, webUrl } from "./urls.ts";

/** Resources as udata/core/dataset/api_fields.py declares them (resource_fields and its neighbours). */

const checksum: Model = model("Checksum", { type: string(undefined, "sha1"), value: string() });

/** schema_fields: used for a dataset's and a resource's schema. */
export const schema: Model = model("Schema", { name: string(), version: string(), url: string() });

const resourceHarvest: Model = model("HarvestResourceMetadata", {
  issued_at: datetime(),
  modified_at: datetime(),
  last_update: datetime(),
  uri: string(),
});

const internal = (kind: "resource" | "dataset"): Model =>
  model(kind === "resource" ? "ResourceInternals" : "DatasetInternals", {
    created_at_internal: datetime(),
    last_modified_internal: datetime(),
  });

/** The stored internal dates, or the API's dates for documents recorded without them. */
export const internalOf = (kind: "resource" | "dataset") =>
  nested(() => internal(kind), {
    get: (doc: Doc) => ({
      created_at_internal: doc.internal?.created_at_internal ?? doc.created_at_internal ?? doc.created_at ?? null,
      last_modified_internal:
        doc.internal?.last_modified_internal ?? doc.last_modified_internal ?? doc.last_modified ?? null,
    }),
  });

export const createdAt = (doc: Doc) =>
  doc.created_at ?? doc.internal?.created_at_internal ?? doc.created_at_internal ?? null;
export const lastModified = (doc: Doc) =>
  doc.last_modified ?? doc.internal?.last_modified_internal ?? doc.last_modified_internal ?? createdAt(doc);

const RESOURCE_FIELDS = {
  id: string(),
  title: string(),
  description: string(),
  filetype: string(),
  type: string(),
  format: string(),
  url: string(),
  // the permanent link (udata/core/dataset/models.py ResourceMixin.latest)
  latest: string((r: Doc) => apiUrl(`1/datasets/r/${r.id}`)),
  checksum: nested(() => checksum, { allowNull: true }),
  filesize: integer(),
  mime: string(),
  created_at: datetime(createdAt),
  last_modified: datetime(lastModified),
  metrics: raw((r: Doc) => r.metrics ?? {}),
  harvest: nested(() => resourceHarvest, { allowNull: true, skipNone: true }),
  extras,
  preview_url: string(),
  schema: nested(() => schema, { allowNull: true }),
  internal: internalOf("resource"),
};

export const resource: Model = model("Resource", RESOURCE_FIELDS);

/** upload_fields: what an upload answers, `success` included. */
export const uploadedResource: Model = model("UploadedResource", { ...RESOURCE_FIELDS, success: raw(() => true) });

/** dataset_ref_fields. */
export const datasetRef: Model = model("DatasetReference", {
  ...reference("Dataset"),
  title: string(),
  acronym: string(),
  uri: string((d: Doc) => apiUrl(`1/datasets/${linkId(d)}/`)),
  page: string((d: Doc) => webUrl(`datasets/${linkId(d)}`)),
});

/** community_resource_fields: a resource with its dataset, its publisher and what the caller may do with it. */
export const communityResource: Model = model("CommunityResource", {
  ...RESOURCE_FIELDS,
  dataset: nested(() => datasetRef, { allowNull: true }),
  organization: nested(() => organizationRef, { allowNull: true }),
  owner: nested(() => userRef, { allowNull: true }),
  permissions: permissions(["delete", "edit"]),
});
