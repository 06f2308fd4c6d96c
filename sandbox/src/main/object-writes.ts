import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { mayEdit, type Account } from "./accounts.ts";
import { adminDelete, adminEdit } from "./admin.ts";
import { administers } from "./membership.ts";
import { receiveFile, UploadError } from "./multipart.ts";
import { MainError, reply } from "./respond.ts";
import {
  administrator,
  caller,
  found,
  isAdmin,
  kind,
  newId,
  noContent,
  required,
  type Call,
  type RouteSpec,
} from "./routing.ts";
import { orgRef, SANDBOX_ORIGIN, userRef, type Doc, type Kind } from "./seed.ts";
import { FORBIDDEN, now, publishingOrganization, readJson, slugify } from "./writing.ts";

/** Writes on dataservices, posts, discussions, contact points and images, with udata's permission checks. */

function editable(call: Call, collection: Kind | "contacts", at = 0): { account: Account; doc: Doc } {
  const account = caller(call);
  const doc = found(call.ctx, collection, call.params[at]);
  if (!isAdmin(account) && !mayEdit(account, doc)) throw new MainError(403, FORBIDDEN);
  return { account, doc };
}

/** A multipart image saved among the sandbox's files; udata answers its URL. */
async function image(call: Call, save: (url: string) => Promise<void>): Promise<void> {
  await mkdir(call.ctx.filesDir, { recursive: true });
  const id = randomUUID();
  const temp = join(call.ctx.filesDir, `.upload-${id}`);
  try {
    const upload = await receiveFile(call.request.req, temp);
    const extension = /\.([a-z0-9]+)$/i.exec(upload.filename)?.[1].toLowerCase() ?? "png";
    await rename(temp, join(call.ctx.filesDir, `${id}.${extension}`));
    const url = `${SANDBOX_ORIGIN}/sandbox/files/${id}.${extension}`;
    await save(url);
    reply(call.request, 200, { image: url, success: true });
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof UploadError) throw new MainError(400, error.message);
    throw error;
  }
}

/** A dataservice's datasets: their ids, and the link to their list udata gives with its total. */
function linkedDatasets(doc: Doc, ids: string[]): Doc {
  return { ...doc, dataset_ids: ids, datasets: { ...doc.datasets, total: ids.length } };
}

const cropped = (call: Call, url: string | null) => reply(call.request, 200, { image: url, success: true });

function discussionAuthor(call: Call): { account: Account; discussion: Doc } {
  const account = caller(call);
  const discussion = found(call.ctx, "discussions", call.params[0]);
  if (!isAdmin(account) && discussion.user?.id !== account.user.id) throw new MainError(403, FORBIDDEN);
  return { account, discussion };
}

function comment(discussion: Doc, index: string): Doc {
  const found = (discussion.discussion ?? [])[Number(index)];
  if (!found) throw new MainError(404, "Comment does not exist");
  return found;
}

/** A comment its author (or an administrator) edits or deletes. */
function ownComment(call: Call): { discussion: Doc; target: Doc } {
  const account = caller(call);
  const discussion = found(call.ctx, "discussions", call.params[0]);
  const target = comment(discussion, call.params[1]);
  if (!isAdmin(account) && target.posted_by?.id !== account.user.id) throw new MainError(403, FORBIDDEN);
  return { discussion, target };
}

