import type { SandboxRequest } from "../types.ts";
import { mayEdit, type Account } from "./accounts.ts";
import {
  DATASET_SORTS,
  filterDatasets,
  NEWEST_FIRST,
  one,
  publiclyVisible,
  required,
  SEARCH_SORTS,
  searchFacets,
} from "./filters.ts";
import * as models from "./marshal/index.ts";
import { ALLOWED_EXTENSIONS, ALLOWED_MIMES, BADGES, FREQUENCIES, RESOURCE_TYPES } from "./marshal/vocabulary.ts";
import { handleCatalogRead } from "./read-catalog.ts";
import { findResource, searchWindow, SUGGEST_HELP, type ReadContext } from "./read-context.ts";
import { envelope, MainError, NOT_FOUND, paging, reply, replyWith, sortDocs } from "./respond.ts";
import type { MainStore } from "./store.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";

/** The Main API's read routes over its store, every object marshalled as udata declares it. */

/** Answers a read route; false when there is none for this path. */
export async function handleRead(
  store: MainStore,
  request: SandboxRequest,
  viewer: Account | undefined,
): Promise<boolean> {
  const canEdit = (doc: Doc) => viewer !== undefined && mayEdit(viewer, doc);
  const ctx: ReadContext = {
    store,
    request,
    viewer,
    send: (body, model) => replyWith(request, 200, body, model, { store, viewer }),
    sendPlain: (body) => reply(request, 200, body),
    get(kind, id, gone) {
      const doc = store.find(kind, decodeURIComponent(id));
      if (!doc) throw new MainError(404, NOT_FOUND);
      if (gone?.(doc))
        throw new MainError(410, kind === "datasets" ? "Dataset has been deleted" : "This object has been deleted");
      return doc;
    },
    canEdit,
  };
  return handleDatasetRead(ctx) || handleCatalogRead(ctx);
}

const DATASET_PAGE_MASK = `data{${[...models.dataset.mask!.keys()].join(",")}},*`;
const DATASET_V2_PAGE_MASK = `data{${[...models.datasetV2.mask!.keys()].join(",")}},*`;
const datasetPage = models.pager(models.dataset, { mask: DATASET_PAGE_MASK });
const datasetV2Page = models.pager(models.datasetV2, { mask: DATASET_V2_PAGE_MASK });
const datasetSearchPage = models.pager(models.datasetV2, { mask: DATASET_V2_PAGE_MASK, facets: true });
const communityResourcePage = models.pager(models.communityResource);
const resourcePage = models.pager(models.resource);

