import type { Doc } from "../seed.ts";
import { datetime, list, model, nested, raw, string, type Model } from "./fields.ts";
import { parseMask } from "./mask.ts";
import { badges, extras, metricsOf, organizationRef, userRef, userWithEmail } from "./references.ts";
import { linkId, webUrl } from "./urls.ts";

/** Organizations and users as udata/core/organization/models.py and udata/core/user/models.py declare them. */

/** udata/core/organization/constants.py ORG_ROLES, in udata's source language. */
const ORG_ROLES: Record<string, string> = {
  admin: "Administrator",
  editor: "Editor",
  partial_editor: "Partial editor",
};

const member: Model = model("Member", {
  user: nested(() => userWithEmail),
  role: string(),
  since: datetime(),
  label: string((m: Doc) => ORG_ROLES[m.role] ?? null),
});

const ORGANIZATION_FIELDS = {
  id: string(),
  created_at: datetime(),
  last_modified: datetime(),
  metrics: metricsOf([
    "dataservices",
    "dataservices_by_months",
    "datasets",
    "datasets_by_months",
    "datasets_followers_by_months",
    "datasets_reuses_by_months",
    "members",
    "reuses",
    "reuses_by_months",
    "reuses_followers_by_months",
    "followers",
    "views",
  ]),
  badges,
  name: string(),
  acronym: string(),
  slug: string(),
  description: string(),
  url: string(),
  image_url: string(),
  logo: string(),
  logo_thumbnail: string(),
  business_number_id: string(),
  members: list(nested(() => member)),
  teams: list(
    nested(() => model("Team", {})),
    (o: Doc) => o.teams ?? [],
  ),
  ext: raw((o: Doc) => o.ext ?? {}),
  zone: string(),
  extras,
  presentation_blocs: list(raw(), (o: Doc) => o.presentation_blocs ?? []),
  presentation_blocs_published_at: datetime(),
  deleted: datetime(),
  permissions: organizationRef.fields.permissions,
  uri: organizationRef.fields.uri,
  page: organizationRef.fields.page,
};

/** Organization.__read_fields__: every field but the unpublished presentation blocs (read_mask_exclude). */
export const organization: Model = model(
  "Organization",
  ORGANIZATION_FIELDS,
  parseMask(
    Object.keys(ORGANIZATION_FIELDS)
      .filter((key) => key !== "presentation_blocs")
      .join(","),
  ),
);

/** org_suggestion_fields (udata/core/organization/api_fields.py). */
export const organizationSuggestion: Model = model("OrganizationSuggestion", {
  id: string(),
  name: string(),
  acronym: string(),
  slug: string(),
  image_url: string((o: Doc) => o.logo ?? null),
  page: string((o: Doc) => webUrl(`organizations/${linkId(o)}`)),
});

/** User.__read_fields__, for another caller: the email and login dates only go to the user themselves. */
export const user: Model = model("User", {
  id: string(),
  metrics: metricsOf(["datasets", "reuses", "dataservices", "following", "followers"]),
  slug: string(),
  email: string(() => null),
  active: raw((u: Doc) => u.active ?? true),
  roles: list(string(), (u: Doc) => u.roles ?? []),
  first_name: string(),
  last_name: string(),
  avatar: string(),
  avatar_thumbnail: string(),
  website: string(),
  about: string(),
  since: datetime((u: Doc) => u.since ?? u.created_at ?? null),
  password_rotation_demanded: datetime(() => null),
  password_rotation_performed: datetime(() => null),
  last_login_at: datetime(() => null),
  organizations: list(
    nested(() => organizationRef),
    (u: Doc) => u.organizations ?? [],
  ),
  uri: userRef.fields.uri,
  page: userRef.fields.page,
});

/** GET /api/1/me/: the same fields, the caller's own email included. */
export const me: Model = model("Me", { ...user.fields, email: string() });

/** user_suggestion_fields (udata/core/user/api_fields.py). */
export const userSuggestion: Model = model("UserSuggestion", {
  id: string(),
  first_name: string(),
  last_name: string(),
  avatar_url: string((u: Doc) => u.avatar ?? null),
  email: string((u: Doc) => (u.email ? `***@${String(u.email).split("@").at(-1)}` : null)),
  slug: string(),
});
