export { Datasets, type DatasetFilters, type DatasetSearch, type DatasetSort, type GetOptions } from "./datasets.ts";
export { Organizations, Users, type OrganizationFilters } from "./organizations.ts";
export {
  Dataservices,
  Discussions,
  Reuses,
  type DataserviceFilters,
  type DiscussionFilters,
  type ReuseFilters,
} from "./community.ts";
export { CATALOG_EXPORTS, Posts, Site, Spatial, Tags, Topics, type CatalogExport } from "./site.ts";
export { Listing, SEARCH_WINDOW, type ListOptions } from "./listing.ts";
export * from "./parse.ts";
export type * from "./models.ts";
export { follow, type Followable } from "./follow.ts";
export { multipartFile, sha1File, type UploadProgress } from "./upload.ts";
export type * from "./inputs.ts";
export { normalizeTag, normalizeTags, MIN_TAG_LENGTH, MAX_TAG_LENGTH } from "./tags.ts";
export {
  atomEntries,
  type AtomEntry,
  BROWSER_ONLY,
  GENERATED_GROUPS,
  MAIN_ROUTES,
  callRoute,
  fillPath,
  type Answer,
  type AnyRoute,
  type Auth,
  type CallOptions,
  type Method,
  type Route,
  type RouteEntry,
  type TypedStream,
  type Upload,
} from "./routes/index.ts";
export type {
  CommunityResource,
  HarvestSource,
  HarvestItem,
  HarvestJob,
  HarvestBackend,
  HarvestSourceInput,
  MembershipRequest,
  ContactPointInput,
  Transfer,
  TransferRequest,
  Notification,
  Activity,
  Report,
  SitePage,
  WorkerJob,
  WorkerTask,
  Label,
  Follow,
  ApiKey,
  SpatialCoverage,
  MyMetrics,
} from "./routes/models.ts";
export type { DataserviceInput, OrganizationInput, PostInput, UserInput } from "./routes/index.ts";
