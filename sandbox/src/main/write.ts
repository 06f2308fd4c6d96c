import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { SandboxRequest } from "../types.ts";
import type { TabularService } from "../tabular/index.ts";
import { authenticate, mayEdit, type Account } from "./accounts.ts";
import { normalizeTags } from "datagouv-kit";
import { receiveFile, uploadedName, UploadError } from "./multipart.ts";
import { LICENSES } from "./marshal/license.ts";
import * as models from "./marshal/index.ts";
import { knownFrequency } from "./marshal/vocabulary.ts";
import { isoDateTime } from "./marshal/format.ts";
import { MainError, NOT_FOUND, replyWith } from "./respond.ts";
import { orgRef, SANDBOX_ORIGIN, tabularResource, userRef, type Doc } from "./seed.ts";
import { FORBIDDEN, now, publishingOrganization, readJson, REQUIRED, slugify, type WriteContext } from "./writing.ts";

/** The Main API's write routes: datasets and resources, file uploads that the Tabular API then serves. */

const DATASET_FIELDS = [
  "title",
  "description",
  "acronym",
  "tags",
  "license",
  "frequency",
  "private",
  "temporal_coverage",
  "spatial",
  "extras",
  "description_short",
];
const RESOURCE_FIELDS = ["title", "description", "url", "type", "format", "filetype", "mime", "extras", "schema"];

function pick(body: Doc, fields: string[]): Doc {
  return Object.fromEntries(fields.filter((f) => f in body).map((f) => [f, body[f]]));
}

const LICENSE_IDS = new Set(LICENSES.map((l) => String(l.id)));

function validateDataset(body: Doc, creating: boolean): void {
  const errors: Record<string, string[]> = {};
  if ("license" in body && body.license !== null && !LICENSE_IDS.has(String(body.license)))
    errors.license = ["Not a valid choice."];
  if ("frequency" in body && body.frequency !== null && !knownFrequency(body.frequency))
    errors.frequency = ["Not a valid choice."];
  if (creating && (typeof body.title !== "string" || body.title.trim() === "")) errors.title = [REQUIRED];
  if (!creating && "title" in body && (typeof body.title !== "string" || body.title.trim() === ""))
    errors.title = [REQUIRED];
  if ("tags" in body && (!Array.isArray(body.tags) || body.tags.some((t: unknown) => typeof t !== "string")))
    errors.tags = ["Tags must be a list of strings."];
  if ("private" in body && typeof body.private !== "boolean") errors.private = ["Not a valid boolean."];
  if (Object.keys(errors).length) throw new MainError(400, "Validation error", errors);
  // udata's tag field keeps each tag slugified, dropping the short ones
  if ("tags" in body) body.tags = normalizeTags(body.tags);
  if (typeof body.frequency === "string") body.frequency = knownFrequency(body.frequency);
}

function validateResource(body: Doc, creating: boolean): void {
  const errors: Record<string, string[]> = {};
  if ((creating || "title" in body) && (typeof body.title !== "string" || body.title.trim() === ""))
    errors.title = [REQUIRED];
  if ((creating || "url" in body) && (typeof body.url !== "string" || !/^https?:\/\/\S+$/.test(body.url)))
    errors.url = [creating && !("url" in body) ? REQUIRED : "Invalid URL."];
  if (Object.keys(errors).length) throw new MainError(400, "Validation error", errors);
}

/** The dataset a caller may change; a deleted one is gone (410) unless `restoring`, before any permission check, as in udata. */
function editable(ctx: WriteContext, account: Account, id: string, restoring = false): Doc {
  const dataset = ctx.store.find("datasets", decodeURIComponent(id));
  if (!dataset) throw new MainError(404, NOT_FOUND);
  if (dataset.deleted && !restoring) throw new MainError(410, "Dataset has been deleted");
  if (!mayEdit(account, dataset)) throw new MainError(403, FORBIDDEN);
  return dataset;
}

function resourceOf(dataset: Doc, resourceId: string): Doc {
  const resource = (dataset.resources ?? []).find((r: Doc) => r.id === resourceId);
  if (!resource) throw new MainError(404, "Resource does not exist");
  return resource;
}

