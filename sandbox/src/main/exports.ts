import type { SandboxRequest } from "../types.ts";
import { write } from "../respond.ts";
import { filterDatasets, filterDataservices, filterOrganizations, filterReuses } from "./read.ts";
import type { MainStore } from "./store.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";
import type { ExportFiles } from "./export-files.ts";

/**
 * The site-wide catalog exports in udata's CSV format: `;`-separated, every field quoted, columns as its csv adapters
 * name them (udata/core/{dataset,organization,reuse,dataservices}/csv.py), Python's True/False, None empty.
 */

type Field = [string, (doc: Doc) => unknown];

const value = (path: string) => (doc: Doc) =>
  path.split(".").reduce<any>((o, k) => (o === null || o === undefined ? undefined : o[k]), doc);
const field = (name: string, getter?: (doc: Doc) => unknown): Field => [name, getter ?? value(name)];
const metrics = (keys: string[]): Field[] =>
  keys.map((key) => [`metric.${key}`, (doc: Doc) => doc.metrics?.[key] ?? 0]);

const DATASET_FIELDS: Field[] = [
  field("id"),
  field("title"),
  field("slug"),
  field("acronym"),
  field("url", (d) => d.page),
  field("organization", value("organization.name")),
  field("organization_id", value("organization.id")),
  field("description"),
  field("frequency"),
  field("license"),
  field("temporal_coverage.start"),
  field("temporal_coverage.end"),
  field("spatial.granularity"),
  field("spatial.zones", (d) => (d.spatial?.zones ?? []).join(",")),
  field("private"),
  field("featured", (d) => d.featured ?? false),
  field("created_at"),
  field("last_modified"),
  field("tags", (d) => (d.tags ?? []).join(",")),
  field("archived", (d) => !!d.archived),
  field("resources_count", (d) => (d.resources ?? []).length),
  field("harvest.backend"),
  field("harvest.domain"),
  field("harvest.created_at"),
  field("harvest.last_modified"),
  field("quality_score", (d) => (d.quality?.score ?? 0).toFixed(2)),
  ...metrics(["discussions", "reuses", "followers", "views", "resources_downloads"]),
];

const RESOURCE_DATASET_FIELDS: Field[] = [
  field("dataset.id", value("id")),
  field("dataset.title", value("title")),
  field("dataset.slug", value("slug")),
  field("dataset.url", (d) => d.page),
  field("dataset.organization", value("organization.name")),
  field("dataset.organization_id", value("organization.id")),
  field("dataset.license", value("license")),
  field("dataset.private", (d) => !!d.private),
];
const RESOURCE_FIELDS: Field[] = [
  field("id"),
  field("url"),
  field("title"),
  field("description"),
  field("filetype"),
  field("format"),
  field("mime"),
  field("filesize"),
  field("checksum.type"),
  field("checksum.value"),
  field("created_at"),
  field("modified", value("last_modified")),
  field("downloads", (r) => r.metrics?.views ?? 0),
  field("harvest.created_at"),
  field("harvest.last_modified"),
];

const ORGANIZATION_FIELDS: Field[] = [
  field("id"),
  field("name"),
  field("acronym"),
  field("slug"),
  field("url", (o) => o.page),
  field("description"),
  field("logo"),
  field("badges", (o) => (o.badges ?? []).map((b: Doc) => b.kind).join(",")),
  field("created_at"),
  field("last_modified"),
  field("business_number_id"),
  ...metrics(["datasets", "reuses", "dataservices", "followers", "members", "views"]),
];

const REUSE_FIELDS: Field[] = [
  field("id"),
  field("title"),
  field("slug"),
  field("url", (r) => r.page),
  field("type"),
  field("description"),
  field("remote_url", value("url")),
  field("organization", value("organization.name")),
  field("organization_id", value("organization.id")),
  field("owner", value("owner.slug")),
  field("owner_id", value("owner.id")),
  field("image"),
  field("featured", (r) => r.featured ?? false),
  field("created_at"),
  field("last_modified"),
  field("archived", (r) => !!r.archived),
  field("topic"),
  field("tags", (r) => (r.tags ?? []).join(",")),
  field("datasets", (r) => (r.datasets ?? []).map((d: Doc | string) => (typeof d === "string" ? d : d.id)).join(",")),
  ...metrics(["discussions", "datasets", "followers", "views"]),
];

const DATASERVICE_FIELDS: Field[] = [
  field("id"),
  field("title"),
  field("slug"),
  field("acronym"),
  field("url", (s) => s.self_web_url),
  field("organization", value("organization.name")),
  field("organization_id", value("organization.id")),
  field("owner", value("owner.slug")),
  field("owner_id", value("owner.id")),
  field("description"),
  field("base_api_url"),
  field("machine_documentation_url"),
  field("technical_documentation_url"),
  field("business_documentation_url"),
  field("authorization_request_url"),
  field("availability"),
  field("access_type"),
  field("license"),
  field("private", (s) => !!s.private),
  field("created_at"),
  field("metadata_modified_at"),
  field("archived_at"),
  field("tags", (s) => (s.tags ?? []).join(",")),
  field("datasets", (s) => (s.dataset_ids ?? []).join(",")),
  ...metrics(["discussions", "followers", "views"]),
];

export const EXPORTS = ["datasets", "resources", "organizations", "reuses", "dataservices"] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  const text = typeof value === "boolean" ? (value ? "True" : "False") : String(value);
  return `"${text.replaceAll('"', '""')}"`;
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
  const etag = `W/"${kind}-${store.changedAt.getTime().toString(16)}"`;
  const lastModified = store.changedAt.toUTCString();
  const since = request.req.headers["if-modified-since"];
  if (
    request.req.headers["if-none-match"] === etag ||
    (!request.req.headers["if-none-match"] && since && Date.parse(since) >= store.changedAt.getTime())
  ) {
    res.writeHead(304, { etag, "last-modified": lastModified });
    res.end();
    return;
  }
  res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename=${kind}.csv`,
    etag,
    "last-modified": lastModified,
  });
  const path = files && request.url.search === "" ? files.path(kind, store.changedAt, request.origin) : undefined;
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
      const head = RESOURCE_DATASET_FIELDS.map(([, get]) => get(dataset));
      for (const resource of dataset.resources ?? [])
        if (!(await emit(line([...head, ...RESOURCE_FIELDS.map(([, get]) => get(resource))])))) return;
    }
  } else {
    const fields = {
      datasets: DATASET_FIELDS,
      organizations: ORGANIZATION_FIELDS,
      reuses: REUSE_FIELDS,
      dataservices: DATASERVICE_FIELDS,
    }[kind];
    await emit(line(fields.map(([name]) => name)));
    for (const doc of docs) if (!(await emit(line(fields.map(([, get]) => get(doc)))))) return;
  }
  if (!(await flush())) return;
  await copy?.done();
  res.end();
}
