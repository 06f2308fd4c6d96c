import type { SandboxRequest } from "../types.ts";
import { envelope, MainError, NOT_FOUND, paging, reply, sortDocs } from "./respond.ts";
import type { CatalogStore } from "./store.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";

/** The Main API's read routes over the catalog store. */

const SEARCH_WINDOW = 10_000;

const text = (doc: Doc) => `${doc.title ?? doc.name ?? ""} ${doc.acronym ?? ""} ${doc.description ?? ""} ${(doc.tags ?? []).join(" ")}`.toLowerCase();
const matchesQuery = (doc: Doc, q: string | null) => !q || q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text(doc).includes(word));
const all = (url: URL, name: string) => url.searchParams.getAll(name).filter((v) => v !== "");
const one = (url: URL, name: string) => url.searchParams.get(name) || null;
const flag = (url: URL, name: string) => {
  const value = one(url, name);
  return value === null ? null : ["true", "1", "yes"].includes(value.toLowerCase());
};

const DATASET_SORTS: Record<string, (doc: Doc) => unknown> = {
  title: (d) => d.title?.toLowerCase(),
  created: (d) => d.created_at,
  last_update: (d) => d.last_update,
  reuses: (d) => d.metrics?.reuses ?? 0,
  followers: (d) => d.metrics?.followers ?? 0,
  views: (d) => d.metrics?.views ?? 0,
};

/** The datasets a v1 list or v2 search returns, filtered as DatasetApiParser and the search do. */
function filterDatasets(store: CatalogStore, url: URL): Doc[] {
  const tags = all(url, "tag");
  const filters: [string, (d: Doc, v: string) => boolean][] = [
    ["license", (d, v) => d.license === v],
    ["organization", (d, v) => d.organization?.id === v || d.organization?.slug === v],
    ["organization_name", (d, v) => (d.organization?.name ?? "").toLowerCase().includes(v.toLowerCase())],
    ["owner", (d, v) => d.owner?.id === v],
    ["format", (d, v) => (d.resources ?? []).some((r: Doc) => (r.format ?? "").toLowerCase() === v.toLowerCase())],
    ["format_family", (d, v) => v !== "tabular" || (d.resources ?? []).some((r: Doc) => ["csv", "xls", "xlsx", "ods", "parquet"].includes((r.format ?? "").toLowerCase()))],
    ["badge", (d, v) => (d.badges ?? []).some((b: Doc) => b.kind === v)],
    ["organization_badge", (d, v) => (d.organization?.badges ?? []).some((b: Doc) => b.kind === v)],
    ["geozone", (d, v) => (d.spatial?.zones ?? []).includes(v)],
    ["granularity", (d, v) => d.spatial?.granularity === v],
    ["schema", (d, v) => (d.resources ?? []).some((r: Doc) => r.schema?.name === v)],
    ["access_type", (d, v) => (d.access_type ?? "open") === v],
    ["reuse", (d, v) => store.find("reuses", v)?.datasets?.includes(d.id) ?? false],
    ["dataservice", (d, v) => store.find("dataservices", v)?.dataset_ids?.includes(d.id) ?? false],
    ["topic", (d, v) => (store.find("topics", v)?.element_list ?? []).some((e: Doc) => e.element?.id === d.id)],
  ];
  const featured = flag(url, "featured");
  const includePrivate = flag(url, "private");
  const archived = flag(url, "archived");
  const deleted = flag(url, "deleted");
  return store.all("datasets").filter((d) => {
    if (!!d.deleted !== !!deleted) return false;
    if (d.private && !includePrivate) return false;
    if (archived !== null ? !!d.archived !== archived : !!d.archived) return false;
    if (featured !== null && !!d.featured !== featured) return false;
    if (!matchesQuery(d, one(url, "q"))) return false;
    if (tags.length && !tags.every((t) => (d.tags ?? []).includes(t))) return false;
    return filters.every(([name, test]) => {
      const value = one(url, name);
      return value === null || test(d, value);
    });
  });
}

function facets(datasets: Doc[]): Doc {
  const count = (values: (string | null | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, n]) => ({ name, count: n }));
  };
  return {
    organization_id_with_name: count(datasets.map((d) => (d.organization ? `${d.organization.id}-|-${d.organization.name}` : null))),
    tag: count(datasets.flatMap((d) => d.tags ?? [])),
    license: count(datasets.map((d) => d.license)),
    format: count(datasets.flatMap((d) => [...new Set((d.resources ?? []).map((r: Doc) => (r.format ?? "").toLowerCase()))] as string[])),
    badge: count(datasets.flatMap((d) => (d.badges ?? []).map((b: Doc) => b.kind))),
  };
}

