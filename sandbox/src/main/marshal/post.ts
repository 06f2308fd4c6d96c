import type { Doc } from "../seed.ts";
import { datetime, list, model, nested, raw, string, type MarshalContext, type Model } from "./fields.ts";
import { parseMask } from "./mask.ts";
import { userRef } from "./references.ts";
import { dataset } from "./dataset.ts";
import { documents, reuseRef } from "./reuse.ts";
import { apiUrl, linkId, webUrl } from "./urls.ts";

/** Posts as udata/core/post/models.py declares them. */

const POST_FIELDS = {
  id: string(),
  created_at: datetime(),
  last_modified: datetime((p: Doc) => p.last_modified ?? p.created_at ?? null),
  name: string(),
  slug: string(),
  headline: string(),
  content: string(),
  blocs: list(raw(), (p: Doc) => p.blocs ?? []),
  image_url: string(),
  image: string(),
  image_thumbnail: string(),
  credit_to: string(),
  credit_url: string(),
  tags: list(string()),
  datasets: list(
    nested(() => dataset),
    (p: Doc, ctx: MarshalContext) => documents("datasets")(p.datasets ?? [], ctx),
  ),
  reuses: list(
    nested(() => reuseRef),
    (p: Doc, ctx: MarshalContext) => documents("reuses")(p.reuses ?? [], ctx),
  ),
  owner: nested(() => userRef, { allowNull: true }),
  published: datetime(),
  body_type: string(undefined, "markdown"),
  kind: string(undefined, "news"),
  uri: string((p: Doc) => apiUrl(`1/posts/${linkId(p)}/`)),
  page: string((p: Doc) => webUrl(`posts/${linkId(p)}`)),
};

export const post: Model = model("Post", POST_FIELDS);

/** Post.__page_fields__: every field but the blocs (page_mask_exclude). */
export const POST_PAGE_MASK = `data{${Object.keys(POST_FIELDS)
  .filter((key) => key !== "blocs")
  .join(",")}},*`;
export const postPageMask = parseMask(POST_PAGE_MASK);
