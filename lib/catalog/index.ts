export { Datasets, type DatasetFilters, type DatasetSearch, type DatasetSort, type GetOptions } from "./datasets.ts";
export { Organizations, Users, type OrganizationFilters } from "./organizations.ts";
export { Dataservices, Discussions, Reuses, type DataserviceFilters, type DiscussionFilters, type ReuseFilters } from "./community.ts";
export { CATALOG_EXPORTS, Posts, Site, Spatial, Tags, Topics, type CatalogExport } from "./site.ts";
export { Listing, SEARCH_WINDOW, type ListOptions } from "./listing.ts";
export * from "./parse.ts";
export type * from "./models.ts";
