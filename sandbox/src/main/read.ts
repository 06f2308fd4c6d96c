import type { SandboxRequest } from "../types.ts";
import { mayEdit, unauthenticated, type Account } from "./accounts.ts";
import { envelope, MainError, NOT_FOUND, paging, reply, sortDocs } from "./respond.ts";
import type { MainStore } from "./store.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";

/** The Main API's read routes over its store. */

const SEARCH_WINDOW = 10_000;

const text = (doc: Doc) =>
  `${doc.title ?? doc.name ?? ""} ${doc.acronym ?? ""} ${doc.description ?? ""} ${(doc.tags ?? []).join(" ")}`.toLowerCase();
const matchesQuery = (doc: Doc, q: string | null) =>
  !q ||
  q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text(doc).includes(word));
const all = (url: URL, name: string) => url.searchParams.getAll(name).filter((v) => v !== "");
const one = (url: URL, name: string) => url.searchParams.get(name) || null;
const required = (url: URL, name: string) => {
  const value = one(url, name);
  if (value === null)
    throw new MainError(400, "Input payload validation failed", {
      [name]: "Missing required parameter in the query string",
    });
  return value;
};
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
// the search index has no title sort
const { title: _title, ...SEARCH_SORTS } = DATASET_SORTS;
/** Both answer newest first unless told otherwise (udata's DEFAULT_SORTING, `-created_at_internal`). */
const NEWEST_FIRST = "-created";

const isObjectId = (value: string) => /^[0-9a-f]{24}$/i.test(value);
const publiclyVisible = (d: Doc) => !d.private && !d.archived && !d.deleted;

/**
 * Who asks and through which API. v1 lists what the caller may see (udata's `visible_by_user`: public datasets, plus
 * every dataset of the caller's organizations, drafts and deleted ones included) and refuses the archived, deleted and
 * private filters to anonymous callers; the v2 search only knows public datasets, as its index does.
 */
export interface DatasetScope {
  viewer?: Account;
  /** "export": the site-wide CSV exports, public datasets through DatasetApiParser's filters. */
  api: "v1" | "v2" | "export";
}

/** The datasets a v1 list, v2 search or catalog export returns, filtered as DatasetApiParser and the search do. */
export function filterDatasets(store: MainStore, url: URL, scope: DatasetScope): Doc[] {
  const tags = all(url, "tag");
  const filters: [string, (d: Doc, v: string) => boolean][] = [
    ["license", (d, v) => d.license === v],
    ["organization", (d, v) => d.organization?.id === v || d.organization?.slug === v],
    ["organization_name", (d, v) => (d.organization?.name ?? "").toLowerCase().includes(v.toLowerCase())],
    ["owner", (d, v) => d.owner?.id === v],
    ["format", (d, v) => (d.resources ?? []).some((r: Doc) => (r.format ?? "").toLowerCase() === v.toLowerCase())],
    ["format_family", (d, v) => (d.resources ?? []).some((r: Doc) => formatFamily(r.format) === v)],
    ["badge", (d, v) => (d.badges ?? []).some((b: Doc) => b.kind === v)],
    ["organization_badge", (d, v) => (d.organization?.badges ?? []).some((b: Doc) => b.kind === v)],
    ["geozone", (d, v) => (d.spatial?.zones ?? []).includes(v)],
    ["granularity", (d, v) => d.spatial?.granularity === v],
    ["temporal_coverage", (d, v) => withinCoverage(d, v)],
    ["schema", (d, v) => (d.resources ?? []).some((r: Doc) => r.schema?.name === v)],
    ["schema_version", (d, v) => (d.resources ?? []).some((r: Doc) => r.schema?.version === v)],
    ["access_type", (d, v) => (d.access_type ?? "open") === v],
    ["producer_type", (d, v) => producerTypes(d).includes(v)],
    ["last_update_range", (d, v) => recentEnough(d.last_update, v)],
    ["reuse", (d, v) => store.find("reuses", v)?.datasets?.includes(d.id) ?? false],
    ["dataservice", (d, v) => store.find("dataservices", v)?.dataset_ids?.includes(d.id) ?? false],
    ["topic", (d, v) => (store.find("topics", v)?.element_list ?? []).some((e: Doc) => e.element?.id === d.id)],
  ];
  if (scope.api !== "v2") {
    // DatasetApiParser wants identifiers for the references, in these words
    for (const [name, label] of [
      ["organization", "Organization"],
      ["owner", "Owner"],
      ["topic", "Topic"],
      ["dataservice", "Dataservice"],
      ["reuse", "Reuse"],
    ]) {
      const value = one(url, name);
      if (value !== null && !isObjectId(value)) throw new MainError(400, `${label} arg must be an identifier`);
    }
  }
  const flags =
    scope.api === "v1"
      ? { archived: flag(url, "archived"), deleted: flag(url, "deleted"), private: flag(url, "private") }
      : { archived: null, deleted: null, private: null };
  if (!scope.viewer && Object.values(flags).some((f) => f !== null)) throw unauthenticated();
  const visible = (d: Doc) => publiclyVisible(d) || (scope.viewer !== undefined && mayEdit(scope.viewer, d));
  const featured = flag(url, "featured");
  return store.all("datasets").filter((d) => {
    if (!(scope.api === "v1" ? visible(d) : publiclyVisible(d))) return false;
    if (flags.archived !== null && !!d.archived !== flags.archived) return false;
    if (flags.deleted !== null && !!d.deleted !== flags.deleted) return false;
    if (flags.private !== null && !!d.private !== flags.private) return false;
    if (featured !== null && !!d.featured !== featured) return false;
    if (!matchesQuery(d, one(url, "q"))) return false;
    if (tags.length && !tags.every((t) => (d.tags ?? []).includes(t))) return false;
    return filters.every(([name, test]) => {
      const value = one(url, name);
      return value === null || test(d, value);
    });
  });
}

