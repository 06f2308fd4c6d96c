/**
 * The Main API's objects (udata), with the fields the toolkit relies on typed and every other field kept as it came:
 * the platform adds fields over time, and a client that dropped them would lose data.
 */

type Open = { [key: string]: unknown };

export interface Badge extends Open {
  kind: string;
}

export interface UserRef extends Open {
  id: string;
  first_name?: string;
  last_name?: string;
  slug?: string;
  avatar?: string | null;
  avatar_thumbnail?: string | null;
  page?: string;
  uri?: string;
}

/** What the caller may do with an object (udata's Permission fields): false for anonymous callers. */
export type Permissions = Record<string, boolean>;

export interface OrgRef extends Open {
  id: string;
  name: string;
  acronym?: string | null;
  slug?: string;
  badges?: Badge[];
  logo?: string | null;
  logo_thumbnail?: string | null;
  /** edit, delete, members, harvest, private. */
  permissions?: Permissions;
  page?: string;
  uri?: string;
}

export interface Checksum extends Open {
  type: string;
  value: string;
}

export interface SchemaRef extends Open {
  name?: string | null;
  version?: string | null;
  url?: string | null;
}

export interface Resource extends Open {
  id: string;
  title: string;
  description?: string | null;
  filetype?: "file" | "remote" | string;
  type?: "main" | "documentation" | "update" | "api" | "code" | "other" | string;
  /** Free text: "csv", "csv,dbase", "esri shapefile (shp)"… */
  format?: string | null;
  url: string;
  latest?: string;
  checksum?: Checksum | null;
  filesize?: number | null;
  mime?: string | null;
  created_at?: string;
  last_modified?: string;
  metrics?: { views?: number; [key: string]: unknown };
  extras?: Record<string, unknown>;
  preview_url?: string | null;
  schema?: SchemaRef | null;
  harvest?: Record<string, string> | null;
  internal?: { created_at_internal: string | null; last_modified_internal: string | null };
}

/** v2 `/api/2/datasets/resources/{rid}/`: the resource and the dataset it belongs to (null for some community ones). */
export interface ResourceWithDataset extends Open {
  resource: Resource;
  dataset_id: string | null;
}

export interface Quality extends Open {
  score?: number;
  all_resources_available?: boolean;
  dataset_description_quality?: boolean;
  has_open_format?: boolean;
  has_resources?: boolean;
  license?: boolean;
  resources_documentation?: boolean;
  spatial?: boolean;
  temporal_coverage?: boolean;
  update_frequency?: boolean;
  update_fulfilled_in_time?: boolean;
}

export interface DatasetMetricsBlock extends Open {
  discussions?: number;
  followers?: number;
  resources_downloads?: number | null;
  reuses?: number;
  views?: number;
}

interface DatasetBase extends Open {
  id: string;
  title: string;
  slug: string;
  acronym?: string | null;
  description?: string;
  description_short?: string | null;
  created_at?: string;
  last_modified?: string;
  last_update?: string;
  deleted?: string | null;
  archived?: string | null;
  featured?: boolean;
  private?: boolean;
  tags?: string[];
  badges?: Badge[];
  /** An id of udata's UpdateFrequency (e.g. "annual", "monthly", "irregular"), kept as text: the list evolves. */
  frequency?: string | null;
  frequency_date?: string | null;
  extras?: Record<string, unknown>;
  harvest?: Record<string, unknown> | null;
  metrics?: DatasetMetricsBlock;
  organization?: OrgRef | null;
  owner?: UserRef | null;
  /** Dates as `YYYY-MM-DD`; a coverage may have no end. */
  temporal_coverage?: { start: string; end: string | null } | null;
  spatial?: { geom?: unknown; granularity?: string | null; zones?: string[] } | null;
  /** A licence id ("lov2", "fr-lo", "notspecified"…). */
  license?: string | null;
  /** "open", "open_with_account" or "restricted", with who may get access and why not. */
  access_type?: string | null;
  access_audiences?: { role: string | null; condition: string | null }[];
  authorization_request_url?: string | null;
  access_type_reason_category?: string | null;
  access_type_reason?: string | null;
  contact_points?: ContactPoint[];
  quality?: Quality;
  schema?: SchemaRef | null;
  internal?: { created_at_internal: string | null; last_modified_internal: string | null };
  /** delete, edit, edit_resources. */
  permissions?: Permissions;
  page?: string;
  uri?: string;
}