const MIME_TYPES: Record<string, string> = {
  csv: "text/csv",
  txt: "text/plain",
  json: "application/json",
  geojson: "application/geo+json",
  xml: "application/xml",
  pdf: "application/pdf",
  zip: "application/zip",
  parquet: "application/vnd.apache.parquet",
  xls: "application/vnd.ms-excel",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  html: "text/html",
  htm: "text/html",
};

/**
 * Profiles an uploaded CSV for the Tabular API. Content that does not parse is kept as a file the Tabular API does not
 * serve, with the extras hydra reports a failed analysis with (udata_hydra/analysis/helpers.py notify_udata: the step
 * and the cause in `analysis:parsing:error`).
 */
async function parseCsv(
  ctx: WriteContext,
  input: Parameters<TabularService["ingestCsv"]>[0],
): Promise<{ info?: Awaited<ReturnType<TabularService["ingestCsv"]>>; failure?: Doc }> {
  const startedAt = isoDateTime(now());
  try {
    return { info: await ctx.tabular.ingestCsv(input) };
  } catch (error) {
    // the cause names the file by its temporary path: name it as uploaded
    const cause = (error instanceof Error ? error.message.split("\n")[0] : String(error)).replaceAll(
      input.file,
      input.title,
    );
    return {
      failure: {
        "analysis:parsing:error": `csv_detective:${cause}`,
        "analysis:parsing:started_at": startedAt,
        "analysis:parsing:finished_at": isoDateTime(now()),
      },
    };
  }
}

/** The name under filesDir of a file the sandbox stores for a resource, if it stores one. */
function storedFileName(resource: Doc): string | undefined {
  return /\/sandbox\/files\/([\w-]+\.\w+)$/.exec(String(resource.url ?? ""))?.[1];
}