export function filterOrganizations(store: MainStore, url: URL): Doc[] {
  const badge = one(url, "badge");
  return store
    .all("organizations")
    .filter(
      (o) =>
        !o.deleted && matchesQuery(o, one(url, "q")) && (!badge || (o.badges ?? []).some((b: Doc) => b.kind === badge)),
    );
}

export function filterReuses(store: MainStore, url: URL): Doc[] {
  const [dataset, organization, tag, type] = ["dataset", "organization", "tag", "type"].map((name) => one(url, name));
  return store
    .all("reuses")
    .filter(
      (r) =>
        !r.deleted &&
        !r.private &&
        matchesQuery(r, one(url, "q")) &&
        (!dataset || (r.datasets ?? []).includes(dataset)) &&
        (!organization || r.organization?.id === organization) &&
        (!tag || (r.tags ?? []).includes(tag)) &&
        (!type || r.type === type),
    );
}

export function filterDataservices(store: MainStore, url: URL): Doc[] {
  const [dataset, organization] = ["dataset", "organization"].map((name) => one(url, name));
  return store
    .all("dataservices")
    .filter(
      (s) =>
        !s.deleted_at &&
        !s.private &&
        matchesQuery(s, one(url, "q")) &&
        (!dataset || (s.dataset_ids ?? []).includes(dataset)) &&
        (!organization || s.organization?.id === organization),
    );
}

const FORMAT_FAMILIES: Record<string, string[]> = {
  tabular: ["csv", "tsv", "xls", "xlsx", "ods", "parquet", "csv.gz"],
  machine_readable: ["json", "xml", "geojson", "rdf", "jsonld", "ndjson", "yaml", "sql"],
  geographical: ["shp", "geojson", "kml", "kmz", "gpkg", "gml", "wms", "wfs", "esri shapefile (shp)"],
  documents: ["pdf", "doc", "docx", "odt", "txt", "html", "md"],
};

function formatFamily(format: string | null | undefined): string {
  const f = (format ?? "").toLowerCase();
  return Object.entries(FORMAT_FAMILIES).find(([, formats]) => formats.includes(f))?.[0] ?? "other";
}