export const OBJECT_ROUTES: RouteSpec[] = [
  [
    "POST",
    "/api/1/dataservices/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      required(body, ["title", "base_api_url"]);
      const org = publishingOrganization(call.ctx, account, body);
      const slug = slugify(body.title, (s) => call.ctx.store.find("dataservices", s) !== undefined);
      const doc = {
        id: newId(),
        slug,
        description: "",
        private: false,
        deleted_at: null,
        archived_at: null,
        datasets: [],
        metrics: { views: 0, followers: 0, reuses: 0, discussions: 0 },
        created_at: now(),
        metadata_modified_at: now(),
        ...body,
        organization: org ? orgRef(org) : null,
        owner: org ? null : userRef(account.user),
        self_api_url: `${SANDBOX_ORIGIN}/api/1/dataservices/${slug}/`,
      };
      await call.ctx.store.save("dataservices", doc);
      await call.ctx.changed();
      reply(call.request, 201, doc);
    },
  ],
  [
    "PATCH",
    "/api/1/dataservices/{}/",
    async (call) => {
      const { doc } = editable(call, "dataservices");
      const { id: _id, organization: _o, owner: _w, ...fields } = await readJson(call.request);
      const updated = { ...doc, ...fields, metadata_modified_at: now() };
      await call.ctx.store.save("dataservices", updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/dataservices/{}/",
    async (call) => {
      const { doc } = editable(call, "dataservices");
      await call.ctx.store.save("dataservices", { ...doc, deleted_at: now() });
      noContent(call);
    },
  ],
  [
    "POST",
    "/api/1/dataservices/{}/datasets/",
    async (call) => {
      const { doc } = editable(call, "dataservices");
      const body = (await readJson(call.request)) as unknown;
      if (!Array.isArray(body))
        throw new MainError(400, "Validation error", { datasets: ["Expected a list of {id}."] });
      const refs = body.map((ref: Doc) => {
        const dataset = call.ctx.store.find("datasets", String(ref?.id));
        if (!dataset) throw new MainError(404, `Dataset ${ref?.id} does not exist`);
        return dataset.id as string;
      });
      const updated = linkedDatasets(doc, [...new Set([...(doc.dataset_ids ?? []), ...refs])]);
      await call.ctx.store.save("dataservices", updated);
      reply(call.request, 201, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/dataservices/{}/datasets/{}/",
    async (call) => {
      const { doc } = editable(call, "dataservices");
      const linked: string[] = doc.dataset_ids ?? [];
      if (!linked.includes(call.params[1])) throw new MainError(404, "Dataset not linked");
      await call.ctx.store.save(
        "dataservices",
        linkedDatasets(
          doc,
          linked.filter((id) => id !== call.params[1]),
        ),
      );
      noContent(call);
    },
  ],
  [
    "POST",
    "/api/1/reuses/{}/dataservices/",
    async (call) => {
      const { doc } = editable(call, "reuses");
      const body = await readJson(call.request);
      const service = call.ctx.store.find("dataservices", String(body.id));
      if (!service) throw new MainError(404, `Dataservice ${body.id} does not exist`);
      const linked = (doc.dataservices ?? []).some((s: Doc) => s.id === service.id);
      const updated = linked
        ? doc
        : {
            ...doc,
            dataservices: [...(doc.dataservices ?? []), { id: service.id, title: service.title, class: "Dataservice" }],
          };
      await call.ctx.store.save("reuses", updated);
      reply(call.request, linked ? 200 : 201, updated);
    },
  ],
  [
    "POST",
    "/api/1/posts/",
    async (call) => {
      administrator(call);
      const body = await readJson(call.request);
      required(body, ["name", "headline", "content"]);
      const slug = slugify(body.name, (s) => call.ctx.store.find("posts", s) !== undefined);
      const post = {
        id: newId(),
        slug,
        body_type: "markdown",
        kind: "news",
        datasets: [],
        reuses: [],
        tags: [],
        published: null,
        created_at: now(),
        last_modified: now(),
        ...body,
      };
      await call.ctx.store.save("posts", post);
      reply(call.request, 201, post);
    },
  ],
  adminEdit("PUT", "/api/1/posts/{}/", "posts"),
  adminDelete("/api/1/posts/{}/", "posts"),
  ...(["POST", "DELETE"] as const).map((method): RouteSpec => [
    method,
    "/api/1/posts/{}/publish/",
    async (call) => {
      administrator(call);
      const post = { ...found(call.ctx, "posts", call.params[0]), published: method === "POST" ? now() : null };
      await call.ctx.store.save("posts", post);
      reply(call.request, 200, post);
    },
  ]),
  [
    "PUT",
    "/api/1/discussions/{}/",
    async (call) => {
      const { discussion } = discussionAuthor(call);
      const body = await readJson(call.request);
      required(body, ["title"]);
      const updated = { ...discussion, title: body.title };
      await call.ctx.store.save("discussions", updated);
      reply(call.request, 200, updated);
    },
  ],
  adminDelete("/api/1/discussions/{}/", "discussions"),
  [
    "PUT",
    "/api/1/discussions/{}/comments/{}/",
    async (call) => {
      const { discussion, target } = ownComment(call);
      const body = await readJson(call.request);
      required(body, ["comment"]);
      const messages = discussion.discussion.map((c: Doc) =>
        c === target ? { ...c, content: body.comment, last_modified_at: now() } : c,
      );
      const updated = { ...discussion, discussion: messages };
      await call.ctx.store.save("discussions", updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/discussions/{}/comments/{}/",
    async (call) => {
      const { discussion, target } = ownComment(call);
      if (call.params[1] === "0") throw new MainError(400, "You cannot delete the first comment of a discussion");
      await call.ctx.store.save("discussions", {
        ...discussion,
        discussion: discussion.discussion.filter((c: Doc) => c !== target),
      });
      noContent(call);
    },
  ],
  [
    "DELETE",
    "/api/1/discussions/{}/comments/{}/spam/",
    async (call) => {
      administrator(call);
      const discussion = found(call.ctx, "discussions", call.params[0]);
      const target = comment(discussion, call.params[1]);
      const messages = discussion.discussion.map((c: Doc) =>
        c === target ? { ...c, spam: { status: "not_spam" } } : c,
      );
      const updated = { ...discussion, discussion: messages };
      await call.ctx.store.save("discussions", updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/discussions/{}/spam/",
    async (call) => {
      administrator(call);
      const updated = { ...found(call.ctx, "discussions", call.params[0]), spam: { status: "not_spam" } };
      await call.ctx.store.save("discussions", updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "POST",
    "/api/1/contacts/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      required(body, ["name", "role"]);
      if (!body.email && !body.contact_form)
        throw new MainError(400, "Validation error", { email: ["An email or a contact form is required."] });
      const org = publishingOrganization(call.ctx, account, body);
      const contact = {
        id: newId(),
        email: null,
        contact_form: null,
        ...body,
        organization: org ? orgRef(org) : null,
        owner: org ? null : userRef(account.user),
      };
      await call.ctx.store.save(kind("contacts"), contact);
      reply(call.request, 201, contact);
    },
  ],
  ["GET", "/api/1/contacts/{}/", (call) => reply(call.request, 200, found(call.ctx, "contacts", call.params[0]))],
  [
    "PUT",
    "/api/1/contacts/{}/",
    async (call) => {
      const { doc } = editable(call, "contacts");
      const { id: _id, organization: _o, owner: _w, ...fields } = await readJson(call.request);
      const updated = { ...doc, ...fields };
      await call.ctx.store.save(kind("contacts"), updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/contacts/{}/",
    async (call) => {
      const { doc } = editable(call, "contacts");
      await call.ctx.store.remove(kind("contacts"), doc.id);
      noContent(call);
    },
  ],
  [
    "POST",
    "/api/1/me/avatar/",
    (call) => {
      const account = caller(call);
      return image(call, async (url) => void Object.assign(account.user, { avatar: url, avatar_thumbnail: url }));
    },
  ],
  [
    "POST",
    "/api/1/users/{}/avatar/",
    (call) => {
      administrator(call);
      const account = call.ctx.accounts.find((a) => a.user.id === call.params[0] || a.user.slug === call.params[0]);
      const stored = call.ctx.store.find("users", call.params[0]);
      if (!account && !stored) throw new MainError(404, "Unknown user");
      return image(call, async (url) => {
        if (account) Object.assign(account.user, { avatar: url, avatar_thumbnail: url });
        else await call.ctx.store.save("users", { ...stored, avatar: url, avatar_thumbnail: url });
      });
    },
  ],
  [
    "POST",
    "/api/1/organizations/{}/logo/",
    (call) => {
      const account = caller(call);
      const org = found(call.ctx, "organizations", call.params[0]);
      if (!administers(account, org)) throw new MainError(403, FORBIDDEN);
      return image(call, (url) => call.ctx.store.save("organizations", { ...org, logo: url, logo_thumbnail: url }));
    },
  ],
  [
    "PUT",
    "/api/1/organizations/{}/logo/",
    (call) => {
      const account = caller(call);
      const org = found(call.ctx, "organizations", call.params[0]);
      if (!administers(account, org)) throw new MainError(403, FORBIDDEN);
      cropped(call, org.logo_thumbnail ?? null);
    },
  ],
  [
    "POST",
    "/api/1/reuses/{}/image/",
    (call) => {
      const { doc } = editable(call, "reuses");
      return image(call, (url) => call.ctx.store.save("reuses", { ...doc, image: url, image_thumbnail: url }));
    },
  ],
  [
    "POST",
    "/api/1/posts/{}/image/",
    (call) => {
      administrator(call);
      const post = found(call.ctx, "posts", call.params[0]);
      return image(call, (url) => call.ctx.store.save("posts", { ...post, image: url }));
    },
  ],
  [
    "PUT",
    "/api/1/posts/{}/image/",
    (call) => {
      administrator(call);
      cropped(call, found(call.ctx, "posts", call.params[0]).image ?? null);
    },
  ],
];