/** v2 shape: resources and community resources become links to their paged lists. */
export function datasetV2(d: Doc): Doc {
  const link = (name: string, total: number) => ({ rel: "subsection", href: `${SANDBOX_ORIGIN}/api/2/datasets/${d.id}/${name}/?page=1&page_size=50`, type: "GET", total });
  return { ...d, resources: link("resources", (d.resources ?? []).length), community_resources: link("community_resources", (d.community_resources ?? []).length) };
}

function searchWindow(request: SandboxRequest, page: number, pageSize: number): void {
  if (page * pageSize > SEARCH_WINDOW) {
    const max = Math.floor(SEARCH_WINDOW / pageSize);
    throw new MainError(400, `Result window is too large: page ${page} with page_size ${pageSize} exceeds the maximum of ${SEARCH_WINDOW} results. Maximum page for this page_size is ${max}.`);
  }
}

export function findResource(store: CatalogStore, resourceId: string): { dataset: Doc; resource: Doc } | undefined {
  for (const dataset of store.all("datasets")) {
    const resource = [...(dataset.resources ?? []), ...(dataset.community_resources ?? [])].find((r: Doc) => r.id === resourceId);
    if (resource) return { dataset, resource };
  }
  return undefined;
}

/** Answers a read route; false when there is none for this path. */
export async function handleRead(store: CatalogStore, request: SandboxRequest, reference: { licenses: Doc[]; frequencies: Doc[] }): Promise<boolean> {
  const { path, url } = request;
  const send = (body: unknown) => reply(request, 200, body);
  const get = (kind: Parameters<CatalogStore["find"]>[0], id: string, gone?: (doc: Doc) => boolean) => {
    const doc = store.find(kind, decodeURIComponent(id));
    if (!doc) throw new MainError(404, NOT_FOUND);
    if (gone?.(doc)) throw new MainError(410, kind === "datasets" ? "Dataset has been deleted" : "This object has been deleted");
    return doc;
  };
  let m: RegExpExecArray | null;

  if (path === "/api/1/datasets/") {
    const pages = paging(url);
    send(envelope(request, sortDocs(filterDatasets(store, url), one(url, "sort"), DATASET_SORTS), pages));
  } else if (path === "/api/2/datasets/search/") {
    const pages = paging(url);
    searchWindow(request, pages.page, pages.pageSize);
    const found = sortDocs(filterDatasets(store, url), one(url, "sort"), DATASET_SORTS);
    send(envelope(request, found.map(datasetV2), pages, { facets: facets(found) }, false));
  } else if (path === "/api/1/datasets/licenses/") {
    send(reference.licenses);
  } else if (path === "/api/1/datasets/frequencies/") {
    send(reference.frequencies);
  } else if (path === "/api/1/datasets/schemas/") {
    send([]);
  } else if (path === "/api/1/datasets/badges/") {
    send({ spd: "Service Public de la Donnée", hvd: "Données de forte valeur", "inspire": "INSPIRE", pivotal: "Données pivots" });
  } else if (path === "/api/1/datasets/suggest/") {
    const q = one(url, "q");
    send(store.all("datasets").filter((d) => !d.private && !d.deleted && matchesQuery(d, q)).slice(0, Number(one(url, "size") ?? 10)).map((d) => ({ id: d.id, title: d.title, slug: d.slug, acronym: d.acronym ?? null, image_url: null, page: d.page })));
  } else if ((m = /^\/api\/1\/datasets\/r\/([^/]+)\/?$/.exec(path))) {
    const found = findResource(store, m[1]);
    if (!found) throw new MainError(404, NOT_FOUND);
    const location = String(found.resource.url).replaceAll(SANDBOX_ORIGIN, request.origin);
    request.res.writeHead(302, { location });
    request.res.end();
  } else if ((m = /^\/api\/2\/datasets\/resources\/([^/]+)\/$/.exec(path))) {
    const found = findResource(store, m[1]);
    if (!found) throw new MainError(404, `Resource does not exist. You have requested this URI [${path}] but did you mean /api/2/datasets/resources/<uuid:rid>/ ?`);
    send({ resource: found.resource, dataset_id: found.dataset.id });
  } else if ((m = /^\/api\/1\/datasets\/([^/]+)\/resources\/([^/]+)\/$/.exec(path))) {
    const dataset = get("datasets", m[1], (d) => !!d.deleted);
    const resource = (dataset.resources ?? []).find((r: Doc) => r.id === m![2]);
    if (!resource) throw new MainError(404, NOT_FOUND);
    send(resource);
  } else if ((m = /^\/api\/2\/datasets\/([^/]+)\/resources\/$/.exec(path))) {
    const dataset = get("datasets", m[1], (d) => !!d.deleted);
    const type = one(url, "type");
    const q = one(url, "q");
    const resources = (dataset.resources ?? []).filter((r: Doc) => (!type || r.type === type) && (!q || `${r.title} ${r.description ?? ""}`.toLowerCase().includes(q.toLowerCase())));
    send(envelope(request, resources, paging(url, 50), {}, false));
  } else if ((m = /^\/api\/1\/datasets\/([^/]+)\/$/.exec(path))) {
    send(get("datasets", m[1], (d) => !!d.deleted));
  } else if ((m = /^\/api\/2\/datasets\/([^/]+)\/$/.exec(path))) {
    send(datasetV2(get("datasets", m[1], (d) => !!d.deleted)));
  } else if (path === "/api/1/organizations/" || path === "/api/2/organizations/search/") {
    const pages = paging(url);
    if (path.startsWith("/api/2/")) searchWindow(request, pages.page, pages.pageSize);
    const q = one(url, "q");
    const badge = one(url, "badge");
    const orgs = store.all("organizations").filter((o) => !o.deleted && matchesQuery(o, q) && (!badge || (o.badges ?? []).some((b: Doc) => b.kind === badge)));
    const counted = (o: Doc) => store.all("datasets").filter((d) => d.organization?.id === o.id && !d.private && !d.deleted).length;
    send(envelope(request, sortDocs(orgs, one(url, "sort"), { name: (o) => o.name?.toLowerCase(), datasets: counted, created: (o) => o.created_at, last_modified: (o) => o.last_modified, followers: (o) => o.metrics?.followers ?? 0, views: (o) => o.metrics?.views ?? 0, reuses: (o) => o.metrics?.reuses ?? 0 }), pages, {}, path.startsWith("/api/1/")));
  } else if (path === "/api/1/organizations/suggest/") {
    const q = one(url, "q");
    send(store.all("organizations").filter((o) => matchesQuery(o, q)).slice(0, Number(one(url, "size") ?? 10)).map((o) => ({ id: o.id, name: o.name, slug: o.slug, acronym: o.acronym ?? null, image_url: o.logo ?? null, page: o.page })));
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/datasets\/$/.exec(path))) {
    const org = get("organizations", m[1]);
    const datasets = store.all("datasets").filter((d) => d.organization?.id === org.id && !d.private && !d.deleted);
    send(envelope(request, sortDocs(datasets, one(url, "sort"), DATASET_SORTS), paging(url)));
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/reuses\/$/.exec(path))) {
    const org = get("organizations", m[1]);
    send(store.all("reuses").filter((r) => r.organization?.id === org.id));
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/$/.exec(path))) {
    send(get("organizations", m[1], (o) => !!o.deleted));
  } else if (path === "/api/1/users/suggest/") {
    const q = (one(url, "q") ?? "").toLowerCase();
    send(store.all("users").filter((u) => `${u.first_name} ${u.last_name}`.toLowerCase().includes(q)).slice(0, 10).map((u) => ({ id: u.id, first_name: u.first_name, last_name: u.last_name, slug: u.slug })));
  } else if ((m = /^\/api\/1\/users\/([^/]+)\/$/.exec(path)) && m[1] !== "me") {
    send(get("users", m[1]));
  } else if (path === "/api/1/reuses/" || path === "/api/2/reuses/search/") {
    const pages = paging(url);
    if (path.startsWith("/api/2/")) searchWindow(request, pages.page, pages.pageSize);
    const dataset = one(url, "dataset");
    const org = one(url, "organization");
    const reuses = store.all("reuses").filter((r) => !r.deleted && !r.private && matchesQuery(r, one(url, "q")) && (!dataset || (r.datasets ?? []).includes(dataset)) && (!org || r.organization?.id === org));
    send(envelope(request, sortDocs(reuses, one(url, "sort"), { title: (r) => r.title, created: (r) => r.created_at, views: (r) => r.metrics?.views ?? 0, followers: (r) => r.metrics?.followers ?? 0, datasets: (r) => (r.datasets ?? []).length, last_update: (r) => r.last_modified }), pages, {}, path.startsWith("/api/1/")));
  } else if ((m = /^\/api\/1\/reuses\/([^/]+)\/$/.exec(path))) {
    send(get("reuses", m[1], (r) => !!r.deleted));
  } else if (path === "/api/1/dataservices/" || path === "/api/2/dataservices/search/") {
    const pages = paging(url);
    if (path.startsWith("/api/2/")) searchWindow(request, pages.page, pages.pageSize);
    const dataset = one(url, "dataset");
    const services = store.all("dataservices").filter((s) => !s.deleted_at && matchesQuery(s, one(url, "q")) && (!dataset || (s.dataset_ids ?? []).includes(dataset)));
    send(envelope(request, services, pages, {}, path.startsWith("/api/1/")));
  } else if ((m = /^\/api\/1\/dataservices\/([^/]+)\/$/.exec(path))) {
    send(get("dataservices", m[1], (s) => !!s.deleted_at));
  } else if ((m = /^\/sandbox\/openapi\/([^/]+)\.json$/.exec(path))) {
    const service = get("dataservices", m[1]);
    send({ openapi: "3.0.3", info: { title: service.title, description: service.description, version: "1.0.0" }, servers: [{ url: service.base_api_url }], paths: {} });
  } else if (path === "/api/1/discussions/") {
    const subjects = all(url, "for");
    const closed = flag(url, "closed");
    const discussions = store.all("discussions").filter((d) => (!subjects.length || subjects.includes(d.subject?.id)) && (closed === null || !!d.closed === closed));
    send(envelope(request, sortDocs(discussions, one(url, "sort") ?? "-created", { created: (d) => d.created, "discussion.posted_on": (d) => d.discussion?.at(-1)?.posted_on }), paging(url)));
  } else if ((m = /^\/api\/1\/discussions\/([^/]+)\/$/.exec(path))) {
    send(get("discussions", m[1]));
  } else if (path === "/api/2/topics/search/") {
    const pages = paging(url);
    searchWindow(request, pages.page, pages.pageSize);
    send(envelope(request, store.all("topics").filter((t) => matchesQuery(t, one(url, "q"))).map(({ element_list: _, ...t }) => t), pages, {}, false));
  } else if ((m = /^\/api\/2\/topics\/([^/]+)\/elements\/$/.exec(path))) {
    const topic = get("topics", m[1]);
    send(envelope(request, topic.element_list ?? [], paging(url), {}, false));
  } else if ((m = /^\/api\/2\/topics\/([^/]+)\/$/.exec(path))) {
    const { element_list, ...topic } = get("topics", m[1]);
    send({ ...topic, elements: { rel: "subsection", href: `${SANDBOX_ORIGIN}/api/2/topics/${topic.id}/elements/`, type: "GET", total: (element_list ?? []).length } });
  } else if (path === "/api/1/posts/") {
    send(envelope(request, sortDocs(store.all("posts"), one(url, "sort"), { created_at: (p) => p.created_at, name: (p) => p.name }), paging(url)));
  } else if ((m = /^\/api\/1\/posts\/([^/]+)\/$/.exec(path))) {
    send(get("posts", m[1]));
  } else if (path === "/api/1/site/") {
    const site = store.all("site")[0];
    const visible = store.all("datasets").filter((d) => !d.private && !d.deleted);
    send({ id: site.id, title: site.title, metrics: { ...site.metrics, datasets: visible.length, organizations: store.all("organizations").length, reuses: store.all("reuses").length, dataservices: store.all("dataservices").length, resources: visible.reduce((n, d) => n + (d.resources ?? []).length, 0) } });
  } else if (path === "/api/1/tags/suggest/") {
    const q = (one(url, "q") ?? "").toLowerCase();
    const tags = [...new Set(store.all("datasets").flatMap((d) => d.tags ?? []))].filter((t) => t.includes(q)).sort();
    send(tags.slice(0, Number(one(url, "size") ?? 10)).map((text) => ({ text })));
  } else if (path === "/api/1/spatial/levels/") {
    send([{ id: "country", name: "Pays" }, { id: "fr:region", name: "Région" }, { id: "fr:departement", name: "Département" }, { id: "fr:commune", name: "Commune" }]);
  } else if (path === "/api/1/spatial/granularities/") {
    send([{ id: "country", name: "Pays" }, { id: "fr:region", name: "Région" }, { id: "fr:departement", name: "Département" }, { id: "fr:commune", name: "Commune" }, { id: "poi", name: "Point d'intérêt" }, { id: "other", name: "Autre" }]);
  } else {
    return false;
  }
  return true;
}