/** An organization's badges (public-service, local-authority, …), or "user" for a dataset a person publishes. */
function producerTypes(d: Doc): string[] {
  return d.organization ? (d.organization.badges ?? []).map((b: Doc) => b.kind) : ["user"];
}

const RANGES: Record<string, number> = { last_30_days: 30, last_12_months: 365, last_3_years: 3 * 365 };

function recentEnough(date: string | null | undefined, range: string): boolean {
  const days = RANGES[range];
  if (days === undefined)
    throw new MainError(400, "Input payload validation failed", {
      last_update_range: `The value '${range}' is not a valid choice for 'last_update_range'.`,
    });
  return !!date && Date.now() - Date.parse(date) <= days * 86_400_000;
}

/** `YYYY-MM-DD-YYYY-MM-DD`: datasets whose coverage starts within those dates. */
function withinCoverage(d: Doc, range: string): boolean {
  const [from, to] = [range.slice(0, 10), range.slice(11)];
  const start = d.temporal_coverage?.start?.slice(0, 10);
  return !!start && start >= from && start <= to;
}

function facets(datasets: Doc[]): Doc {
  const count = (values: (string | null | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, n]) => ({ name, count: n }));
  };
  return {
    organization_id_with_name: count(
      datasets.map((d) => (d.organization ? `${d.organization.id}-|-${d.organization.name}` : null)),
    ),
    tag: count(datasets.flatMap((d) => d.tags ?? [])),
    license: count(datasets.map((d) => d.license)),
    format: count(
      datasets.flatMap(
        (d) => [...new Set((d.resources ?? []).map((r: Doc) => (r.format ?? "").toLowerCase()))] as string[],
      ),
    ),
    badge: count(datasets.flatMap((d) => (d.badges ?? []).map((b: Doc) => b.kind))),
  };
}

/** v2 shape: resources and community resources become links to their paged lists. */
export function datasetV2(d: Doc): Doc {
  const link = (name: string, total: number) => ({
    rel: "subsection",
    href: `${SANDBOX_ORIGIN}/api/2/datasets/${d.id}/${name}/?page=1&page_size=50`,
    type: "GET",
    total,
  });
  return {
    ...d,
    resources: link("resources", (d.resources ?? []).length),
    community_resources: link("community_resources", (d.community_resources ?? []).length),
  };
}

function searchWindow(request: SandboxRequest, page: number, pageSize: number): void {
  if (page * pageSize > SEARCH_WINDOW) {
    const max = Math.floor(SEARCH_WINDOW / pageSize);
    throw new MainError(
      400,
      `Result window is too large: page ${page} with page_size ${pageSize} exceeds the maximum of ${SEARCH_WINDOW} results. Maximum page for this page_size is ${max}.`,
    );
  }
}

export function findResource(store: MainStore, resourceId: string): { dataset: Doc; resource: Doc } | undefined {
  for (const dataset of store.all("datasets")) {
    const resource = [...(dataset.resources ?? []), ...(dataset.community_resources ?? [])].find(
      (r: Doc) => r.id === resourceId,
    );
    if (resource) return { dataset, resource };
  }
  return undefined;
}

