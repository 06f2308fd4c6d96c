import type { SandboxRequest } from "../types.ts";
import { write } from "../respond.ts";
import { filterDatasets, filterDataservices, filterOrganizations, filterReuses } from "./filters.ts";
import type { MainStore } from "./store.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";
import { naiveIsoDateTime, pyJson, pyRepr, pyStr } from "./marshal/format.ts";
import { LICENSES } from "./marshal/license.ts";
import { qualityOf } from "./marshal/quality.ts";
import { createdAt, lastModified } from "./marshal/resource.ts";
import { linkId, webUrl } from "./marshal/urls.ts";
import { frequencyOf } from "./marshal/vocabulary.ts";
import { allZones } from "./zones.ts";
import type { ExportFiles } from "./export-files.ts";

/**
 * The site-wide catalog exports as udata streams them (udata/core/csv.py): each model's CSV adapter's columns
 * (udata/core/{dataset,organization,reuse,dataservices}/csv.py) then a `metric.{key}` column per metrics key, `;`
 * separated, Python's csv writer with QUOTE_NONNUMERIC (text quoted, numbers and booleans not, None an empty quoted
 * field), values through `safestr` (dates as naive ISO datetimes, as MongoEngine hands them over).
 */

type Field = [string, (doc: Doc, store: MainStore) => unknown];

const value = (path: string) => (doc: Doc) =>
  path.split(".").reduce<any>((o, k) => (o === null || o === undefined ? undefined : o[k]), doc);
const field = (name: string, getter?: (doc: Doc, store: MainStore) => unknown): Field => [name, getter ?? value(name)];
const date = (path: string) => (doc: Doc) => naiveIsoDateTime(value(path)(doc));
const metrics = (keys: string[]): Field[] =>
  keys.map((key) => [`metric.${key}`, (doc: Doc) => doc.metrics?.[key] ?? 0]);
const joined = (values: unknown) => (Array.isArray(values) ? values.join(",") : "");
const licenceTitle = (d: Doc) => (d.license ? (LICENSES.find((l) => l.id === d.license)?.title ?? d.license) : null);

const DATASET_METRICS = [
  ...["discussions", "discussions_open", "reuses", "reuses_by_months", "dataservices", "followers"],
  ...["followers_by_months", "views", "resources_downloads"],
];

const DATASET_FIELDS: Field[] = [
  field("id"),
  field("title"),
  field("slug"),
  field("acronym"),
  field("url", (d) => webUrl(`datasets/${linkId(d)}`)),
  field("organization", value("organization.name")),
  field("organization_id", value("organization.id")),
  field("owner", value("owner.slug")),
  field("owner_id", value("owner.id")),
  field("description"),
  field("description_short"),
  field("frequency", (d) => (d.frequency ? frequencyOf(d.frequency) : null)),
  field("license", licenceTitle),
  field("temporal_coverage.start", date("temporal_coverage.start")),
  field("temporal_coverage.end", date("temporal_coverage.end")),
  field("spatial.granularity"),
  field("spatial.zones", (d) =>
    (d.spatial?.zones ?? []).length
      ? d.spatial.zones.map((id: string) => allZones().get(id)?.name ?? id).join(",")
      : null,
  ),
  field("spatial.geom", (d) => (d.spatial?.geom ? JSON.stringify(d.spatial.geom) : null)),
  field("featured", (d) => d.featured || false),
  field("created_at", (d) => naiveIsoDateTime(createdAt(d))),
  field("last_modified", (d) => naiveIsoDateTime(lastModified(d))),
  field("badges", (d) => joined((d.badges ?? []).map((b: Doc) => b.kind))),
  field("tags", (d) => joined(d.tags ?? [])),
  field("archived", (d) => naiveIsoDateTime(d.archived) || false),
  field("resources_count", (d) => (d.resources ?? []).length),
  field("main_resources_count", (d) => (d.resources ?? []).filter((r: Doc) => r.type === "main").length),
  field("resources_formats", (d) =>
    joined([...new Set((d.resources ?? []).map((r: Doc) => r.format).filter(Boolean))]),
  ),
  ...["backend", "domain", "remote_id", "remote_url", "uri"].map((key) => field(`harvest.${key}`)),
  ...["created_at", "issued_at", "modified_at", "last_update"].map((key) =>
    field(`harvest.${key}`, date(`harvest.${key}`)),
  ),
  field("harvest.dct_identifier"),
  field("quality_score", (d) => qualityOf(d).score.toFixed(2)),
  ...metrics(DATASET_METRICS),
];

