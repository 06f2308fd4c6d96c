import { mayEdit, unauthenticated, type Account } from "./accounts.ts";
import { formatFamily } from "./marshal/vocabulary.ts";
import { MainError } from "./respond.ts";
import type { MainStore } from "./store.ts";
import type { Doc } from "./seed.ts";

/** The list filters of udata's parsers (DatasetApiParser, the search adapters) over the store. */

/** Elasticsearch's max_result_window (udata/search/query.py ES_MAX_RESULT_WINDOW). */
export const SEARCH_WINDOW = 10_000;

const text = (doc: Doc) =>
  `${doc.title ?? doc.name ?? ""} ${doc.acronym ?? ""} ${doc.description ?? ""} ${(doc.tags ?? []).join(" ")}`.toLowerCase();
export const matchesQuery = (doc: Doc, q: string | null) =>
  !q ||
  q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text(doc).includes(word));
export const all = (url: URL, name: string) => url.searchParams.getAll(name).filter((v) => v !== "");
export const one = (url: URL, name: string) => url.searchParams.get(name) || null;

/** A required argument, as flask-restx's reqparse words its absence: the argument's help, then the reason. */
export const required = (url: URL, name: string, help: string) => {
  const value = one(url, name);
  if (value === null)
    throw new MainError(400, "Input payload validation failed", {
      [name]: `${help} Missing required parameter in the query string`,
    });
  return value;
};
export const flag = (url: URL, name: string) => {
  const value = one(url, name);
  return value === null ? null : ["true", "1", "yes", "on"].includes(value.toLowerCase());
};

export const DATASET_SORTS: Record<string, (doc: Doc) => unknown> = {
  title: (d) => d.title?.toLowerCase(),
  created: (d) => d.created_at,
  last_update: (d) => d.last_update,
  reuses: (d) => d.metrics?.reuses ?? 0,
  followers: (d) => d.metrics?.followers ?? 0,
  views: (d) => d.metrics?.views ?? 0,
};
// the search index has no title sort
export const { title: _title, ...SEARCH_SORTS } = DATASET_SORTS;
/** Both answer newest first unless told otherwise (udata's DEFAULT_SORTING, `-created_at_internal`). */
export const NEWEST_FIRST = "-created";

const isObjectId = (value: string) => /^[0-9a-f]{24}$/i.test(value);
export const publiclyVisible = (d: Doc) => !d.private && !d.archived && !d.deleted;

/**
 * Who asks and through which API. v1 lists what the caller may see (udata's `visible_by_user`: public datasets, plus
 * every dataset of the caller's organizations, drafts and deleted ones included) and refuses the archived, deleted and
 * private filters to anonymous callers; the v2 search only knows public datasets, as its index does.
 */
export interface DatasetScope {
  viewer?: Account | undefined;
  /** "export": the site-wide CSV exports, public datasets through DatasetApiParser's filters. */
  api: "v1" | "v2" | "export";
}

type Filter = [name: string, test: (d: Doc, value: string, store: MainStore) => boolean];

/**
 * DatasetApiParser's filters, and the search's filter each feeds (udata_search_service/search_clients.py
 * query_datasets: those with their own key are left out of their own facet; the others narrow every facet).
 */
const DATASET_FILTERS: (Filter | [...Filter, facet: string])[] = [
  ["license", (d, v) => d.license === v, "license"],
  ["organization", (d, v) => d.organization?.id === v || d.organization?.slug === v, "organization_id_with_name"],
  ["organization_name", (d, v) => (d.organization?.name ?? "").toLowerCase().includes(v.toLowerCase())],
  ["owner", (d, v) => d.owner?.id === v],
  ["format", (d, v) => formatsOf(d).includes(v.toLowerCase()), "format"],
  ["format_family", (d, v) => formatFamiliesOf(d).includes(v), "format_family"],
  ["badge", (d, v) => (d.badges ?? []).some((b: Doc) => b.kind === v), "badge"],
  ["organization_badge", (d, v) => (d.organization?.badges ?? []).some((b: Doc) => b.kind === v)],
  ["geozone", (d, v) => (d.spatial?.zones ?? []).includes(v), "geozone"],
  ["granularity", (d, v) => d.spatial?.granularity === v, "granularity"],
  ["temporal_coverage", (d, v) => withinCoverage(d, v)],
  ["schema", (d, v) => (d.resources ?? []).some((r: Doc) => r.schema?.name === v), "schema"],
  ["schema_version", (d, v) => (d.resources ?? []).some((r: Doc) => r.schema?.version === v)],
  ["access_type", (d, v) => (d.access_type ?? "open") === v, "access_type"],
  ["producer_type", (d, v) => producerTypes(d).includes(v), "producer_type"],
  ["last_update_range", (d, v) => recentEnough(d.last_update, v), "last_update_range"],
  ["reuse", (d, v, store) => store.find("reuses", v)?.datasets?.includes(d.id) ?? false],
  ["dataservice", (d, v, store) => store.find("dataservices", v)?.dataset_ids?.includes(d.id) ?? false],
  ["topic", (d, v, store) => topicsOf(store, d).includes(store.find("topics", v)?.id ?? v), "topics"],
];

/** The datasets a v1 list, v2 search or catalog export returns, filtered as DatasetApiParser and the search do. */
export function filterDatasets(store: MainStore, url: URL, scope: DatasetScope): Doc[] {
  const filters = activeFilters(store, url);
  return matchDatasets(store, url, scope).filter((d) => filters.every(({ test }) => test(d)));
}