/** Answers a read route; false when there is none for this path. */
export async function handleRead(
  store: MainStore,
  request: SandboxRequest,
  reference: { licenses: Doc[]; frequencies: Doc[] },
  viewer: Account | undefined,
): Promise<boolean> {
  const { path, url } = request;
  const canEdit = (doc: Doc) => viewer !== undefined && mayEdit(viewer, doc);
  /** udata's DatasetAPI.get: a draft is not found and a deleted dataset gone, except for those who may edit it. */
  const dataset = (idOrSlug: string) => {
    const doc = store.find("datasets", decodeURIComponent(idOrSlug));
    if (!doc || (doc.private && !canEdit(doc))) throw new MainError(404, NOT_FOUND);
    if (doc.deleted && !canEdit(doc)) throw new MainError(410, "Dataset has been deleted");
    return doc;
  };
  const send = (body: unknown) => reply(request, 200, body);
  const get = (kind: Parameters<MainStore["find"]>[0], id: string, gone?: (doc: Doc) => boolean) => {
    const doc = store.find(kind, decodeURIComponent(id));
    if (!doc) throw new MainError(404, NOT_FOUND);
    if (gone?.(doc))
      throw new MainError(410, kind === "datasets" ? "Dataset has been deleted" : "This object has been deleted");
    return doc;
  };
  let m: RegExpExecArray | null;

  if (path === "/api/1/datasets/") {
    const pages = paging(url);
    const found = filterDatasets(store, url, { viewer, api: "v1" });
    send(
      envelope(
        request,
        sortDocs(found, one(url, "sort") ?? (one(url, "q") ? null : NEWEST_FIRST), DATASET_SORTS),
        pages,
      ),
    );
  } else if (path === "/api/2/datasets/search/") {
    const pages = paging(url);
    searchWindow(request, pages.page, pages.pageSize);
    const found = sortDocs(
      filterDatasets(store, url, { api: "v2" }),
      one(url, "sort") ?? (one(url, "q") ? null : NEWEST_FIRST),
      SEARCH_SORTS,
    );
    send(envelope(request, found.map(datasetV2), pages, { facets: facets(found) }, false));
  } else if (path === "/api/1/datasets/licenses/") {
    send(reference.licenses);
  } else if (path === "/api/1/datasets/frequencies/") {
    send(reference.frequencies);
  } else if (path === "/api/1/datasets/schemas/") {
    send([]);
  } else if (path === "/api/1/datasets/badges/") {
    send({
      "pivotal-data": "Données pivots",
      spd: "Service Public de la Donnée",
      hvd: "Données de forte valeur",
      inspire: "INSPIRE",
    });
  } else if (path === "/api/1/datasets/suggest/") {
    const q = required(url, "q");
    const matching = store
      .all("datasets")
      .filter((d) => publiclyVisible(d) && `${d.title} ${d.acronym ?? ""}`.toLowerCase().includes(q.toLowerCase()));
    send(
      sortDocs(matching, "-followers", DATASET_SORTS)
        .slice(0, Number(one(url, "size") ?? 10))
        .map((d) => ({
          id: d.id,
          title: d.title,
          slug: d.slug,
          acronym: d.acronym ?? null,
          image_url: null,
          page: d.page,
        })),
    );
  } else if ((m = /^\/api\/1\/datasets\/r\/([^/]+)\/?$/.exec(path))) {
    const found = findResource(store, m[1]);
    if (!found) throw new MainError(404, NOT_FOUND);
    const location = String(found.resource.url).replaceAll(SANDBOX_ORIGIN, request.origin);
    request.res.writeHead(302, { location });
    request.res.end();
  } else if ((m = /^\/api\/2\/datasets\/resources\/([^/]+)\/$/.exec(path))) {
    const found = findResource(store, m[1]);
    if (!found)
      throw new MainError(
        404,
        `Resource does not exist. You have requested this URI [${path}] but did you mean /api/2/datasets/resources/<uuid:rid>/ ?`,
      );
    send({ resource: found.resource, dataset_id: found.dataset.id });
  } else if ((m = /^\/api\/1\/datasets\/([^/]+)\/resources\/([^/]+)\/$/.exec(path))) {
    const resource = (dataset(m[1]).resources ?? []).find((r: Doc) => r.id === m![2]);
    if (!resource) throw new MainError(404, "Resource does not exist");
    send(resource);
  } else if ((m = /^\/api\/2\/datasets\/([^/]+)\/resources\/$/.exec(path))) {
    const type = one(url, "type");
    const q = one(url, "q");
    const resources = (dataset(m[1]).resources ?? []).filter(
      (r: Doc) =>
        (!type || r.type === type) &&
        (!q || `${r.title} ${r.description ?? ""}`.toLowerCase().includes(q.toLowerCase())),
    );
    send(envelope(request, resources, paging(url, 50), {}, false));
  } else if ((m = /^\/api\/1\/datasets\/([^/]+)\/$/.exec(path))) {
    send(dataset(m[1]));
  } else if ((m = /^\/api\/2\/datasets\/([^/]+)\/$/.exec(path))) {
    send(datasetV2(dataset(m[1])));
  } else if (path === "/api/1/organizations/" || path === "/api/2/organizations/search/") {
    const pages = paging(url);
    if (path.startsWith("/api/2/")) searchWindow(request, pages.page, pages.pageSize);
    const orgs = filterOrganizations(store, url);
    const counted = (o: Doc) =>
      store.all("datasets").filter((d) => d.organization?.id === o.id && !d.private && !d.deleted).length;
    send(
      envelope(
        request,
        sortDocs(orgs, one(url, "sort"), {
          name: (o) => o.name?.toLowerCase(),
          datasets: counted,
          created: (o) => o.created_at,
          last_modified: (o) => o.last_modified,
          followers: (o) => o.metrics?.followers ?? 0,
          views: (o) => o.metrics?.views ?? 0,
          reuses: (o) => o.metrics?.reuses ?? 0,
        }),
        pages,
        {},
        path.startsWith("/api/1/"),
      ),
    );
  } else if (path === "/api/1/organizations/suggest/") {
    const q = one(url, "q");
    send(
      store
        .all("organizations")
        .filter((o) => matchesQuery(o, q))
        .slice(0, Number(one(url, "size") ?? 10))
        .map((o) => ({
          id: o.id,
          name: o.name,
          slug: o.slug,
          acronym: o.acronym ?? null,
          image_url: o.logo ?? null,
          page: o.page,
        })),
    );
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/datasets\/$/.exec(path))) {
    const org = get("organizations", m[1]);
    // its members see its drafts too
    const datasets = store
      .all("datasets")
      .filter((d) => d.organization?.id === org.id && !d.deleted && (!d.private || canEdit(d)));
    send(envelope(request, sortDocs(datasets, one(url, "sort") ?? NEWEST_FIRST, DATASET_SORTS), paging(url)));
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/reuses\/$/.exec(path))) {
    const org = get("organizations", m[1]);
    send(store.all("reuses").filter((r) => r.organization?.id === org.id));
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/$/.exec(path))) {
    send(get("organizations", m[1], (o) => !!o.deleted));
  } else if (path === "/api/1/users/suggest/") {
    const q = (one(url, "q") ?? "").toLowerCase();
    send(
      store
        .all("users")
        .filter((u) => `${u.first_name} ${u.last_name}`.toLowerCase().includes(q))
        .slice(0, 10)
        .map((u) => ({ id: u.id, first_name: u.first_name, last_name: u.last_name, slug: u.slug })),
    );
  } else if ((m = /^\/api\/1\/users\/([^/]+)\/$/.exec(path)) && m[1] !== "me") {
    send(get("users", m[1]));
  } else if (path === "/api/1/reuses/" || path === "/api/2/reuses/search/") {
    const pages = paging(url);
    if (path.startsWith("/api/2/")) searchWindow(request, pages.page, pages.pageSize);
    const reuses = filterReuses(store, url);
    send(
      envelope(
        request,
        sortDocs(reuses, one(url, "sort"), {
          title: (r) => r.title,
          created: (r) => r.created_at,
          views: (r) => r.metrics?.views ?? 0,
          followers: (r) => r.metrics?.followers ?? 0,
          datasets: (r) => (r.datasets ?? []).length,
          last_update: (r) => r.last_modified,
        }),
        pages,
        {},
        path.startsWith("/api/1/"),
      ),
    );
  } else if ((m = /^\/api\/1\/reuses\/([^/]+)\/$/.exec(path))) {
    send(get("reuses", m[1], (r) => !!r.deleted));
  } else if (path === "/api/1/dataservices/" || path === "/api/2/dataservices/search/") {
    const pages = paging(url);
    if (path.startsWith("/api/2/")) searchWindow(request, pages.page, pages.pageSize);
    const services = filterDataservices(store, url);
    send(envelope(request, services, pages, {}, path.startsWith("/api/1/")));
  } else if ((m = /^\/api\/1\/dataservices\/([^/]+)\/$/.exec(path))) {
    send(get("dataservices", m[1], (s) => !!s.deleted_at));
  } else if ((m = /^\/sandbox\/openapi\/([^/]+)\.json$/.exec(path))) {
    const service = get("dataservices", m[1]);
    send({
      openapi: "3.0.3",
      info: { title: service.title, description: service.description, version: "1.0.0" },
      servers: [{ url: service.base_api_url }],
      paths: {},
    });
  } else if (path === "/api/1/discussions/") {
    const subjects = all(url, "for");
    const closed = flag(url, "closed");
    const discussions = store
      .all("discussions")
      .filter(
        (d) => (!subjects.length || subjects.includes(d.subject?.id)) && (closed === null || !!d.closed === closed),
      );
    send(
      envelope(
        request,
        sortDocs(discussions, one(url, "sort") ?? "-created", {
          created: (d) => d.created,
          "discussion.posted_on": (d) => d.discussion?.at(-1)?.posted_on,
        }),
        paging(url),
      ),
    );
  } else if ((m = /^\/api\/1\/discussions\/([^/]+)\/$/.exec(path))) {
    send(get("discussions", m[1]));
  } else if (path === "/api/2/topics/search/") {
    const pages = paging(url);
    searchWindow(request, pages.page, pages.pageSize);
    send(
      envelope(
        request,
        store
          .all("topics")
          .filter((t) => matchesQuery(t, one(url, "q")))
          .map(({ element_list: _, ...t }) => t),
        pages,
        {},
        false,
      ),
    );
  } else if ((m = /^\/api\/2\/topics\/([^/]+)\/elements\/$/.exec(path))) {
    const topic = get("topics", m[1]);
    send(envelope(request, topic.element_list ?? [], paging(url), {}, false));
  } else if ((m = /^\/api\/2\/topics\/([^/]+)\/$/.exec(path))) {
    const { element_list, ...topic } = get("topics", m[1]);
    send({
      ...topic,
      elements: {
        rel: "subsection",
        href: `${SANDBOX_ORIGIN}/api/2/topics/${topic.id}/elements/`,
        type: "GET",
        total: (element_list ?? []).length,
      },
    });
  } else if (path === "/api/1/posts/") {
    send(
      envelope(
        request,
        sortDocs(store.all("posts"), one(url, "sort"), { created_at: (p) => p.created_at, name: (p) => p.name }),
        paging(url),
      ),
    );
  } else if ((m = /^\/api\/1\/posts\/([^/]+)\/$/.exec(path))) {
    send(get("posts", m[1]));
  } else if (path === "/api/1/site/") {
    const site = store.all("site")[0];
    const visible = store.all("datasets").filter((d) => !d.private && !d.deleted);
    send({
      id: site.id,
      title: site.title,
      metrics: {
        ...site.metrics,
        datasets: visible.length,
        organizations: store.all("organizations").length,
        reuses: store.all("reuses").length,
        dataservices: store.all("dataservices").length,
        resources: visible.reduce((n, d) => n + (d.resources ?? []).length, 0),
      },
    });
  } else if (path === "/api/1/tags/suggest/") {
    const q = (one(url, "q") ?? "").toLowerCase();
    const tags = [...new Set(store.all("datasets").flatMap((d) => d.tags ?? []))].filter((t) => t.includes(q)).sort();
    send(tags.slice(0, Number(one(url, "size") ?? 10)).map((text) => ({ text })));
  } else if (path === "/api/1/spatial/levels/") {
    send([
      { id: "country", name: "Pays" },
      { id: "fr:region", name: "Région" },
      { id: "fr:departement", name: "Département" },
      { id: "fr:commune", name: "Commune" },
    ]);
  } else if (path === "/api/1/spatial/granularities/") {
    send([
      { id: "country", name: "Pays" },
      { id: "fr:region", name: "Région" },
      { id: "fr:departement", name: "Département" },
      { id: "fr:commune", name: "Commune" },
      { id: "poi", name: "Point d'intérêt" },
      { id: "other", name: "Autre" },
    ]);
  } else {
    return false;
  }
  return true;
}
