import { MainError, NOT_FOUND, reply } from "./respond.ts";
import { found, kind, type Call, type RouteSpec } from "./routing.ts";
import { SANDBOX_ORIGIN, type Doc, type Kind } from "./seed.ts";

/** Atom feeds of the newest objects, the CSV exports beyond the site-wide five, and the zones' extra reads. */

const xml = (text: unknown) =>
  String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

function atom(call: Call, collection: Kind, title: string): void {
  const newest = call.ctx.store
    .all(collection)
    .filter((d) => !d.private && !d.deleted && !d.deleted_at && (collection !== "posts" || d.published !== null))
    .sort((a, b) => (String(a.created_at) < String(b.created_at) ? 1 : -1))
    .slice(0, 20);
  const self = `${SANDBOX_ORIGIN}/api/1/${collection}/recent.atom`;
  const entries = newest.map(
    (d) => `  <entry>
    <id>${xml(d.page ?? d.uri ?? d.id)}</id>
    <title>${xml(d.title ?? d.name)}</title>
    <link href="${xml(d.page ?? d.uri ?? "")}"/>
    <updated>${xml(d.last_modified ?? d.created_at)}</updated>
    <published>${xml(d.created_at)}</published>
    <summary type="text">${xml(String(d.description ?? d.headline ?? "").slice(0, 500))}</summary>
  </entry>\n`,
  );
  const text = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${self}</id>
  <title>${xml(title)}</title>
  <link rel="self" href="${self}"/>
  <updated>${xml(newest[0]?.last_modified ?? newest[0]?.created_at ?? new Date(0).toISOString())}</updated>
${entries.join("")}</feed>
`.replaceAll(SANDBOX_ORIGIN, call.request.origin);
  call.request.res.writeHead(200, {
    "content-type": "application/atom+xml; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  call.request.res.end(text);
}

/** udata's CSV adapters: `;`-separated, every field quoted. */
function csv(call: Call, name: string, columns: string[], rows: unknown[][]): void {
  const cell = (v: unknown) => `"${String(v ?? "").replaceAll('"', '""')}"`;
  const text = [columns, ...rows].map((row) => row.map(cell).join(";")).join("\r\n") + "\r\n";
  call.request.res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename=${name}`,
    "content-length": Buffer.byteLength(text),
  });
  call.request.res.end(text);
}

const ofOrg = (call: Call, collection: Kind) => {
  const org = found(call.ctx, "organizations", call.params[0]);
  return {
    org,
    docs: call.ctx.store.all(collection).filter((d) => d.organization?.id === org.id && !d.private && !d.deleted),
  };
};

async function zoneFeature(call: Call, id: string): Promise<Doc> {
  const response = await fetch(`${call.request.origin}/api/1/spatial/zones/${encodeURIComponent(id)}/`);
  if (!response.ok) throw new MainError(404, NOT_FOUND);
  return (await response.json()).features[0];
}

export const FEED_ROUTES: RouteSpec[] = [
  ["GET", "/api/1/datasets/recent.atom", (call) => atom(call, "datasets", "Recently updated datasets")],
  ["GET", "/api/1/reuses/recent.atom", (call) => atom(call, "reuses", "Recent reuses")],
  ["GET", "/api/1/dataservices/recent.atom", (call) => atom(call, "dataservices", "Recent dataservices")],
  ["GET", "/api/1/posts/recent.atom", (call) => atom(call, "posts", "Recent posts")],
  [
    "GET",
    "/api/1/organizations/{}/datasets.csv",
    (call) => {
      const { docs } = ofOrg(call, "datasets");
      csv(
        call,
        "datasets.csv",
        ["id", "title", "slug", "url", "license", "created_at", "last_modified", "tags"],
        docs.map((d) => [
          d.id,
          d.title,
          d.slug,
          d.page,
          d.license,
          d.created_at,
          d.last_modified,
          (d.tags ?? []).join(","),
        ]),
      );
    },
  ],
  [
    "GET",
    "/api/1/organizations/{}/dataservices.csv",
    (call) => {
      const { docs } = ofOrg(call, "dataservices");
      csv(
        call,
        "dataservices.csv",
        ["id", "title", "slug", "base_api_url", "created_at"],
        docs.map((d) => [d.id, d.title, d.slug, d.base_api_url, d.created_at]),
      );
    },
  ],
  [
    "GET",
    "/api/1/organizations/{}/datasets-resources.csv",
    (call) => {
      const { docs } = ofOrg(call, "datasets");
      const rows = docs.flatMap((d) =>
        (d.resources ?? []).map((r: Doc) => [d.id, d.title, r.id, r.title, r.url, r.format, r.filesize]),
      );
      csv(
        call,
        "datasets-resources.csv",
        ["dataset.id", "dataset.title", "id", "title", "url", "format", "filesize"],
        rows,
      );
    },
  ],
  [
    "GET",
    "/api/1/organizations/{}/discussions.csv",
    (call) => {
      const { docs } = ofOrg(call, "datasets");
      const ids = new Set(docs.map((d) => d.id));
      const rows = call.ctx.store
        .all("discussions")
        .filter((d) => ids.has(d.subject?.id))
        .map((d) => [d.id, d.title, d.subject.id, d.created, d.closed]);
      csv(call, "discussions.csv", ["id", "title", "subject.id", "created", "closed"], rows);
    },
  ],
  [
    "GET",
    "/api/1/site/harvests.csv",
    (call) => {
      const rows = call.ctx.store
        .all(kind("harvest_sources"))
        .map((s) => [s.id, s.name, s.url, s.backend, s.organization?.id, s.validation?.state, s.created_at]);
      csv(call, "harvests.csv", ["id", "name", "url", "backend", "organization.id", "validation", "created_at"], rows);
    },
  ],
  [
    "GET",
    "/api/1/site/tags.csv",
    (call) => {
      const counts = new Map<string, number>();
      for (const d of call.ctx.store.all("datasets"))
        for (const t of d.tags ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
      csv(
        call,
        "tags.csv",
        ["name", "datasets"],
        [...counts].sort((a, b) => b[1] - a[1]),
      );
    },
  ],
  ["GET", "/api/1/spatial/zone/{}/", async (call) => reply(call.request, 200, await zoneFeature(call, call.params[0]))],
  [
    "GET",
    "/api/1/spatial/zone/{}/datasets/",
    async (call) => {
      await zoneFeature(call, call.params[0]);
      const size = Number(call.request.url.searchParams.get("size") ?? 25);
      const hits = call.ctx.store
        .all("datasets")
        .filter((d) => !d.private && (d.spatial?.zones ?? []).includes(call.params[0]));
      reply(call.request, 200, hits.slice(0, size));
    },
  ],
  [
    "GET",
    "/api/1/spatial/coverage/{}/",
    async (call) => {
      const level = call.params[0];
      const counts = new Map<string, number>();
      for (const d of call.ctx.store.all("datasets"))
        for (const z of d.spatial?.zones ?? [])
          if (String(z).startsWith(`${level}:`)) counts.set(z, (counts.get(z) ?? 0) + 1);
      const features = [];
      for (const [id, datasets] of counts) {
        const zone = await zoneFeature(call, id);
        features.push({ ...zone, properties: { ...zone.properties, datasets } });
      }
      reply(call.request, 200, { type: "FeatureCollection", features });
    },
  ],
];
