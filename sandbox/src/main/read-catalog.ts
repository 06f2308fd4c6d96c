import {
  all,
  DATASET_SORTS,
  filterDataservices,
  filterOrganizations,
  filterReuses,
  flag,
  matchesQuery,
  NEWEST_FIRST,
  one,
  publiclyVisible,
  required,
} from "./filters.ts";
import * as models from "./marshal/index.ts";
import { BADGES, REUSE_TOPICS, REUSE_TYPES } from "./marshal/vocabulary.ts";
import { searchWindow, SUGGEST_HELP, type ReadContext } from "./read-context.ts";
import { envelope, MainError, paging, sortDocs } from "./respond.ts";
import type { Doc } from "./seed.ts";
import { allZones, LEVELS, zoneId } from "./zones.ts";

/** The Main API's other reads: organizations, users, reuses, dataservices, discussions, topics, posts, the site. */

const organizationPage = models.pager(models.organization);
const reusePage = models.pager(models.reuse, { mask: models.REUSE_PAGE_MASK });
const reuseSearchPage = models.pager(models.reuse, { facets: true });
const dataservicePage = models.pager(models.dataservice);
const dataserviceSearchPage = models.pager(models.dataservice, { facets: true });
const discussionPage = models.pager(models.discussion);
const topicPage = models.pager(models.topic);
const topicSearchPage = models.pager(models.topic, { facets: true });
const elementPage = models.pager(models.topicElement);
const postPage = models.pager(models.post, { mask: models.POST_PAGE_MASK });
const datasetPage = models.pager(models.dataset);
const organizationSearchPage = models.pager(models.organization, { facets: true });

/** The search endpoints answer pages past the end with an empty list, and their facets. */
function searchPage(ctx: ReadContext, docs: Doc[], extra: Doc = { facets: {} }): Doc {
  const pages = paging(ctx.request.url);
  searchWindow(pages.page, pages.pageSize);
  return envelope(ctx.request, docs, pages, extra, false);
}

const labelled = (pairs: [string, string][]) => pairs.map(([id, label]) => ({ id, label }));

