import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { mayEdit, type Account } from "./accounts.ts";
import { receiveFile, uploadedName, UploadError } from "./multipart.ts";
import { envelope, MainError, paging, reply } from "./respond.ts";
import { caller, found, isAdmin, kind, noContent, required, type Call, type RouteSpec } from "./routing.ts";
import { orgRef, SANDBOX_ORIGIN, userRef, type Doc } from "./seed.ts";
import { FORBIDDEN, now, publishingOrganization, readJson } from "./writing.ts";

/**
 * Community resources (udata/core/dataset/api.py): files or links anyone with a key adds to someone else's dataset.
 * They are their author's (or their organization's) to edit, not the dataset's producer's.
 */

const CR = kind("community_resources");

function communityResource(call: Call, at = 0): Doc {
  return found(call.ctx, "community_resources", call.params[at], "Community resource does not exist");
}

function mine(account: Account, doc: Doc): Doc {
  if (!isAdmin(account) && !mayEdit(account, doc)) throw new MainError(403, FORBIDDEN);
  return doc;
}

function datasetRef(d: Doc): Doc {
  return { id: d.id, title: d.title, class: "Dataset", uri: d.uri, page: d.page, acronym: d.acronym ?? null };
}

async function receive(call: Call, id: string): Promise<Doc> {
  await mkdir(call.ctx.filesDir, { recursive: true });
  const temp = join(call.ctx.filesDir, `.upload-${randomUUID()}`);
  try {
    const upload = await receiveFile(call.request.req, temp);
    const title = uploadedName(basename(upload.filename.replaceAll("\\", "/"))) || "file";
    const extension = /\.([a-z0-9]+)$/i.exec(title)?.[1].toLowerCase() ?? "bin";
    await rename(temp, join(call.ctx.filesDir, `${id}.${extension}`));
    return {
      title,
      format: extension,
      filetype: "file",
      filesize: upload.size,
      checksum: { type: "sha1", value: upload.sha1 },
      url: `${SANDBOX_ORIGIN}/sandbox/files/${id}.${extension}`,
      last_modified: now(),
    };
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof UploadError) throw new MainError(400, error.message);
    throw error;
  }
}

function fresh(account: Account, dataset: Doc, org: Doc | null, fields: Doc): Doc {
  const stamp = now();
  return {
    id: randomUUID(),
    description: "",
    type: "other",
    format: null,
    mime: null,
    filesize: null,
    checksum: null,
    extras: {},
    created_at: stamp,
    last_modified: stamp,
    ...fields,
    dataset: datasetRef(dataset),
    organization: org ? orgRef(org) : null,
    owner: org ? null : userRef(account.user),
  };
}

export const COMMUNITY_RESOURCE_ROUTES: RouteSpec[] = [
  [
    "GET",
    "/api/1/datasets/community_resources/",
    (call) => {
      const q = call.request.url.searchParams;
      const list = call.ctx.store
        .all(CR)
        .filter(
          (r) =>
            (!q.get("dataset") || r.dataset?.id === q.get("dataset")) &&
            (!q.get("owner") || r.owner?.id === q.get("owner")) &&
            (!q.get("organization") || r.organization?.id === q.get("organization")),
        )
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
      reply(call.request, 200, envelope(call.request, list, paging(call.request.url), {}, false));
    },
  ],
  [
    "POST",
    "/api/1/datasets/community_resources/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      required(body, ["dataset", "title", "url"]);
      const dataset = call.ctx.store.find("datasets", String(body.dataset?.id ?? body.dataset));
      if (!dataset) throw new MainError(400, "Validation error", { dataset: ["Unknown dataset."] });
      const org = publishingOrganization(call.ctx, account, body);
      const { dataset: _d, organization: _o, owner: _w, id: _i, ...fields } = body;
      const doc = fresh(account, dataset, org, { filetype: "remote", ...fields });
      await call.ctx.store.save(CR, doc);
      reply(call.request, 201, doc);
    },
  ],
  ["GET", "/api/1/datasets/community_resources/{}/", (call) => reply(call.request, 200, communityResource(call))],
  [
    "PUT",
    "/api/1/datasets/community_resources/{}/",
    async (call) => {
      const doc = mine(caller(call), communityResource(call));
      const { id: _i, dataset: _d, owner: _w, organization: _o, ...fields } = await readJson(call.request);
      const updated = { ...doc, ...fields, last_modified: now() };
      await call.ctx.store.save(CR, updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/datasets/community_resources/{}/",
    async (call) => {
      const doc = mine(caller(call), communityResource(call));
      await call.ctx.store.remove(CR, doc.id);
      noContent(call);
    },
  ],
  [
    "POST",
    "/api/1/datasets/community_resources/{}/upload/",
    async (call) => {
      const doc = mine(caller(call), communityResource(call));
      const updated = { ...doc, ...(await receive(call, doc.id)) };
      await call.ctx.store.save(CR, updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "POST",
    "/api/1/datasets/{}/upload/community/",
    async (call) => {
      const account = caller(call);
      const dataset = found(call.ctx, "datasets", call.params[0]);
      const doc = fresh(account, dataset, null, {});
      const uploaded = { ...doc, ...(await receive(call, doc.id)) };
      await call.ctx.store.save(CR, uploaded);
      reply(call.request, 201, uploaded);
    },
  ],
];
