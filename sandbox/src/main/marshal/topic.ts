import type { Doc } from "../seed.ts";
import { SANDBOX_ORIGIN } from "../seed.ts";
import { boolean, datetime, integer, list, model, nested, raw, string, type Model } from "./fields.ts";
import { extras, modelReference, organizationRef, userRef } from "./references.ts";
import { spatialCoverage } from "./spatial.ts";
import { linkId } from "./urls.ts";

/** Topics (udata/core/topic/models.py, apiv2.py topic_fields) and their elements. */

export const topic: Model = model("Topic", {
  id: string(),
  created_at: datetime(),
  last_modified: datetime(),
  owner: nested(() => userRef, { allowNull: true }),
  organization: nested(() => organizationRef, { allowNull: true }),
  name: string(),
  slug: string(),
  description: string(),
  tags: list(string()),
  color: integer(),
  featured: boolean(undefined, false),
  private: boolean(),
  extras,
  spatial: nested(() => spatialCoverage, { allowNull: true }),
  uri: string((t: Doc) => `${SANDBOX_ORIGIN}/api/2/topics/${linkId(t)}/`),
  elements: raw((t: Doc) => ({
    rel: "subsection",
    href: `${SANDBOX_ORIGIN}/api/2/topics/${t.id}/elements/?page=1&page_size=20`,
    type: "GET",
    total: (t.element_list ?? []).length,
  })),
});

export const topicElement: Model = model("TopicElement", {
  id: string(),
  title: string(),
  description: string(),
  tags: list(string()),
  extras,
  element: nested(() => modelReference, { allowNull: true }),
});
