import type { DatasetInput, ResourceInput } from "../inputs.ts";
import type { Badge, Dataset, DatasetV2, Frequency, License, Resource } from "../models.ts";
import type { Upload } from "./invoke.ts";
import type { CommunityResource, Follow, Label } from "./models.ts";
import { del, delAdmin, get, getWithKey, post, postAdmin, put } from "./route.ts";

type Suggestion = Record<string, unknown>;
const D = "api/1/datasets";

/** Dataset routes the Datasets class calls by hand (udata/core/dataset/api.py). */
export const DATASET_HAND = {
  list: getWithKey(`${D}/`, "datasets, filtered and sorted").page<Dataset>(),
  create: post(`${D}/`, "publish a dataset").send<DatasetInput, Dataset>(),
  get: getWithKey(`${D}/{dataset}/`, "one dataset").json<Dataset>(),
  update: put(`${D}/{dataset}/`, "edit a dataset").send<DatasetInput, Dataset>(),
  delete: del(`${D}/{dataset}/`, "delete a dataset").empty(),
  resources: get("api/2/datasets/{dataset}/resources/", "its resources, paged")
    .as("/datasets/{id}/resources/")
    .page<Resource>(),
  createResource: post(`${D}/{dataset}/resources/`, "add a remote resource").send<ResourceInput, Resource>(),
  reorderResources: put(`${D}/{dataset}/resources/`, "reorder its resources").send<string[], Resource[]>(),
  datasetResource: get(`${D}/{dataset}/resources/{rid}/`, "one resource").json<Resource>(),
  updateResource: put(`${D}/{dataset}/resources/{rid}/`, "edit a resource").send<ResourceInput, Resource>(),
  deleteResource: del(`${D}/{dataset}/resources/{rid}/`, "delete a resource").empty(),
  uploadResource: post(`${D}/{dataset}/upload/`, "upload a file as a new resource").send<Upload, Resource>(),
  follow: post(`${D}/{id}/followers/`, "follow it").json<{ followers: number }>(),
  unfollow: del(`${D}/{id}/followers/`, "stop following it").json<{ followers: number }>(),
  badges: get(`${D}/badges/`, "badge kinds and labels").json<Record<string, string>>(),
  frequencies: get(`${D}/frequencies/`, "update frequencies").json<Frequency[]>(),
  licenses: get(`${D}/licenses/`, "licenses").json<License[]>(),
  schemas: get(`${D}/schemas/`, "schemas datasets may declare").json<Suggestion[]>(),
  suggest: get(`${D}/suggest/`, "datasets for autocompletion").json<Suggestion[]>(),
  suggestFormats: get(`${D}/suggest/formats/`, "resource formats for autocompletion").json<{ text: string }[]>(),
  resourceTypes: get(`${D}/resource_types/`, "resource types").json<Label[]>(),
} as const;

/** The other dataset routes, as generated methods of the Datasets class. */
export const DATASET_ROUTES = {
  replaceResourceFile: post(`${D}/{dataset}/resources/{rid}/upload/`, "upload a new file for a resource").send<
    Upload,
    Resource
  >(),
  addBadge: postAdmin(`${D}/{dataset}/badges/`, "award a badge").send<{ kind: string }, Badge>(),
  removeBadge: delAdmin(`${D}/{dataset}/badges/{badge_kind}/`, "remove a badge").empty(),
  feature: postAdmin(`${D}/{dataset}/featured/`, "feature it").json<Dataset>(),
  unfeature: delAdmin(`${D}/{dataset}/featured/`, "stop featuring it").json<Dataset>(),
  followers: get(`${D}/{id}/followers/`, "its followers").page<Follow>(),
  rdf: get(`${D}/{dataset}/rdf`, "its DCAT description (redirects to JSON-LD)").stream("application/ld+json"),
  rdfAs: get(`${D}/{dataset}/rdf.{_format}`, "its DCAT description: json, jsonld, ttl, xml, n3, nt").stream(
    "application/ld+json",
  ),
  communityResources: get(`${D}/community_resources/`, "community resources, by dataset/owner/organization").page<
    CommunityResource,
    { dataset?: string; owner?: string; organization?: string; sort?: string }
  >(),
  createCommunityResource: post(`${D}/community_resources/`, "publish a remote community resource").send<
    ResourceInput & { dataset: { id: string }; organization?: { id: string } },
    CommunityResource
  >(),
  communityResource: get(`${D}/community_resources/{community}/`, "one community resource").json<CommunityResource>(),
  updateCommunityResource: put(`${D}/community_resources/{community}/`, "edit a community resource").send<
    ResourceInput,
    CommunityResource
  >(),
  deleteCommunityResource: del(`${D}/community_resources/{community}/`, "delete a community resource").empty(),
  uploadCommunityResource: post(`${D}/community_resources/{community}/upload/`, "replace its file")
    .as("/datasets/community_resources/upload/")
    .send<Upload, CommunityResource>(),
  uploadNewCommunityResource: post(`${D}/{dataset}/upload/community/`, "upload a file as a community resource").send<
    Upload,
    CommunityResource
  >(),
  extensions: get(`${D}/extensions/`, "file extensions uploads accept").json<string[]>(),
  suggestMime: get(`${D}/suggest/mime/`, "MIME types for autocompletion").json<{ text: string }[]>(),
  latestResource: get(`${D}/r/{id}`, "where a resource's latest file is (a redirect)").redirect(),
  recent: get(`${D}/recent.atom`, "the newest datasets, as an Atom feed").stream("application/atom+xml"),
} as const;

export type { DatasetV2 };