interface ActiveFilter {
  /** The search's own key for it, if it has one. */
  facet?: string;
  test: (d: Doc) => boolean;
}

function activeFilters(store: MainStore, url: URL): ActiveFilter[] {
  return DATASET_FILTERS.flatMap(([name, test, facet]) => {
    const value = one(url, name);
    return value === null ? [] : [{ facet, test: (d: Doc) => test(d, value, store) }];
  });
}

/** The datasets a request's query, tags and access allow, before the other filters. */
function matchDatasets(store: MainStore, url: URL, scope: DatasetScope): Doc[] {
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
  const tags = all(url, "tag");
  const q = one(url, "q");
  return store.all("datasets").filter((d) => {
    if (!(scope.api === "v1" ? visible(d) : publiclyVisible(d))) return false;
    if (flags.archived !== null && !!d.archived !== flags.archived) return false;
    if (flags.deleted !== null && !!d.deleted !== flags.deleted) return false;
    if (flags.private !== null && !!d.private !== flags.private) return false;
    if (featured !== null && !!d.featured !== featured) return false;
    if (tags.length && !tags.every((t) => (d.tags ?? []).includes(t))) return false;
    return matchesQuery(d, q);
  });
}

export interface Bucket {
  name: string;
  count: number;
}

/** What each facet counts, per dataset, as the search index holds it (udata/core/dataset/search.py serialize). */
const FACETS: [name: string, values: (d: Doc, store: MainStore) => string[]][] = [
  ["format_family", (d) => formatFamiliesOf(d)],
  ["access_type", (d) => [d.access_type ?? "open"]],
  ["producer_type", (d) => producerTypes(d)],
  ["organization_id_with_name", (d) => (d.organization ? [`${d.organization.id}|${d.organization.name}`] : [])],
  ["last_update", () => []],
  ["tag", (d) => d.tags ?? []],
  ["license", (d) => (d.license ? [d.license] : [])],
  ["format", (d) => formatsOf(d)],
  ["schema", (d) => [...new Set((d.resources ?? []).map((r: Doc) => r.schema?.name).filter(Boolean))] as string[]],
  ["geozone", (d) => d.spatial?.zones ?? []],
  ["granularity", (d) => (d.spatial?.granularity ? [d.spatial.granularity] : [])],
  ["badge", (d) => (d.badges ?? []).map((b: Doc) => b.kind)],
  ["topics", (d, store) => topicsOf(store, d)],
];

/**
 * The v2 search's facets, each `[{name: "all", count}, …buckets]`: counted over the datasets the query matches and
 * every filter but the facet's own (the badge filter narrows none of them, as the search builds its aggregations);
 * terms buckets most frequent first, 50 at most; `last_update` as three date ranges.
 */
export function searchFacets(store: MainStore, url: URL): Record<string, Bucket[]> {
  const matched = matchDatasets(store, url, { api: "v2" });
  const filters = activeFilters(store, url);
  const facets: Record<string, Bucket[]> = {};
  for (const [name, values] of FACETS) {
    const own = name === "last_update" ? "last_update_range" : name;
    const narrowing = filters.filter((f) => f.facet !== own && f.facet !== "badge");
    const docs = matched.filter((d) => narrowing.every(({ test }) => test(d)));
    const buckets =
      name === "last_update"
        ? Object.keys(RANGES).map((range) => ({
            name: range,
            count: docs.filter((d) => recentEnough(d.last_update, range)).length,
          }))
        : countTerms(docs.map((d) => values(d, store)));
    facets[name] = [{ name: "all", count: docs.length }, ...buckets];
  }
  return facets;
}

function countTerms(perDoc: string[][]): Bucket[] {
  const counts = new Map<string, number>();
  for (const values of perDoc) for (const v of new Set(values)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, 50)
    .map(([name, count]) => ({ name, count }));
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
  const [dataset, organization, tag, type, topic] = ["dataset", "organization", "tag", "type", "topic"].map((name) =>
    one(url, name),
  );
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
        (!type || r.type === type) &&
        (!topic || r.topic === topic),
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

const formatsOf = (d: Doc): string[] =>
  [...new Set((d.resources ?? []).map((r: Doc) => String(r.format ?? "").toLowerCase()).filter(Boolean))] as string[];

/** udata/core/dataset/search.py _compute_format_family: the families of its resources' formats, or "other". */
const formatFamiliesOf = (d: Doc): string[] => {
  const families = new Set(formatsOf(d).map(formatFamily));
  return families.size ? [...families] : ["other"];
};

const PRODUCER_BADGES = ["public-service", "association", "company", "local-authority"];

/** udata/core/organization/helpers.py get_producer_type. */
function producerTypes(d: Doc): string[] {
  if (d.organization) {
    const kinds = (d.organization.badges ?? [])
      .map((b: Doc) => b.kind)
      .filter((k: string) => PRODUCER_BADGES.includes(k));
    return kinds.length ? kinds : ["not-specified"];
  }
  return d.owner ? ["user"] : [];
}

function topicsOf(store: MainStore, d: Doc): string[] {
  return store
    .all("topics")
    .filter((t) => (t.element_list ?? []).some((e: Doc) => e.element?.id === d.id))
    .map((t) => t.id);
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
