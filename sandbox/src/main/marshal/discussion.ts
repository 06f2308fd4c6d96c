import type { Account } from "../accounts.ts";
import { mayEdit } from "../accounts.ts";
import type { Doc, Kind } from "../seed.ts";
import { datetime, list, model, nested, string, type MarshalContext, type Model } from "./fields.ts";
import { extras, modelReference, organizationRef, permissions, userRef } from "./references.ts";
import { apiUrl, linkId, webUrl } from "./urls.ts";

/** Discussions and their messages as udata/core/discussions/models.py declares them. */

const SUBJECTS: Record<string, [Kind, string]> = {
  Dataset: ["datasets", "datasets"],
  Reuse: ["reuses", "reuses"],
  Dataservice: ["dataservices", "dataservices"],
  Organization: ["organizations", "organizations"],
  Post: ["posts", "posts"],
  Topic: ["topics", "topics"],
};

const subjectOf = (d: Doc, ctx: MarshalContext) => {
  const [kind] = SUBJECTS[d.subject?.class] ?? [];
  return kind ? ctx.store.find(kind, d.subject.id) : undefined;
};

/** The subject's owners, and the author, may edit or delete it; only the subject's owners close it. */
const ownsSubject = (d: Doc, viewer: Account, ctx: MarshalContext) => {
  const subject = subjectOf(d, ctx);
  return subject !== undefined && mayEdit(viewer, subject);
};
const wrote = (author: Doc | null | undefined, viewer: Account) => author?.id === viewer.user.id;

const message: Model = model("Message", {
  id: string(),
  content: string(),
  posted_on: datetime(),
  posted_by: nested(() => userRef, { allowNull: true }),
  posted_by_organization: nested(() => organizationRef, { allowNull: true }),
  last_modified_at: datetime(),
  permissions: permissions(["delete", "edit"], (m, viewer) => wrote(m.posted_by, viewer)),
});

export const discussion: Model = model("Discussion", {
  id: string(),
  user: nested(() => userRef, { allowNull: true }),
  organization: nested(() => organizationRef, { allowNull: true }),
  subject: nested(() => modelReference),
  title: string(),
  discussion: list(nested(() => message)),
  created: datetime(),
  closed: datetime(),
  closed_by: nested(() => userRef, { allowNull: true }),
  closed_by_organization: nested(() => organizationRef, { allowNull: true }),
  extras,
  permissions: nested(
    () =>
      model("DiscussionPermissions", {
        delete: { kind: "boolean" },
        edit: { kind: "boolean" },
        close: { kind: "boolean" },
      }),
    {
      get: (d: Doc, ctx: MarshalContext) => {
        const owner = ctx.viewer !== undefined && ownsSubject(d, ctx.viewer, ctx);
        const author = ctx.viewer !== undefined && wrote(d.user, ctx.viewer);
        return { delete: owner || author, edit: owner || author, close: owner };
      },
    },
  ),
  self_web_url: string((d: Doc, ctx: MarshalContext) => {
    const subject = subjectOf(d, ctx);
    const [, path] = SUBJECTS[d.subject?.class] ?? [];
    return subject && path ? `${webUrl(`${path}/${linkId(subject)}`)}/discussions?discussion_id=${d.id}` : null;
  }),
  url: string((d: Doc) => apiUrl(`1/discussions/${d.id}/`)),
});