function handleDatasetRead(ctx: ReadContext): boolean {
  const { store, request, viewer, send, sendPlain, canEdit } = ctx;
  const { path, url } = request;
  /** udata's DatasetAPI.get: a draft is not found and a deleted dataset gone, except for those who may edit it. */
  const dataset = (idOrSlug: string) => {
    const doc = store.find("datasets", decodeURIComponent(idOrSlug));
    if (!doc || (doc.private && !canEdit(doc))) throw new MainError(404, NOT_FOUND);
    if (doc.deleted && !canEdit(doc)) throw new MainError(410, "Dataset has been deleted");
    return doc;
  };
  const sorted = (docs: Doc[], sorts: typeof DATASET_SORTS) =>
    sortDocs(docs, one(url, "sort") ?? (one(url, "q") ? null : NEWEST_FIRST), sorts);
  let m: RegExpExecArray | null;

  if (path === "/api/1/datasets/" || path === "/api/2/datasets/") {
    const pages = paging(url);
    const found = sorted(filterDatasets(store, url, { viewer, api: "v1" }), DATASET_SORTS);
    send(envelope(request, found, pages), path.startsWith("/api/1/") ? datasetPage : datasetV2Page);
  } else if (path === "/api/2/datasets/search/") {
    const pages = paging(url);
    searchWindow(pages.page, pages.pageSize);
    const found = sorted(filterDatasets(store, url, { api: "v2" }), SEARCH_SORTS);
    send(envelope(request, found, pages, { facets: searchFacets(store, url) }, false), datasetSearchPage);
  } else if (path === "/api/1/datasets/licenses/") {
    send(models.LICENSES, models.license);
  } else if (path === "/api/1/datasets/frequencies/") {
    send(
      FREQUENCIES.map(([id, label]) => ({ id, label })),
      models.labelled,
    );
  } else if (path === "/api/1/datasets/resource_types/") {
    send(
      RESOURCE_TYPES.map(([id, label]) => ({ id, label })),
      models.labelled,
    );
  } else if (path === "/api/1/datasets/extensions/") {
    sendPlain([...ALLOWED_EXTENSIONS].sort());
  } else if (path === "/api/1/datasets/schemas/") {
    sendPlain([]);
  } else if (path === "/api/1/datasets/badges/") {
    sendPlain(BADGES.datasets);
  } else if (path === "/api/1/datasets/suggest/") {
    const q = required(url, "q", SUGGEST_HELP).toLowerCase();
    const size = Number(one(url, "size") ?? 10);
    const matching = store
      .all("datasets")
      .filter((d) => publiclyVisible(d) && `${d.title} ${d.acronym ?? ""}`.toLowerCase().includes(q));
    send(sortDocs(matching, "-followers", DATASET_SORTS).slice(0, size), models.datasetSuggestion);
  } else if (path === "/api/1/datasets/suggest/formats/" || path === "/api/1/datasets/suggest/mime/") {
    // udata/core/dataset/api.py FormatsSuggestAPI, MimesSuggestAPI: substrings of the allowed list, shortest first
    const q = required(url, "q", SUGGEST_HELP);
    const size = Number(one(url, "size") ?? 10);
    const allowed = path.endsWith("/formats/") ? ALLOWED_EXTENSIONS : ALLOWED_MIMES;
    const found = allowed.filter((text) => text.includes(q)).slice(0, size);
    sendPlain(found.map((text) => ({ text })).sort((a, b) => a.text.length - b.text.length));
  } else if ((m = /^\/api\/1\/datasets\/r\/([^/]+)\/?$/.exec(path))) {
    const found = findResource(store, m[1]);
    if (!found) throw new MainError(404, "Resource not found");
    const location = String(found.resource.url).trim().replaceAll(SANDBOX_ORIGIN, request.origin);
    request.res.writeHead(302, { location });
    request.res.end();
  } else if (path === "/api/1/datasets/community_resources/") {
    const [datasetId, organization, owner] = ["dataset", "organization", "owner"].map((name) => one(url, name));
    const resources = store
      .all("datasets")
      .filter((d) => !datasetId || d.id === datasetId)
      .flatMap((d) => (d.community_resources ?? []).map((r: Doc) => ({ dataset: d.id, ...r })))
      .filter((r: Doc) => (!organization || r.organization?.id === organization) && (!owner || r.owner?.id === owner));
    const newest = sortDocs(resources, one(url, "sort") ?? "-created_at_internal", {
      created_at_internal: (r) => r.created_at_internal ?? r.created_at,
      created_at: (r) => r.created_at ?? r.created_at_internal,
    });
    send(envelope(request, newest, paging(url)), communityResourcePage);
  } else if ((m = /^\/api\/1\/datasets\/community_resources\/([^/]+)\/$/.exec(path))) {
    const found = findResource(store, m[1]);
    const resource = found?.dataset.community_resources?.find((r: Doc) => r.id === m![1]);
    if (!resource) throw new MainError(404, NOT_FOUND);
    send({ dataset: found!.dataset.id, ...resource }, models.communityResource);
  } else if ((m = /^\/api\/2\/datasets\/resources\/([^/]+)\/$/.exec(path))) {
    const found = findResource(store, m[1]);
    if (!found)
      throw new MainError(
        404,
        `Resource does not exist. You have requested this URI [${path}] but did you mean /api/2/datasets/resources/<uuid:rid>/ ?`,
      );
    // udata marshals this one itself (no X-Fields): the resource and its dataset's id
    const context = { store, viewer, fullObjects: false };
    sendPlain({ resource: models.marshal(found.resource, models.resource, context), dataset_id: found.dataset.id });
  } else if ((m = /^\/api\/1\/datasets\/([^/]+)\/resources\/([^/]+)\/$/.exec(path))) {
    const resource = (dataset(m[1]).resources ?? []).find((r: Doc) => r.id === m![2]);
    if (!resource) throw new MainError(404, "Resource does not exist");
    send(resource, models.resource);
  } else if ((m = /^\/api\/2\/datasets\/([^/]+)\/resources\/$/.exec(path))) {
    send(resourcesPage(ctx, dataset(m[1])), resourcePage);
  } else if ((m = /^\/api\/1\/datasets\/([^/]+)\/$/.exec(path))) {
    send(dataset(m[1]), models.dataset);
  } else if ((m = /^\/api\/2\/datasets\/([^/]+)\/$/.exec(path))) {
    send(dataset(m[1]), models.datasetV2);
  } else {
    return false;
  }
  return true;
}

/**
 * udata/core/dataset/apiv2.py ResourcesAPI: the dataset's resources filtered by type and title, its links written by
 * hand (`?page=…&page_size=…&type=…&q=…`, the values as given).
 */
function resourcesPage({ request }: ReadContext, dataset: Doc): Doc {
  const { url } = request;
  const { page, pageSize } = paging(url, 50);
  const type = one(url, "type");
  const q = one(url, "q");
  const resources = (dataset.resources ?? []).filter(
    (r: Doc) =>
      (!type || r.type === type) &&
      (!q ||
        String(r.title ?? "")
          .toLowerCase()
          .includes(q.toLowerCase())),
  );
  const base = `${SANDBOX_ORIGIN}/api/2/datasets/${dataset.id}/resources/`;
  const link = (p: number) =>
    `${base}?page=${p}&page_size=${pageSize}${type ? `&type=${type}` : ""}${q ? `&q=${q}` : ""}`;
  return {
    data: resources.slice((page - 1) * pageSize, page * pageSize),
    next_page: page * pageSize < resources.length ? link(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page: page > 1 ? link(page - 1) : null,
    total: resources.length,
  };
}