const RESOURCE_DATASET_FIELDS: Field[] = [
  field("dataset.id", value("id")),
  field("dataset.title", value("title")),
  field("dataset.slug", value("slug")),
  field("dataset.url", (d) => webUrl(`datasets/${linkId(d)}`)),
  field("dataset.organization", value("organization.name")),
  field("dataset.organization_id", value("organization.id")),
  field("dataset.license", licenceTitle),
  field("dataset.private", (d) => d.private ?? false),
  field("dataset.archived", (d) => naiveIsoDateTime(d.archived) || false),
];
const RESOURCE_FIELDS: Field[] = [
  ...["id", "url", "title", "description", "filetype", "type", "format", "mime", "filesize"].map((key) => field(key)),
  field("checksum.type"),
  field("checksum.value"),
  field("created_at", (r) => naiveIsoDateTime(createdAt(r))),
  field("modified", (r) => naiveIsoDateTime(lastModified(r))),
  field("downloads", (r) => Math.trunc(r.metrics?.views ?? 0)),
  ...["issued_at", "modified_at", "last_update"].map((key) => field(`harvest.${key}`, date(`harvest.${key}`))),
  field("schema_name", value("schema.name")),
  field("schema_version", value("schema.version")),
  field("preview_url", (r) => r.preview_url || null),
  field("extras", (r) => pyJson(r.extras ?? {})),
];

const ORGANIZATION_FIELDS: Field[] = [
  field("id"),
  field("name"),
  field("acronym"),
  field("slug"),
  field("url", (o) => webUrl(`organizations/${linkId(o)}`)),
  field("description"),
  field("logo"),
  field("badges", (o) => joined((o.badges ?? []).map((b: Doc) => b.kind))),
  field("created_at", date("created_at")),
  field("last_modified", date("last_modified")),
  field("business_number_id"),
  field("members_count", (o) => (o.members ?? []).length),
  field("downloads", (o, store) =>
    store
      .all("datasets")
      .filter((d) => d.organization?.id === o.id && !d.private && !d.deleted && !d.archived)
      .reduce((n, d) => n + (d.metrics?.resources_downloads ?? 0), 0),
  ),
  ...metrics([
    ...["dataservices", "dataservices_by_months", "datasets", "datasets_by_months", "datasets_followers_by_months"],
    ...["datasets_reuses_by_months", "members", "reuses", "reuses_by_months", "reuses_followers_by_months"],
    ...["dataservices", "followers", "views"],
  ]),
];

const REUSE_FIELDS: Field[] = [
  field("id"),
  field("title"),
  field("slug"),
  field("url", (r) => webUrl(`reuses/${linkId(r)}`)),
  field("type"),
  field("description"),
  field("remote_url", value("url")),
  field("organization", value("organization.name")),
  field("organization_id", value("organization.id")),
  field("owner", value("owner.slug")),
  field("owner_id", value("owner.id")),
  field("image"),
  field("featured", (r) => r.featured || false),
  field("created_at", date("created_at")),
  field("last_modified", date("last_modified")),
  field("archived", (r) => naiveIsoDateTime(r.archived) || false),
  field("topic"),
  field("tags", (r) => joined(r.tags ?? [])),
  field("datasets", (r) => joined((r.datasets ?? []).map((d: Doc | string) => (typeof d === "string" ? d : d.id)))),
  ...metrics(["discussions", "discussions_open", "datasets", "followers", "followers_by_months", "views"]),
];

