import { mayEdit } from "./accounts.ts";
import { envelope, MainError, NOT_FOUND, paging, reply } from "./respond.ts";
import {
  caller,
  administrator,
  found,
  isAdmin,
  kind,
  newId,
  noContent,
  required,
  type Call,
  type RouteSpec,
} from "./routing.ts";
import { orgRef, SANDBOX_ORIGIN, userRef, type Doc } from "./seed.ts";
import { FORBIDDEN, now, publishingOrganization, readJson, slugify, type WriteContext } from "./writing.ts";

/**
 * Harvest sources and jobs (udata/harvest/api.py and its DCAT backend). A run reads the source's DCAT catalog in
 * JSON-LD and makes or updates one dataset per dcat:Dataset, keyed by the source and the remote identifier. The
 * sandbox never leaves loopback: a source pointing elsewhere fails its job with that reason.
 */

export const BACKENDS = [
  {
    id: "dcat",
    label: "DCAT",
    filters: [],
    features: [],
    extra_configs: [{ key: "remote_url_prefix", label: "Remote URL prefix", default: null }],
  },
];

const sources = (ctx: WriteContext) => ctx.store.all(kind("harvest_sources"));

function source(call: Call): Doc {
  const id = call.params[0];
  const doc = ctx(call).store.find(kind("harvest_sources"), id) ?? sources(ctx(call)).find((s) => s.slug === id);
  if (!doc) throw new MainError(404, NOT_FOUND);
  return doc;
}
const ctx = (call: Call) => call.ctx;

function editable(call: Call): Doc {
  const account = caller(call);
  const doc = source(call);
  if (!isAdmin(account) && !mayEdit(account, doc)) throw new MainError(403, FORBIDDEN);
  return doc;
}

function checked(body: Doc): void {
  required(body, ["name", "url", "backend"]);
  if (!BACKENDS.some((b) => b.id === body.backend))
    throw new MainError(400, "Validation error", { backend: [`Unknown backend "${body.backend}".`] });
  try {
    new URL(String(body.url));
  } catch {
    throw new MainError(400, "Validation error", { url: ["Invalid URL."] });
  }
}

interface RemoteDataset {
  remote_id: string;
  title: string;
  description: string;
  tags: string[];
  resources: { id: string; title: string; url: string; format: string }[];
  uri: string;
}

