import { mayEdit, type Account } from "../accounts.ts";
import type { Doc } from "../seed.ts";
import { boolean, list, model, nested, raw, string, datetime, type MarshalContext, type Model } from "./fields.ts";
import { apiUrl, linkId, webUrl } from "./urls.ts";

/**
 * The references udata nests in other objects: `base_reference` (udata/api/__init__.py) plus each document's
 * `show_as_ref` fields (udata/api_fields.py generate_fields), and the small models they share.
 */

export const reference = (className: string) => ({
  id: string(),
  class: string(() => className),
});

/** api.model_reference (udata/api/__init__.py): what a discussion's subject or a topic element points at. */
export const modelReference: Model = model("ModelReference", {
  id: string(),
  class: string(),
});

/** Badge.__read_fields__ (udata/core/badges/models.py): only `kind` is a field(). */
export const badge: Model = model("Badge", { kind: string() });
export const badges = list(nested(() => badge));

type May = (doc: Doc, viewer: Account, ctx: MarshalContext) => boolean;

/** Permission fields (udata/api/fields.py Permission): whether the caller may, as booleans; anonymous callers may not. */
export function permissions(names: string[], may: May = (doc, viewer) => mayEdit(viewer, doc)) {
  const fields = Object.fromEntries(names.map((name) => [name, boolean((p: Doc | null) => p?.[name] ?? null)]));
  const target = model("Permissions", fields);
  return nested(() => target, {
    get: (doc: Doc, ctx: MarshalContext) => {
      const allowed = ctx.viewer !== undefined && may(doc, ctx.viewer, ctx);
      return Object.fromEntries(names.map((name) => [name, allowed]));
    },
  });
}

/** Administrators of an organization may edit it, its members and its harvesters, and see its private objects. */
export const administers: May = (org, viewer) =>
  viewer.organizations.includes(org.id) || viewer.organizations.includes(org.slug);

/** User.__ref_fields__ (udata/core/user/models.py): slug, names and avatar are `show_as_ref`, with uri and page. */
export const userRef: Model = model("UserReference", {
  ...reference("User"),
  slug: string(),
  first_name: string(),
  last_name: string(),
  avatar: string(),
  avatar_thumbnail: string(),
  uri: string((u: Doc) => apiUrl(`1/users/${linkId(u)}/`)),
  page: string((u: Doc) => webUrl(`users/${linkId(u)}`)),
});

/** user_with_email_ref_fields: an organization's members, with the email reduced to its domain for others. */
export const userWithEmail: Model = model("UserReferenceWithEmail", {
  ...userRef.fields,
  email: string((u: Doc) => (u.email ? `***@${String(u.email).split("@").at(-1)}` : null)),
  last_login_at: datetime(() => null),
});

/** Organization.__ref_fields__ (udata/core/organization/models.py). */
export const organizationRef: Model = model("OrganizationReference", {
  ...reference("Organization"),
  name: string(),
  acronym: string(),
  slug: string(),
  logo: string(),
  logo_thumbnail: string(),
  badges,
  permissions: permissions(["edit", "delete", "members", "harvest", "private"], administers),
  uri: string((o: Doc) => apiUrl(`1/organizations/${linkId(o)}/`)),
  page: string((o: Doc) => webUrl(`organizations/${linkId(o)}`)),
});

/** ContactPoint.__read_fields__ (udata/core/contact_point/models.py). */
export const contactPoint: Model = model("ContactPoint", {
  id: string(),
  name: string(),
  email: string(),
  contact_form: string(),
  role: string(),
  owner: nested(() => userRef, { allowNull: true }),
  organization: nested(() => organizationRef, { allowNull: true }),
});

/** AccessAudience.__read_fields__ (udata/core/access_type/models.py). */
export const accessAudience: Model = model("AccessAudience", { role: string(), condition: string() });

/** WithAccessType's fields (udata/core/access_type/models.py), shared by datasets and dataservices. */
export const accessType = {
  access_type: string((d: Doc) => d.access_type ?? "open"),
  access_audiences: list(nested(() => accessAudience)),
  authorization_request_url: string(),
  access_type_reason_category: string(),
  access_type_reason: string(),
};

export const extras = raw((d: Doc) => d.extras ?? {});

/** A document's `get_metrics()` (udata/core/metrics/models.py): every key of its `__metrics_keys__`, 0 when unset. */
export function metricsOf(keys: string[]) {
  return raw((doc: Doc) => Object.fromEntries(keys.map((key) => [key, doc.metrics?.[key] ?? 0])));
}