/** Answers a write route; false when there is none for this method and path. */
export async function handleWrite(ctx: WriteContext, request: SandboxRequest): Promise<boolean> {
  const { path } = request;
  const method = request.req.method ?? "GET";
  let m: RegExpExecArray | null;

  if (method === "GET" && path === "/api/1/me/") {
    const account = authenticate(request, ctx.accounts);
    const as = { store: ctx.store, viewer: account };
    const organizations = account.organizations.map((id) => ctx.store.find("organizations", id)).filter(Boolean);
    replyWith(request, 200, { ...account.user, organizations }, models.me, as);
    return true;
  }
  if (method === "POST" && path === "/api/1/datasets/") {
    const account = authenticate(request, ctx.accounts);
    const body = await readJson(request);
    validateDataset(body, true);
    const organization = publishingOrganization(ctx, account, body);
    const id = randomBytes(12).toString("hex");
    const slug = slugify(body.title, (s) => ctx.store.find("datasets", s) !== undefined);
    const dataset: Doc = {
      id,
      slug,
      acronym: null,
      description: "",
      description_short: null,
      tags: [],
      license: "notspecified",
      frequency: "unknown",
      private: false,
      extras: {},
      ...pick(body, DATASET_FIELDS),
      created_at: now(),
      last_modified: now(),
      last_update: now(),
      deleted: null,
      archived: null,
      featured: false,
      badges: [],
      resources: [],
      community_resources: [],
      metrics: { discussions: 0, followers: 0, reuses: 0, views: 0, resources_downloads: null },
      organization: organization ? orgRef(organization) : null,
      owner: organization ? null : userRef(account.user),
      harvest: null,
      temporal_coverage: body.temporal_coverage ?? null,
      spatial: body.spatial ?? null,
      schema: null,
      page: `https://www.data.gouv.fr/datasets/${slug}/`,
      uri: `${SANDBOX_ORIGIN}/api/1/datasets/${slug}/`,
    };
    await ctx.store.save("datasets", dataset);
    await ctx.changed();
    replyWith(request, 201, dataset, models.dataset, { store: ctx.store, viewer: account });
    return true;
  }
  if (
    (m = /^\/api\/1\/datasets\/([^/]+)\/$/.exec(path)) &&
    (method === "PUT" || method === "PATCH" || method === "DELETE")
  ) {
    const account = authenticate(request, ctx.accounts);
    if (method === "DELETE") {
      const dataset = editable(ctx, account, m[1]);
      await ctx.store.save("datasets", { ...dataset, deleted: now() });
      await ctx.changed();
      request.res.writeHead(204);
      request.res.end();
      return true;
    }
    const body = await readJson(request);
    // a deleted dataset comes back only through an update that says `"deleted": null`
    const dataset = editable(ctx, account, m[1], body.deleted === null);
    validateDataset(body, false);
    const updated = {
      ...dataset,
      ...pick(body, DATASET_FIELDS),
      deleted: null,
      last_modified: now(),
      last_update: now(),
    };
    await ctx.store.save("datasets", updated);
    if (dataset.deleted) await ctx.changed();
    replyWith(request, 200, updated, models.dataset, { store: ctx.store, viewer: account });
    return true;
  }
  if ((m = /^\/api\/1\/datasets\/([^/]+)\/resources\/$/.exec(path)) && (method === "POST" || method === "PUT")) {
    const account = authenticate(request, ctx.accounts);
    const dataset = editable(ctx, account, m[1]);
    const body = await readJson(request);
    if (method === "PUT") {
      // reorder: the list of resource ids (or objects with ids) in the new order
      const order = Array.isArray(body) ? body.map((r: Doc | string) => (typeof r === "string" ? r : r?.id)) : [];
      const current: Doc[] = dataset.resources ?? [];
      if (order.length !== current.length)
        throw new MainError(
          400,
          `All resources must be reordered, you provided ${order.length} out of ${current.length}`,
        );
      const ids = current.map((r) => String(r.id));
      if (new Set(order).size !== ids.length || !ids.every((id) => order.includes(id))) {
        throw new MainError(
          400,
          `Resource ids must match existing ones in dataset, ie: {${ids.map((id) => `'${id}'`).join(", ")}}`,
        );
      }
      const resources = order.map((id: string) => current.find((r: Doc) => r.id === id));
      await ctx.store.save("datasets", { ...dataset, resources, last_modified: now() });
      replyWith(request, 200, resources, models.resource, { store: ctx.store, viewer: account });
      return true;
    }
    validateResource(body, true);
    // the form's file type defaults to "file", and files only come through the upload route
    if ((body.filetype ?? "file") !== "remote")
      throw new MainError(400, "This endpoint only supports remote resources");
    const resource: Doc = {
      id: randomUUID(),
      description: null,
      type: "main",
      format: null,
      mime: null,
      filesize: null,
      checksum: null,
      extras: {},
      schema: null,
      ...pick(body, RESOURCE_FIELDS),
      filetype: "remote",
      created_at: now(),
      last_modified: now(),
      metrics: { views: 0 },
      harvest: null,
      preview_url: null,
    };
    resource.latest = `${SANDBOX_ORIGIN}/api/1/datasets/r/${resource.id}`;
    await ctx.store.save("datasets", {
      ...dataset,
      resources: [...(dataset.resources ?? []), resource],
      last_modified: now(),
      last_update: now(),
    });
    await ctx.changed();
    replyWith(request, 201, resource, models.resource, { store: ctx.store, viewer: account });
    return true;
  }
  if (
    (m = /^\/api\/1\/datasets\/([^/]+)\/resources\/([^/]+)\/$/.exec(path)) &&
    (method === "PUT" || method === "DELETE")
  ) {
    const account = authenticate(request, ctx.accounts);
    const dataset = editable(ctx, account, m[1]);
    const resource = resourceOf(dataset, m[2]);
    if (method === "DELETE") {
      await ctx.store.save("datasets", {
        ...dataset,
        resources: dataset.resources.filter((r: Doc) => r.id !== resource.id),
        last_modified: now(),
      });
      if (ctx.tabular.store.get(resource.id)) await ctx.tabular.remove(resource.id, new Date(), dataset.id);
      const stored = storedFileName(resource);
      if (stored) await rm(join(ctx.filesDir, stored), { force: true });
      await ctx.changed();
      request.res.writeHead(204);
      request.res.end();
      return true;
    }
    const body = await readJson(request);
    validateResource(body, false);
    if (body.filetype && body.filetype !== resource.filetype)
      throw new MainError(400, "Cannot modify filetype after creation");
    const updated = {
      ...resource,
      ...pick(
        body,
        RESOURCE_FIELDS.filter((f) => resource.filetype !== "file" || f !== "url"),
      ),
      last_modified: now(),
    };
    await ctx.store.save("datasets", {
      ...dataset,
      resources: dataset.resources.map((r: Doc) => (r.id === resource.id ? updated : r)),
      last_modified: now(),
    });
    replyWith(request, 200, updated, models.resource, { store: ctx.store, viewer: account });
    return true;
  }
  if (
    method === "POST" &&
    ((m = /^\/api\/1\/datasets\/([^/]+)\/upload\/$/.exec(path)) ||
      (m = /^\/api\/1\/datasets\/([^/]+)\/resources\/([^/]+)\/upload\/$/.exec(path)))
  ) {
    const account = authenticate(request, ctx.accounts);
    const dataset = editable(ctx, account, m[1]);
    const previous = m[2] ? resourceOf(dataset, m[2]) : undefined;
    await uploadFile(ctx, request, dataset, previous, account);
    return true;
  }
  return false;
}

