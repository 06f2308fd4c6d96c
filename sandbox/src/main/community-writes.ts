import { randomBytes, randomUUID } from "node:crypto";
import { normalizeTags } from "datagouv-kit";
import type { SandboxRequest } from "../types.ts";
import { authenticate, mayEdit, type Account } from "./accounts.ts";
import * as models from "./marshal/index.ts";
import { MainError, NOT_FOUND, reply, replyWith } from "./respond.ts";
import { orgRef, SANDBOX_ORIGIN, userRef, type Doc, type Kind } from "./seed.ts";
import { FORBIDDEN, now, publishingOrganization, readJson, REQUIRED, slugify, type WriteContext } from "./writing.ts";

/**
 * The Main API's community writes, as udata answers them: reuses (create, update, delete, link a dataset),
 * discussions (open, comment, close), follows, and the caller's own datasets.
 */

// udata/core/reuse/constants.py
export const REUSE_TYPES = ["api", "application", "idea", "news_article", "paper", "post", "visualization", "hardware"];
export const REUSE_TOPICS = [
  "health",
  "transport_and_mobility",
  "housing_and_development",
  "food_and_agriculture",
  "culture_and_recreation",
  "economy_and_business",
  "environment_and_energy",
  "work_and_training",
  "politics_and_public_life",
  "safety_and_security",
  "education_and_research",
  "society_and_demography",
  "law_and_justice",
  "open_data_tools",
  "others",
];
const REUSE_FIELDS = ["title", "description", "url", "type", "topic", "tags", "private", "extras", "datasets"];
const FOLLOWABLE: Record<string, Kind> = {
  datasets: "datasets",
  organizations: "organizations",
  reuses: "reuses",
  dataservices: "dataservices",
  users: "users",
};
const CLASS_KINDS: Record<string, Kind> = {
  Dataset: "datasets",
  Reuse: "reuses",
  Dataservice: "dataservices",
  Organization: "organizations",
};

function validateReuse(ctx: WriteContext, body: Doc, creating: boolean): void {
  const errors: Record<string, string[]> = {};
  for (const field of ["title", "description", "url", "type", "topic"]) {
    if ((creating || field in body) && (typeof body[field] !== "string" || body[field].trim() === ""))
      errors[field] = [REQUIRED];
  }
  if (typeof body.url === "string" && body.url && !/^https?:\/\/\S+$/.test(body.url)) errors.url = ["Invalid URL."];
  if (typeof body.type === "string" && body.type && !REUSE_TYPES.includes(body.type))
    errors.type = ["Not a valid choice."];
  if (typeof body.topic === "string" && body.topic && !REUSE_TOPICS.includes(body.topic))
    errors.topic = ["Not a valid choice."];
  if ("datasets" in body) {
    const ids = Array.isArray(body.datasets)
      ? body.datasets.map((d: unknown) => (typeof d === "string" ? d : (d as Doc)?.id))
      : null;
    if (!ids || ids.some((id: unknown) => typeof id !== "string" || !ctx.store.find("datasets", id)))
      errors.datasets = ["Unknown dataset."];
    else body.datasets = ids.map((id: string) => ctx.store.find("datasets", id)!.id);
  }
  if ("tags" in body && (!Array.isArray(body.tags) || body.tags.some((t: unknown) => typeof t !== "string")))
    errors.tags = ["Tags must be a list of strings."];
  if (Object.keys(errors).length) throw new MainError(400, "Validation error", errors);
  if ("tags" in body) body.tags = normalizeTags(body.tags);
}

/** The object a caller may change: gone (410) once deleted, then 403 unless theirs or their organization's. */
function editableReuse(ctx: WriteContext, account: Account, id: string, restoring = false): Doc {
  const reuse = ctx.store.find("reuses", decodeURIComponent(id));
  if (!reuse) throw new MainError(404, NOT_FOUND);
  if (reuse.deleted && !restoring) throw new MainError(410, "This reuse has been deleted");
  if (!mayEdit(account, reuse)) throw new MainError(403, FORBIDDEN);
  return reuse;
}

async function countReuses(ctx: WriteContext, datasetIds: string[]): Promise<void> {
  for (const id of new Set(datasetIds)) {
    const dataset = ctx.store.find("datasets", id);
    if (!dataset) continue;
    const reuses = ctx.store.all("reuses").filter((r) => !r.deleted && (r.datasets ?? []).includes(id)).length;
    if (dataset.metrics?.reuses !== reuses)
      await ctx.store.save("datasets", { ...dataset, metrics: { ...dataset.metrics, reuses } });
  }
}

