import type { Doc } from "../seed.ts";
import { SANDBOX_ORIGIN } from "../seed.ts";
import { boolean, datetime, float, list, model, nested, raw, string, type Model } from "./fields.ts";
import {
  accessType,
  badges,
  metricsOf,
  contactPoint,
  extras,
  organizationRef,
  permissions,
  reference,
  userRef,
} from "./references.ts";
import { linkId, webUrl } from "./urls.ts";

/** Dataservices (APIs) as udata/core/dataservices/models.py declares them. */

const harvest: Model = model("HarvestMetadata", {
  backend: string(),
  domain: string(),
  source_id: string(),
  source_url: string(),
  remote_id: string(),
  remote_url: string(),
  uri: string(),
  created_at: datetime(),
  issued_at: datetime(),
  modified_at: datetime(),
  last_update: datetime(),
  archived_at: datetime(),
  archived_reason: string(),
});

const selfApiUrl = string((s: Doc) => `${SANDBOX_ORIGIN}/api/1/dataservices/${linkId(s)}/`);
const selfWebUrl = string((s: Doc) => webUrl(`dataservices/${linkId(s)}`));

export const dataservice: Model = model("Dataservice", {
  id: string(),
  metrics: metricsOf(["discussions", "discussions_open", "followers", "followers_by_months", "reuses", "views"]),
  ...accessType,
  badges,
  owner: nested(() => userRef, { allowNull: true }),
  organization: nested(() => organizationRef, { allowNull: true }),
  title: string(),
  acronym: string(),
  slug: string(),
  description: string(),
  base_api_url: string(),
  machine_documentation_url: string(),
  technical_documentation_url: string(),
  business_documentation_url: string(),
  rate_limiting: string(),
  rate_limiting_url: string(),
  availability: float(),
  availability_url: string(),
  format: string(),
  license: string(),
  tags: list(string()),
  private: boolean(undefined, false),
  extras,
  featured: boolean(),
  contact_points: list(nested(() => contactPoint)),
  created_at: datetime(),
  metadata_modified_at: datetime(),
  deleted_at: datetime(),
  archived_at: datetime(),
  // a list field with `href`: a link to the datasets it serves, not the datasets
  datasets: raw((s: Doc) => ({
    rel: "subsection",
    href: `${SANDBOX_ORIGIN}/api/1/datasets/?dataservice=${s.id}`,
    type: "GET",
    total: (s.dataset_ids ?? []).length,
  })),
  harvest: nested(() => harvest),
  self_api_url: selfApiUrl,
  self_web_url: selfWebUrl,
  permissions: permissions(["delete", "edit"]),
});

export const dataserviceRef: Model = model("DataserviceReference", {
  ...reference("Dataservice"),
  title: string(),
  self_api_url: selfApiUrl,
  self_web_url: selfWebUrl,
});