export interface ContactPoint extends Open {
  id: string;
  name: string;
  email?: string | null;
  contact_form?: string | null;
  role?: string;
  organization?: OrgRef | null;
  owner?: UserRef | null;
}

/** v1 dataset: resources embedded. */
export interface Dataset extends DatasetBase {
  resources?: Resource[];
  community_resources?: Resource[];
}

/** A v2 link to a paged sub-collection. */
export interface SubsectionLink extends Open {
  rel: string;
  href: string;
  type: string;
  total: number;
}

/** v2 dataset: resources as a link to their paged list. */
export interface DatasetV2 extends DatasetBase {
  resources: SubsectionLink;
  community_resources?: SubsectionLink;
}

export interface Member extends Open {
  role: string;
  /** The role's name, in the API's language. */
  label?: string;
  since?: string;
  user: UserRef;
}

export interface Organization extends Open {
  id: string;
  name: string;
  slug: string;
  acronym?: string | null;
  description?: string;
  url?: string | null;
  logo?: string | null;
  logo_thumbnail?: string | null;
  badges?: Badge[];
  business_number_id?: string | null;
  created_at?: string;
  last_modified?: string;
  deleted?: string | null;
  members?: Member[];
  metrics?: Record<string, unknown>;
  permissions?: Permissions;
  page?: string;
  uri?: string;
}

export interface User extends Open {
  id: string;
  slug?: string;
  first_name?: string;
  last_name?: string;
  organizations?: OrgRef[];
}

export interface Reuse extends Open {
  id: string;
  title: string;
  slug: string;
  description?: string;
  type?: string;
  topic?: string;
  url?: string;
  image?: string | null;
  datasets?: (Dataset | string)[];
  dataservices?: unknown[];
  tags?: string[];
  organization?: OrgRef | null;
  owner?: UserRef | null;
  metrics?: Record<string, unknown>;
  created_at?: string;
  last_modified?: string;
}

export interface Dataservice extends Open {
  id: string;
  title: string;
  slug?: string;
  description?: string;
  base_api_url?: string | null;
  /** Where its OpenAPI document is. */
  machine_documentation_url?: string | null;
  technical_documentation_url?: string | null;
  business_documentation_url?: string | null;
  organization?: OrgRef | null;
  datasets?: SubsectionLink | unknown[];
  metrics?: Record<string, unknown>;
  tags?: string[];
}

export interface DiscussionMessage extends Open {
  content: string;
  posted_by?: UserRef;
  posted_on?: string;
}

export interface Discussion extends Open {
  id: string;
  title: string;
  subject?: { class: string; id: string };
  user?: UserRef | null;
  created?: string;
  closed?: string | null;
  closed_by?: UserRef | null;
  discussion: DiscussionMessage[];
}

export interface Topic extends Open {
  id: string;
  name: string;
  slug?: string;
  description?: string;
  tags?: string[];
  /** A link to the paged list of what it gathers. */
  elements?: SubsectionLink;
  organization?: OrgRef | null;
  owner?: UserRef | null;
  featured?: boolean;
  private?: boolean;
  created_at?: string;
  last_modified?: string;
}

export interface Post extends Open {
  id: string;
  name: string;
  slug?: string;
  headline?: string;
  content?: string;
  created_at?: string;
}

export interface SiteInfo extends Open {
  id: string;
  title: string;
  metrics?: Record<string, unknown>;
}

/** udata's license_fields. */
export interface License extends Open {
  id: string;
  title: string;
  maintainer?: string | null;
  url?: string | null;
  flags?: string[];
  alternate_urls?: string[];
  alternate_titles?: string[];
}

/** A resource type and its label (`/api/1/datasets/resource_types/`). */
export interface ResourceTypeLabel extends Open {
  id: string;
  label: string;
}

export interface Frequency extends Open {
  id: string;
  label: string;
}

export interface Zone extends Open {
  id: string;
  name?: string;
  code?: string;
  level?: string;
  slug?: string;
  uri?: string | null;
}

export interface SpatialLevel extends Open {
  id: string;
  name: string;
}

/** udata's list envelope (`udata/api/fields.py pager`); search endpoints add facets. */
export interface Page<T> extends Open {
  data: T[];
  page: number;
  page_size: number;
  total: number;
  next_page: string | null;
  previous_page: string | null;
  facets?: Record<string, { name: string; count: number }[]>;
}