/**
 * Receives a file to a temporary path, makes the Tabular API serve it if it is a CSV, and only then moves it into place
 * and records it: an upload cut midway leaves the previous file, table and metadata as they were.
 */
async function uploadFile(
  ctx: WriteContext,
  request: SandboxRequest,
  dataset: Doc,
  previous: Doc | undefined,
  account: Account,
): Promise<void> {
  await mkdir(ctx.filesDir, { recursive: true });
  const resourceId = previous?.id ?? randomUUID();
  const temp = join(ctx.filesDir, `.upload-${randomUUID()}`);
  let upload;
  try {
    upload = await receiveFile(request.req, temp);
  } catch (error) {
    if (error instanceof UploadError) throw new MainError(400, error.message);
    throw error;
  }
  try {
    // udata names the resource after the file as it stores it (slugified) and takes its format from the extension
    const title = uploadedName(basename(upload.filename.replaceAll("\\", "/"))) || "file";
    const extension = /\.([a-z0-9]+)$/i.exec(title)?.[1].toLowerCase() ?? null;
    const mime = MIME_TYPES[extension ?? ""] ?? "application/octet-stream";
    if (mime === "text/html") throw new MainError(415, "Incorrect file content type: HTML");
    const name = `${resourceId}.${extension ?? "bin"}`;
    const checksum = { type: "sha1", value: upload.sha1 };
    let resource: Doc;
    const parsed =
      extension === "csv" ? await parseCsv(ctx, { resourceId, datasetId: dataset.id, title, file: temp }) : {};
    if (parsed.info) {
      resource = { ...tabularResource(parsed.info, title), filesize: upload.size, checksum };
    } else {
      if (previous && ctx.tabular.store.get(resourceId)) await ctx.tabular.remove(resourceId, new Date(), dataset.id);
      resource = {
        id: resourceId,
        title,
        description: null,
        filetype: "file",
        type: "main",
        format: extension,
        mime,
        filesize: upload.size,
        checksum,
        extras: parsed.failure ?? {},
        preview_url: null,
        schema: null,
        metrics: { views: 0 },
        harvest: null,
        created_at: now(),
        last_modified: now(),
        url: `${SANDBOX_ORIGIN}/sandbox/files/${name}`,
        latest: `${SANDBOX_ORIGIN}/api/1/datasets/r/${resourceId}`,
      };
    }
    await rename(temp, join(ctx.filesDir, name));
    resource = {
      ...(previous ?? {}),
      ...resource,
      created_at: previous?.created_at ?? resource.created_at,
      last_modified: now(),
    };
    const resources = previous
      ? dataset.resources.map((r: Doc) => (r.id === resourceId ? resource : r))
      : [...(dataset.resources ?? []), resource];
    await ctx.store.save("datasets", { ...dataset, resources, last_modified: now(), last_update: now() });
    // the replaced file goes once the new one is recorded, as udata deletes the old stored file
    const replaced = previous ? storedFileName(previous) : undefined;
    if (replaced && replaced !== name) await rm(join(ctx.filesDir, replaced), { force: true });
    if (!previous) await ctx.changed();
    replyWith(request, previous ? 200 : 201, resource, models.uploadedResource, { store: ctx.store, viewer: account });
  } finally {
    await rm(temp, { force: true });
  }
}