function newReuse(ctx: WriteContext, account: Account, body: Doc): Doc {
  const organization = publishingOrganization(ctx, account, body);
  const slug = slugify(body.title, (s) => ctx.store.find("reuses", s) !== undefined);
  return {
    id: randomBytes(12).toString("hex"),
    slug,
    tags: [],
    private: false,
    extras: {},
    datasets: [],
    dataservices: [],
    image: null,
    image_thumbnail: null,
    ...Object.fromEntries(REUSE_FIELDS.filter((f) => f in body).map((f) => [f, body[f]])),
    badges: [],
    featured: false,
    archived: null,
    deleted: null,
    created_at: now(),
    last_modified: now(),
    metrics: { datasets: (body.datasets ?? []).length, discussions: 0, followers: 0, views: 0 },
    organization: organization ? orgRef(organization) : null,
    owner: organization ? null : userRef(account.user),
    page: `https://www.data.gouv.fr/reuses/${slug}/`,
    uri: `${SANDBOX_ORIGIN}/api/1/reuses/${slug}/`,
  };
}

function discussionOf(ctx: WriteContext, id: string): Doc {
  const discussion = ctx.store.find("discussions", decodeURIComponent(id));
  if (!discussion) throw new MainError(404, NOT_FOUND);
  return discussion;
}

function message(account: Account, content: string): Doc {
  return {
    id: randomUUID(),
    content,
    posted_by: userRef(account.user),
    posted_by_organization: null,
    posted_on: now(),
    last_modified_at: null,
    spam: { status: "not_checked" },
  };
}