const DATASERVICE_FIELDS: Field[] = [
  field("id"),
  field("title"),
  field("slug"),
  field("acronym"),
  field("url", (s) => webUrl(`dataservices/${linkId(s)}`)),
  field("description"),
  field("base_api_url"),
  field("machine_documentation_url"),
  field("technical_documentation_url"),
  field("business_documentation_url"),
  field("authorization_request_url"),
  field("availability"),
  field("rate_limiting"),
  field("access_type"),
  field("license"),
  field("organization", value("organization.name")),
  field("organization_id", value("organization.id")),
  field("owner", value("owner.slug")),
  field("owner_id", value("owner.id")),
  field("featured", (s) => s.featured || false),
  field("created_at", date("created_at")),
  field("metadata_modified_at", date("metadata_modified_at")),
  field("archived", (s) => naiveIsoDateTime(s.archived_at) || false),
  field("tags", (s) => joined(s.tags ?? [])),
  field("datasets", (s) => joined(s.dataset_ids ?? [])),
  ...["backend", "domain", "remote_id", "remote_url", "uri"].map((key) => field(`harvest.${key}`)),
  ...["created_at", "issued_at", "modified_at", "last_update"].map((key) =>
    field(`harvest.${key}`, date(`harvest.${key}`)),
  ),
  ...metrics(["discussions", "discussions_open", "followers", "followers_by_months", "reuses", "views"]),
];

export const EXPORTS = ["datasets", "resources", "organizations", "reuses", "dataservices"] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return '""';
  if (typeof value === "boolean" || typeof value === "number") return pyStr(value);
  const text = typeof value === "string" ? value : pyRepr(value);
  return `"${text.replaceAll('"', '""')}"`;
}

/** udata/core/csv.py stream: the file is named after the model and the UTC minute it was made. */
function stamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", "-").replace(":", "-");
}

function line(values: unknown[]): string {
  return `${values.map(cell).join(";")}\r\n`;
}

/** What an export lists: with query arguments, the list filters of its kind (udata streams those; production redirects the bare URL to a nightly file). */
function exported(store: MainStore, url: URL, kind: (typeof EXPORTS)[number]): Doc[] {
  if (kind === "datasets" || kind === "resources") return filterDatasets(store, url, { api: "export" });
  return { organizations: filterOrganizations, reuses: filterReuses, dataservices: filterDataservices }[kind](
    store,
    url,
  );
}

export async function serveExport(
  store: MainStore,
  request: SandboxRequest,
  kind: (typeof EXPORTS)[number],
  files?: ExportFiles,
): Promise<void> {
  const { res } = request;
  const docs = exported(store, request.url, kind);
  const changedAt = store.lastModified();
  const state = `${changedAt.getTime().toString(16)}-${store.version.toString(16)}`;
  const etag = `W/"${kind}-${state}"`;
  const lastModified = changedAt.toUTCString();
  const since = request.req.headers["if-modified-since"];
  if (
    request.req.headers["if-none-match"] === etag ||
    (!request.req.headers["if-none-match"] && since && Date.parse(since) >= changedAt.getTime())
  ) {
    res.writeHead(304, { etag, "last-modified": lastModified });
    res.end();
    return;
  }
  res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename=${kind}-${stamp(new Date())}.csv`,
    etag,
    "last-modified": lastModified,
  });
  const path = files && request.url.search === "" ? files.path(kind, state, request.origin) : undefined;
  if (path && (await files!.serve(res, path))) return;
  const copy = path ? await files!.writer(path) : undefined;
  // lines go out in chunks of about 64 kB: a write a line costs more than making the line
  let pending: string[] = [];
  let size = 0;
  const flush = async () => {
    const chunk = pending.join("").replaceAll(SANDBOX_ORIGIN, request.origin);
    [pending, size] = [[], 0];
    await copy?.write(chunk);
    if (await write(res, chunk)) return true;
    await copy?.abandon();
    return false;
  };
  const emit = (text: string) => {
    pending.push(text);
    return (size += text.length) < 65_536 || flush();
  };
  if (kind === "resources") {
    await emit(line([...RESOURCE_DATASET_FIELDS, ...RESOURCE_FIELDS].map(([name]) => name)));
    for (const dataset of docs) {
      const head = RESOURCE_DATASET_FIELDS.map(([, get]) => get(dataset, store));
      for (const resource of dataset.resources ?? [])
        if (!(await emit(line([...head, ...RESOURCE_FIELDS.map(([, get]) => get(resource, store))])))) return;
    }
  } else {
    const fields = {
      datasets: DATASET_FIELDS,
      organizations: ORGANIZATION_FIELDS,
      reuses: REUSE_FIELDS,
      dataservices: DATASERVICE_FIELDS,
    }[kind];
    await emit(line(fields.map(([name]) => name)));
    for (const doc of docs) if (!(await emit(line(fields.map(([, get]) => get(doc, store)))))) return;
  }
  if (!(await flush())) return;
  await copy?.done();
  res.end();
}
