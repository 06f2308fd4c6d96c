import type { Doc } from "../seed.ts";
import { boolean, datetime, list, model, nested, string, type MarshalContext, type Model } from "./fields.ts";
import { badges, metricsOf, extras, organizationRef, permissions, reference, userRef } from "./references.ts";
import { dataset } from "./dataset.ts";
import { dataserviceRef } from "./dataservice.ts";
import { apiUrl, linkId, webUrl } from "./urls.ts";

/** Reuses as udata/core/reuse/models.py declares them: the datasets they use embedded whole. */

const uri = string((r: Doc) => apiUrl(`1/reuses/${linkId(r)}/`));
const page = string((r: Doc) => webUrl(`reuses/${linkId(r)}`));

/** The documents a list of ids or references stands for, those the catalog still has. */
export const documents = (kind: "datasets" | "dataservices" | "reuses") => (ids: unknown, ctx: MarshalContext) =>
  Array.isArray(ids)
    ? ids
        .map((ref) => ctx.store.find(kind, typeof ref === "string" ? ref : (ref as Doc)?.id))
        .filter((doc) => doc !== undefined)
    : ids;

export const reuse: Model = model("Reuse", {
  id: string(),
  created_at: datetime(),
  last_modified: datetime(),
  metrics: metricsOf(["discussions", "discussions_open", "datasets", "followers", "followers_by_months", "views"]),
  badges,
  owner: nested(() => userRef, { allowNull: true }),
  organization: nested(() => organizationRef, { allowNull: true }),
  title: string(),
  slug: string(),
  description: string(),
  type: string(),
  url: string(),
  image: string(),
  image_thumbnail: string(),
  datasets: list(
    nested(() => dataset),
    (r: Doc, ctx: MarshalContext) => documents("datasets")(r.datasets ?? [], ctx),
  ),
  dataservices: list(
    nested(() => dataserviceRef),
    (r: Doc, ctx: MarshalContext) => documents("dataservices")(r.dataservices ?? [], ctx),
  ),
  tags: list(string()),
  topic: string(),
  private: boolean(undefined, false),
  extras,
  featured: boolean(),
  deleted: datetime(),
  archived: datetime(),
  page,
  permissions: permissions(["delete", "edit"]),
  uri,
});

/** Reuse.__page_fields__: its datasets reduced to their references (page_mask, wrapped as generate_fields does). */
export const REUSE_PAGE_MASK = "data{*,datasets{id,title,uri,page}},*";

export const reuseRef: Model = model("ReuseReference", {
  ...reference("Reuse"),
  title: string(),
  image: string(),
  image_thumbnail: string(),
  uri,
  page,
});

/** reuse_suggestion_fields (udata/core/reuse/api_fields.py). */
export const reuseSuggestion: Model = model("ReuseSuggestion", {
  id: string(),
  title: string(),
  slug: string(),
  image_url: string((r: Doc) => r.image ?? null),
  page,
});