const values = (v: unknown): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The dcat:Dataset nodes of a JSON-LD graph as the sandbox's catalog writes it. */
async function readCatalog(url: string): Promise<RemoteDataset[]> {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host))
    throw new Error(`the sandbox harvests only catalogs on loopback, not ${host}`);
  const response = await fetch(url, { headers: { accept: "application/ld+json" } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const graph: Doc[] = (await response.json())["@graph"] ?? [];
  const byId = new Map(graph.map((n) => [n["@id"], n]));
  return graph
    .filter((n) => values(n["@type"]).some((t) => String(t).endsWith("#Dataset") || t === "dcat:Dataset"))
    .map((n) => ({
      remote_id: String(n["dct:identifier"] ?? n["@id"]),
      title: String(n["dct:title"] ?? ""),
      description: String(n["dct:description"] ?? ""),
      tags: values(n["dcat:keyword"]).map(String),
      uri: n["@id"],
      resources: values(n["dcat:distribution"]).map((ref) => {
        const d = byId.get(ref["@id"]) ?? {};
        return {
          id: String(d["dct:identifier"] ?? ref["@id"]),
          title: String(d["dct:title"] ?? ""),
          url: d["dcat:accessURL"]?.["@id"] ?? "",
          format: String(d["dct:format"] ?? ""),
        };
      }),
    }));
}

function harvestedDataset(src: Doc, remote: RemoteDataset, existing: Doc | undefined, slug: string): Doc {
  const stamp = now();
  const id = existing?.id ?? newId();
  return {
    ...(existing ?? {
      id,
      slug,
      created_at: stamp,
      private: false,
      deleted: null,
      archived: null,
      badges: [],
      extras: {},
      metrics: { discussions: 0, followers: 0, reuses: 0, views: 0 },
      frequency: "unknown",
      license: "notspecified",
      page: `${SANDBOX_ORIGIN}/datasets/${slug}/`,
      uri: `${SANDBOX_ORIGIN}/api/1/datasets/${slug}/`,
    }),
    title: remote.title,
    description: remote.description,
    tags: remote.tags,
    organization: src.organization,
    owner: src.owner,
    last_modified: stamp,
    last_update: stamp,
    harvest: {
      backend: src.backend,
      source_id: src.id,
      remote_id: remote.remote_id,
      domain: new URL(src.url).host,
      last_update: stamp,
      remote_url: remote.uri,
      uri: remote.uri,
    },
    resources: remote.resources.map((r) => ({
      id: r.id.length === 36 ? r.id : crypto.randomUUID(),
      title: r.title,
      url: r.url,
      format: r.format,
      type: "main",
      filetype: "remote",
      created_at: stamp,
      last_modified: stamp,
      extras: {},
      harvest: { remote_id: r.id },
    })),
  };
}

/** One run (or, with save false, a preview): the job with its items, each item's dataset when saved. */
async function harvest(context: WriteContext, src: Doc, save: boolean): Promise<Doc> {
  const job: Doc = {
    id: newId(),
    created: now(),
    started: now(),
    ended: null,
    status: "processing",
    errors: [],
    items: [],
    source: src.id,
  };
  try {
    for (const remote of await readCatalog(src.url)) {
      const existing = context.store
        .all("datasets")
        .find((d) => d.harvest?.source_id === src.id && d.harvest?.remote_id === remote.remote_id);
      const slug = existing?.slug ?? slugify(remote.title, (s) => context.store.find("datasets", s) !== undefined);
      const dataset = harvestedDataset(src, remote, existing, slug);
      if (save) await context.store.save("datasets", dataset);
      job.items.push({
        remote_id: remote.remote_id,
        remote_url: remote.uri,
        dataset: save
          ? { id: dataset.id, title: dataset.title, class: "Dataset", uri: dataset.uri, page: dataset.page }
          : { title: dataset.title },
        status: "done",
        created: job.created,
        started: job.started,
        ended: now(),
        errors: [],
      });
    }
    job.status = "done";
  } catch (error) {
    job.status = "failed";
    job.errors.push({ message: (error as Error).message });
  }
  job.ended = now();
  return job;
}

export const HARVEST_ROUTES: RouteSpec[] = [
  ["GET", "/api/1/harvest/backends/", (call) => reply(call.request, 200, BACKENDS)],
  [
    "GET",
    "/api/1/harvest/sources/",
    (call) => {
      const q = call.request.url.searchParams;
      const list = sources(call.ctx).filter(
        (s) =>
          (q.get("deleted") === "true" || !s.deleted) &&
          (!q.get("owner") || s.owner?.id === q.get("owner")) &&
          (!q.get("organization") || s.organization?.id === q.get("organization")) &&
          (!q.get("q") ||
            String(s.name)
              .toLowerCase()
              .includes(String(q.get("q")).toLowerCase())),
      );
      reply(call.request, 200, envelope(call.request, list, paging(call.request.url), {}, false));
    },
  ],
  [
    "POST",
    "/api/1/harvest/sources/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      checked(body);
      const org = publishingOrganization(call.ctx, account, body);
      const doc = {
        id: newId(),
        name: body.name,
        slug: slugify(body.name, (s) => sources(call.ctx).some((x) => x.slug === s)),
        description: body.description ?? "",
        url: body.url,
        backend: body.backend,
        config: body.config ?? {},
        active: body.active ?? true,
        autoarchive: body.autoarchive ?? true,
        frequency: body.frequency ?? "manual",
        created_at: now(),
        deleted: null,
        validation: { state: "pending", by: null, on: null, comment: null },
        last_job: null,
        schedule: null,
        organization: org ? orgRef(org) : null,
        owner: org ? null : userRef(account.user),
      };
      await call.ctx.store.save(kind("harvest_sources"), doc);
      reply(call.request, 201, doc);
    },
  ],
  ["GET", "/api/1/harvest/source/{}/", (call) => reply(call.request, 200, source(call))],
  [
    "PUT",
    "/api/1/harvest/source/{}/",
    async (call) => {
      const doc = editable(call);
      const body = await readJson(call.request);
      const updated = { ...doc, ...body, id: doc.id, validation: doc.validation };
      checked(updated);
      await call.ctx.store.save(kind("harvest_sources"), updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/harvest/source/{}/",
    async (call) => {
      const deleted = { ...editable(call), deleted: now() };
      await call.ctx.store.save(kind("harvest_sources"), deleted);
      // udata answers 204 with the deleted source marshalled, which Flask sends without a body
      noContent(call);
    },
  ],
  [
    "POST",
    "/api/1/harvest/source/{}/validate/",
    async (call) => {
      const account = administrator(call);
      const doc = source(call);
      const body = await readJson(call.request);
      required(body, ["state"]);
      if (!["accepted", "refused"].includes(body.state))
        throw new MainError(400, "Validation error", { state: [`'${body.state}' is not a valid choice.`] });
      const validated = {
        ...doc,
        validation: { state: body.state, by: userRef(account.user), on: now(), comment: body.comment ?? null },
      };
      await call.ctx.store.save(kind("harvest_sources"), validated);
      reply(call.request, 200, validated);
    },
  ],
  [
    "POST",
    "/api/1/harvest/source/{}/run/",
    async (call) => {
      const doc = editable(call);
      if (doc.validation?.state !== "accepted")
        throw new MainError(400, "Source is not validated. Please validate the source before running.");
      const job = await harvest(call.ctx, doc, true);
      await call.ctx.store.save(kind("harvest_jobs"), job);
      const { items: _items, ...summary } = job;
      const ran = { ...doc, last_job: summary };
      await call.ctx.store.save(kind("harvest_sources"), ran);
      await call.ctx.changed();
      reply(call.request, 200, ran);
    },
  ],
  [
    "POST",
    "/api/1/harvest/source/{}/schedule/",
    async (call) => {
      administrator(call);
      const doc = source(call);
      const chunks: Buffer[] = [];
      for await (const chunk of call.request.req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8").trim().replace(/^"|"$/g, "");
      if (text.split(/\s+/).length !== 5)
        throw new MainError(400, "Validation error", { schedule: ["A cron expression has five fields."] });
      const scheduled = { ...doc, schedule: text };
      await call.ctx.store.save(kind("harvest_sources"), scheduled);
      reply(call.request, 200, scheduled);
    },
  ],
  [
    "DELETE",
    "/api/1/harvest/source/{}/schedule/",
    async (call) => {
      const doc = editable(call);
      const unscheduled = { ...doc, schedule: null };
      await call.ctx.store.save(kind("harvest_sources"), unscheduled);
      noContent(call);
    },
  ],
  [
    "GET",
    "/api/1/harvest/source/{}/preview/",
    async (call) => reply(call.request, 200, await harvest(call.ctx, editable(call), false)),
  ],
  [
    "POST",
    "/api/1/harvest/source/preview/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      checked(body);
      const org = publishingOrganization(call.ctx, account, body);
      const draft = {
        ...body,
        id: "preview",
        organization: org ? orgRef(org) : null,
        owner: org ? null : userRef(account.user),
      };
      reply(call.request, 200, await harvest(call.ctx, draft, false));
    },
  ],
  [
    "GET",
    "/api/1/harvest/source/{}/jobs/",
    (call) => {
      const doc = source(call);
      const jobs = call.ctx.store
        .all(kind("harvest_jobs"))
        .filter((j) => j.source === doc.id)
        .sort((a, b) => (a.created < b.created ? 1 : -1))
        .map(({ items: _items, ...job }) => job);
      reply(call.request, 200, envelope(call.request, jobs, paging(call.request.url), {}, false));
    },
  ],
  [
    "GET",
    "/api/1/harvest/job/{}/",
    (call) => reply(call.request, 200, found(call.ctx, "harvest_jobs", call.params[0])),
  ],
];