/** Answers a community write route (or the caller's datasets); false when there is none for this method and path. */
export async function handleCommunityWrite(ctx: WriteContext, request: SandboxRequest): Promise<boolean> {
  const { path } = request;
  const method = request.req.method ?? "GET";
  let m: RegExpExecArray | null;

  if (method === "GET" && path === "/api/1/me/datasets/") {
    // udata's MyDatasetsAPI: every dataset the caller owns, drafts included, as a plain list
    const account = authenticate(request, ctx.accounts);
    const mine = ctx.store.all("datasets").filter((d) => !d.deleted && d.owner?.id === account.user.id);
    replyWith(request, 200, mine, models.dataset, { store: ctx.store, viewer: account });
    return true;
  }
  if (method === "POST" && path === "/api/1/reuses/") {
    const account = authenticate(request, ctx.accounts);
    const body = await readJson(request);
    validateReuse(ctx, body, true);
    const reuse = newReuse(ctx, account, body);
    await ctx.store.save("reuses", reuse);
    await countReuses(ctx, reuse.datasets);
    await ctx.changed();
    replyWith(request, 201, reuse, models.reuse, { store: ctx.store, viewer: account });
    return true;
  }
  if ((m = /^\/api\/1\/reuses\/([^/]+)\/$/.exec(path)) && (method === "PUT" || method === "DELETE")) {
    const account = authenticate(request, ctx.accounts);
    if (method === "DELETE") {
      const reuse = editableReuse(ctx, account, m[1]);
      await ctx.store.save("reuses", { ...reuse, deleted: now() });
      await countReuses(ctx, reuse.datasets ?? []);
      await ctx.changed();
      request.res.writeHead(204);
      request.res.end();
      return true;
    }
    const body = await readJson(request);
    const reuse = editableReuse(ctx, account, m[1], body.deleted === null);
    validateReuse(ctx, body, false);
    const updated: Doc = {
      ...reuse,
      ...Object.fromEntries(REUSE_FIELDS.filter((f) => f in body).map((f) => [f, body[f]])),
      deleted: null,
      last_modified: now(),
    };
    updated.metrics = { ...updated.metrics, datasets: (updated.datasets ?? []).length };
    await ctx.store.save("reuses", updated);
    await countReuses(ctx, [...(reuse.datasets ?? []), ...(updated.datasets ?? [])]);
    replyWith(request, 200, updated, models.reuse, { store: ctx.store, viewer: account });
    return true;
  }
  if (method === "POST" && (m = /^\/api\/1\/reuses\/([^/]+)\/datasets\/$/.exec(path))) {
    const account = authenticate(request, ctx.accounts);
    const reuse = editableReuse(ctx, account, m[1]);
    const body = await readJson(request);
    if (typeof body.id !== "string") throw new MainError(400, "Expect a dataset identifier");
    const dataset = ctx.store.find("datasets", body.id);
    if (!dataset) throw new MainError(404, `Dataset ${body.id} does not exists`);
    if ((reuse.datasets ?? []).includes(dataset.id)) {
      replyWith(request, 200, reuse, models.reuse, { store: ctx.store, viewer: account });
      return true;
    }
    const updated: Doc = { ...reuse, datasets: [...(reuse.datasets ?? []), dataset.id], last_modified: now() };
    updated.metrics = { ...updated.metrics, datasets: updated.datasets.length };
    await ctx.store.save("reuses", updated);
    await countReuses(ctx, [dataset.id]);
    replyWith(request, 201, updated, models.reuse, { store: ctx.store, viewer: account });
    return true;
  }
  if (method === "POST" && path === "/api/1/discussions/") {
    const account = authenticate(request, ctx.accounts);
    const body = await readJson(request);
    const errors: Record<string, string[]> = {};
    if (typeof body.title !== "string" || !body.title.trim()) errors.title = [REQUIRED];
    if (typeof body.comment !== "string" || !body.comment.trim()) errors.comment = [REQUIRED];
    const kind = CLASS_KINDS[body.subject?.class];
    const subject = kind && typeof body.subject?.id === "string" ? ctx.store.find(kind, body.subject.id) : undefined;
    if (!subject) errors.subject = [body.subject ? "Unknown subject." : REQUIRED];
    if (Object.keys(errors).length) throw new MainError(400, "Validation error", errors);
    const discussion = {
      id: randomBytes(12).toString("hex"),
      title: body.title,
      subject: { class: body.subject.class, id: subject!.id },
      user: userRef(account.user),
      organization: null,
      created: now(),
      closed: null,
      closed_by: null,
      closed_by_organization: null,
      discussion: [message(account, body.comment)],
      extras: body.extras ?? {},
      spam: { status: "not_checked" },
    };
    await ctx.store.save("discussions", discussion);
    await ctx.store.save(kind, {
      ...subject,
      metrics: { ...subject!.metrics, discussions: (subject!.metrics?.discussions ?? 0) + 1 },
    });
    replyWith(request, 201, discussion, models.discussion, { store: ctx.store, viewer: account });
    return true;
  }
  if (method === "POST" && (m = /^\/api\/1\/discussions\/([^/]+)\/$/.exec(path))) {
    const account = authenticate(request, ctx.accounts);
    const discussion = discussionOf(ctx, m[1]);
    if (discussion.closed) throw new MainError(403, "Can't add comments on a closed discussion");
    const body = await readJson(request);
    const comment = typeof body.comment === "string" && body.comment.trim() ? body.comment : null;
    if (!body.close && !comment)
      throw new MainError(400, "Can only close without message. Please provide either `close` or a `comment`.");
    const updated = {
      ...discussion,
      discussion: comment ? [...discussion.discussion, message(account, comment)] : discussion.discussion,
    };
    if (body.close) {
      // only those who administer the subject close a discussion (udata's CloseDiscussionPermission)
      const kind = CLASS_KINDS[discussion.subject?.class];
      const subject = kind ? ctx.store.find(kind, discussion.subject.id) : undefined;
      if (!subject || !mayEdit(account, subject)) throw new MainError(403, FORBIDDEN);
      Object.assign(updated, { closed: now(), closed_by: userRef(account.user) });
    }
    await ctx.store.save("discussions", updated);
    replyWith(request, 200, updated, models.discussion, { store: ctx.store, viewer: account });
    return true;
  }
  if (
    (m = /^\/api\/1\/(\w+)\/([^/]+)\/followers\/$/.exec(path)) &&
    FOLLOWABLE[m[1]] &&
    (method === "POST" || method === "DELETE")
  ) {
    const account = authenticate(request, ctx.accounts);
    const kind = FOLLOWABLE[m[1]];
    const target = ctx.store.find(kind, decodeURIComponent(m[2]));
    if (!target) throw new MainError(404, NOT_FOUND);
    const id = `${account.user.id}:${kind}:${target.id}`;
    const existing = ctx.store.find("follows", id);
    const count = () =>
      ctx.store.all("follows").filter((f) => f.following.kind === kind && f.following.id === target.id).length;
    const baseline = (target.metrics?.followers ?? 0) - count();
    if (method === "POST") {
      if (!existing)
        await ctx.store.save("follows", {
          id,
          follower: userRef(account.user),
          following: { kind, id: target.id },
          since: now(),
        });
    } else {
      if (!existing) throw new MainError(404, NOT_FOUND);
      await ctx.store.remove("follows", id);
    }
    const followers = baseline + count();
    await ctx.store.save(kind, { ...target, metrics: { ...target.metrics, followers } });
    reply(request, method === "POST" && !existing ? 201 : 200, { followers });
    return true;
  }
  return false;
}