export function handleCatalogRead(ctx: ReadContext): boolean {
  const { store, request, send, sendPlain, get, canEdit } = ctx;
  const { path, url } = request;
  const v1 = path.startsWith("/api/1/");
  let m: RegExpExecArray | null;

  if (path === "/api/1/organizations/" || path === "/api/2/organizations/search/") {
    const counted = (o: Doc) =>
      store.all("datasets").filter((d) => d.organization?.id === o.id && !d.private && !d.deleted).length;
    const orgs = sortDocs(filterOrganizations(store, url), one(url, "sort"), {
      name: (o) => o.name?.toLowerCase(),
      datasets: counted,
      created: (o) => o.created_at,
      last_modified: (o) => o.last_modified,
      followers: (o) => o.metrics?.followers ?? 0,
      views: (o) => o.metrics?.views ?? 0,
      reuses: (o) => o.metrics?.reuses ?? 0,
    });
    if (v1) send(envelope(request, orgs, paging(url)), organizationPage);
    else send(searchPage(ctx, orgs), organizationSearchPage);
  } else if (path === "/api/1/organizations/suggest/") {
    const q = required(url, "q", SUGGEST_HELP);
    const size = Number(one(url, "size") ?? 10);
    send(
      store
        .all("organizations")
        .filter((o) => !o.deleted && matchesQuery(o, q))
        .slice(0, size),
      models.organizationSuggestion,
    );
  } else if (path === "/api/1/organizations/badges/") {
    sendPlain(BADGES.organizations);
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/datasets\/$/.exec(path))) {
    const org = get("organizations", m[1]);
    // its members see its drafts too
    const datasets = store
      .all("datasets")
      .filter((d) => d.organization?.id === org.id && !d.deleted && (!d.private || canEdit(d)));
    send(
      envelope(request, sortDocs(datasets, one(url, "sort") ?? NEWEST_FIRST, DATASET_SORTS), paging(url)),
      datasetPage,
    );
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/reuses\/$/.exec(path))) {
    const org = get("organizations", m[1]);
    send(
      store.all("reuses").filter((r) => r.organization?.id === org.id && !r.deleted),
      models.reuse,
    );
  } else if ((m = /^\/api\/1\/organizations\/([^/]+)\/$/.exec(path))) {
    send(
      get("organizations", m[1], (o) => !!o.deleted),
      models.organization,
    );
  } else if (path === "/api/1/users/suggest/") {
    const q = required(url, "q", SUGGEST_HELP).toLowerCase();
    const size = Number(one(url, "size") ?? 10);
    if (!Number.isInteger(size) || size < 1 || size > 20)
      throw new MainError(400, "Input payload validation failed", {
        size: "The amount of suggestion to fetch (between 1 and 20) The size must be an integer between 1 and 20.",
      });
    const users = store.all("users").filter((u) => `${u.first_name} ${u.last_name}`.toLowerCase().includes(q));
    send(users.slice(0, size), models.userSuggestion);
  } else if ((m = /^\/api\/1\/users\/([^/]+)\/$/.exec(path)) && m[1] !== "me") {
    send(get("users", m[1]), models.user);
  } else if (path === "/api/1/reuses/" || path === "/api/2/reuses/search/") {
    const reuses = sortDocs(filterReuses(store, url), one(url, "sort"), {
      title: (r) => r.title,
      created: (r) => r.created_at,
      views: (r) => r.metrics?.views ?? 0,
      followers: (r) => r.metrics?.followers ?? 0,
      datasets: (r) => (r.datasets ?? []).length,
      last_modified: (r) => r.last_modified,
    });
    if (v1) send(envelope(request, reuses, paging(url)), reusePage);
    else send(searchPage(ctx, reuses), reuseSearchPage);
  } else if (path === "/api/1/reuses/types/") {
    send(labelled(REUSE_TYPES), models.labelled);
  } else if (path === "/api/1/reuses/topics/") {
    send(labelled(REUSE_TOPICS), models.labelled);
  } else if (path === "/api/1/reuses/badges/") {
    sendPlain(BADGES.reuses);
  } else if (path === "/api/1/reuses/suggest/") {
    const q = required(url, "q", SUGGEST_HELP);
    const size = Number(one(url, "size") ?? 10);
    send(filterReuses(store, new URL(`?q=${encodeURIComponent(q)}`, url)).slice(0, size), models.reuseSuggestion);
  } else if ((m = /^\/api\/1\/reuses\/([^/]+)\/$/.exec(path))) {
    send(
      get("reuses", m[1], (r) => !!r.deleted),
      models.reuse,
    );
  } else if (path === "/api/1/dataservices/" || path === "/api/2/dataservices/search/") {
    const services = filterDataservices(store, url);
    if (v1) send(envelope(request, services, paging(url)), dataservicePage);
    else send(searchPage(ctx, services), dataserviceSearchPage);
  } else if (path === "/api/1/dataservices/badges/") {
    sendPlain(BADGES.dataservices);
  } else if ((m = /^\/api\/1\/dataservices\/([^/]+)\/$/.exec(path))) {
    send(
      get("dataservices", m[1], (s) => !!s.deleted_at),
      models.dataservice,
    );
  } else if ((m = /^\/sandbox\/openapi\/([^/]+)\.json$/.exec(path))) {
    const service = get("dataservices", m[1]);
    sendPlain({
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
    const sorted = sortDocs(discussions, one(url, "sort") ?? "-created", {
      created: (d) => d.created,
      "discussion.posted_on": (d) => d.discussion?.at(-1)?.posted_on,
    });
    send(envelope(request, sorted, paging(url)), discussionPage);
  } else if ((m = /^\/api\/1\/discussions\/([^/]+)\/$/.exec(path))) {
    send(get("discussions", m[1]), models.discussion);
  } else if (path === "/api/2/topics/" || path === "/api/2/topics/search/") {
    const topics = store.all("topics").filter((t) => !t.private && matchesQuery(t, one(url, "q")));
    const sorted = sortDocs(topics, one(url, "sort") ?? (one(url, "q") ? null : "-created"), {
      created: (t) => t.created_at,
      last_modified: (t) => t.last_modified,
      name: (t) => t.name,
    });
    if (path === "/api/2/topics/") send(envelope(request, sorted, paging(url)), topicPage);
    else send(searchPage(ctx, sorted), topicSearchPage);
  } else if ((m = /^\/api\/2\/topics\/([^/]+)\/elements\/$/.exec(path))) {
    const topic = get("topics", m[1]);
    send(envelope(request, topic.element_list ?? [], paging(url), {}, false), elementPage);
  } else if ((m = /^\/api\/2\/topics\/([^/]+)\/$/.exec(path))) {
    send(get("topics", m[1]), models.topic);
  } else if (path === "/api/1/posts/") {
    const posts = store.all("posts").filter((p) => !!p.published || canEdit(p));
    const sorted = sortDocs(posts, one(url, "sort") ?? "-created_at", {
      created_at: (p) => p.created_at,
      name: (p) => p.name,
      headline: (p) => p.headline,
      published: (p) => p.published,
    });
    send(envelope(request, sorted, paging(url)), postPage);
  } else if ((m = /^\/api\/1\/posts\/([^/]+)\/$/.exec(path))) {
    send(get("posts", m[1]), models.post);
  } else if (path === "/api/1/site/") {
    send(siteOf(ctx), models.site);
  } else if (path === "/api/1/tags/suggest/") {
    // udata/core/tags/api.py: the slugified query within tag names, 8 by default, shortest first
    const q = required(url, "q", SUGGEST_HELP).toLowerCase();
    const size = Number(one(url, "size") ?? 8);
    const tags = [...new Set(store.all("datasets").flatMap((d) => d.tags ?? []))].filter((t) => t.includes(q)).sort();
    sendPlain(
      tags
        .slice(0, size)
        .map((text) => ({ text }))
        .sort((a, b) => a.text.length - b.text.length),
    );
  } else if (path === "/api/1/spatial/levels/") {
    send(
      LEVELS.map(({ id, name }) => ({ id, name })),
      models.level,
    );
  } else if (path === "/api/1/spatial/granularities/") {
    send(models.GRANULARITIES, models.level);
  } else if (path === "/api/1/spatial/zones/suggest/") {
    // udata/core/spatial/api.py SuggestZonesAPI: name, code or id containing the query, coarsest levels first
    const q = required(url, "q", SUGGEST_HELP).toLowerCase();
    const size = Number(one(url, "size") ?? 10);
    const rank = new Map(LEVELS.map((l) => [l.id, l.adminLevel]));
    const found = [...allZones().values()]
      .filter((z) => z.name.toLowerCase().includes(q) || z.code.toLowerCase().includes(q) || z.id.includes(q))
      .sort((a, b) => (rank.get(a.level) ?? 100) - (rank.get(b.level) ?? 100))
      .slice(0, size);
    send(found, models.zoneSuggestion);
  } else if ((m = /^\/api\/1\/spatial\/zones\/([^/]+)\/$/.exec(path))) {
    const ids = decodeURIComponent(m[1]).split(",").map(zoneId);
    const zones = ids.map((id) => allZones().get(id));
    if (zones.some((z) => z === undefined)) throw new MainError(404, "Not Found");
    send({ type: "FeatureCollection", features: zones.map((z) => models.zoneFeature(z!)) }, models.featureCollection);
  } else if ((m = /^\/api\/1\/spatial\/zone\/([^/]+)\/$/.exec(path))) {
    const zone = allZones().get(zoneId(decodeURIComponent(m[1])));
    if (!zone) throw new MainError(404, "Not Found");
    sendPlain(models.zoneFeature(zone));
  } else {
    return false;
  }
  return true;
}

/** The site with its counters as udata's `count_*` jobs keep them (udata/core/site/models.py). */
function siteOf({ store }: ReadContext): Doc {
  const site = store.all("site")[0] ?? { id: "data.gouv.fr", title: "data.gouv.fr" };
  const datasets = store.all("datasets").filter(publiclyVisible);
  const reuses = store.all("reuses").filter((r) => !r.private && !r.deleted && (r.datasets ?? []).length > 0);
  const organizations = store.all("organizations").filter((o) => !o.deleted);
  return {
    ...site,
    metrics: {
      ...site.metrics,
      datasets: datasets.length,
      resources: datasets.reduce((n, d) => n + (d.resources ?? []).length, 0),
      reuses: reuses.length,
      dataservices: store.all("dataservices").filter((s) => !s.private && !s.deleted_at && !s.archived_at).length,
      organizations: organizations.length,
      "public-service": organizations.filter((o) => (o.badges ?? []).some((b: Doc) => b.kind === "public-service"))
        .length,
      discussions: store.all("discussions").length,
      followers: store.all("follows").length,
      users: store.all("users").length,
    },
  };
}
