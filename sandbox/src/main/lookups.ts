import { deflateSync } from "node:zlib";
import { createHash } from "node:crypto";
import { envelope, MainError, NOT_FOUND, paging, reply } from "./respond.ts";
import { administrator, found, kind, type Call, type RouteSpec } from "./routing.ts";
import type { Doc, Kind } from "./seed.ts";

/** Reads over the catalog that udata answers from its own constants and collections (labels, lists, zones). */

const labels = (pairs: [string, string][]) => pairs.map(([id, label]) => ({ id, label }));

export const BADGES: Record<string, Record<string, string>> = {
  organizations: {
    "public-service": "Public service",
    certified: "Certified",
    "local-authority": "Local authority",
    company: "Company",
    association: "Association",
  },
  reuses: {},
};

const FOLLOWED: Record<string, Kind> = {
  datasets: "datasets",
  organizations: "organizations",
  reuses: "reuses",
  dataservices: "dataservices",
  users: "users",
};

function followers(call: Call, collection: string): void {
  const target = call.params[0];
  const list = call.ctx.store
    .all("follows")
    .filter((f) => f.following.kind === FOLLOWED[collection] && f.following.id === target)
    .map(({ id, follower, since }) => ({ id, follower, since }));
  reply(call.request, 200, envelope(call.request, list, paging(call.request.url), {}, false));
}

/** A deterministic identicon: a 5×5 mirrored pattern from the identifier's hash, as a PNG of the asked size. */
function identicon(identifier: string, size: number): Buffer {
  const hash = createHash("md5").update(identifier).digest();
  const cell = (x: number, y: number) => (hash[(y * 3 + Math.min(x, 4 - x)) % 16] & 1) === 1;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const on = cell(Math.floor((x * 5) / size), Math.floor((y * 5) / size));
      row.set(on ? [hash[0], hash[1], hash[2]] : [240, 240, 240], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

export const LOOKUP_ROUTES: RouteSpec[] = [
  // resource types, extensions, format and MIME suggestions: the marshalled reads answer them (read.ts)
  ["GET", "/api/1/organizations/badges/", (call) => reply(call.request, 200, BADGES.organizations)],
  ["GET", "/api/1/reuses/badges/", (call) => reply(call.request, 200, BADGES.reuses)],
  [
    "GET",
    "/api/1/organizations/roles/",
    (call) =>
      reply(
        call.request,
        200,
        labels([
          ["admin", "Administrator"],
          ["editor", "Editor"],
          ["partial_editor", "Partial editor"],
        ]),
      ),
  ],
  ["GET", "/api/1/users/roles/", (call) => reply(call.request, 200, labels([["admin", "Administrator"]]))],
  // reuse types and topics: the marshalled reads answer them (read-catalog.ts)
  [
    "GET",
    "/api/1/reuses/suggest/",
    (call) => {
      const q = (call.request.url.searchParams.get("q") ?? "").toLowerCase();
      const size = Number(call.request.url.searchParams.get("size") ?? 10);
      const hits = call.ctx.store.all("reuses").filter((r) => !r.deleted && String(r.title).toLowerCase().includes(q));
      reply(
        call.request,
        200,
        hits.slice(0, size).map((r) => ({ id: r.id, title: r.title, slug: r.slug, image_url: r.image ?? null })),
      );
    },
  ],
  [
    "GET",
    "/api/1/contacts/roles/",
    (call) =>
      reply(
        call.request,
        200,
        labels([
          ["contact", "Contact"],
          ["creator", "Creator"],
          ["publisher", "Publisher"],
          ["rightsHolder", "Rights holder"],
        ]),
      ),
  ],
  [
    "GET",
    "/api/1/access_type/reason_categories/",
    (call) =>
      reply(
        call.request,
        200,
        labels([
          ["personal_data", "Personal data"],
          ["security", "Security"],
          ["intellectual_property", "Intellectual property"],
          ["commercial_secret", "Commercial secret"],
          ["other", "Other"],
        ]),
      ),
  ],
  [
    "GET",
    "/api/1/reports/reasons/",
    (call) =>
      reply(
        call.request,
        200,
        labels([
          ["spam", "Spam"],
          ["illegal_content", "Illegal content"],
          ["others", "Others"],
        ]),
      ),
  ],
  ...Object.keys(FOLLOWED).map((c): RouteSpec => ["GET", `/api/1/${c}/{}/followers/`, (call) => followers(call, c)]),
  [
    "GET",
    "/api/1/users/",
    (call) => {
      administrator(call);
      const users = [...call.ctx.store.all("users"), ...call.ctx.accounts.map((a) => a.user)];
      reply(call.request, 200, envelope(call.request, users, paging(call.request.url), {}, false));
    },
  ],
  ...(["organizations", "users"] as const).map((owner): RouteSpec => [
    "GET",
    `/api/1/${owner}/{}/contacts/`,
    (call) => {
      const id = owner === "users" ? call.params[0] : found(call.ctx, "organizations", call.params[0]).id;
      const list = call.ctx.store
        .all(kind("contacts"))
        .filter((c) => (owner === "users" ? c.owner?.id : c.organization?.id) === id);
      reply(call.request, 200, envelope(call.request, list, paging(call.request.url), {}, false));
    },
  ]),
  [
    "GET",
    "/api/1/organizations/{}/contacts/suggest/",
    (call) => {
      const org = found(call.ctx, "organizations", call.params[0]);
      const q = (call.request.url.searchParams.get("q") ?? "").toLowerCase();
      const list = call.ctx.store
        .all(kind("contacts"))
        .filter((c) => c.organization?.id === org.id && String(c.name).toLowerCase().includes(q));
      reply(
        call.request,
        200,
        list.map(({ id, name, email, role }) => ({ id, name, email, role })),
      );
    },
  ],
  [
    "GET",
    "/api/1/organizations/{}/discussions/",
    (call) => {
      const org = found(call.ctx, "organizations", call.params[0]);
      const owned = new Set(
        (["datasets", "reuses", "dataservices"] as const).flatMap((k) =>
          call.ctx.store
            .all(k)
            .filter((d) => d.organization?.id === org.id)
            .map((d) => d.id),
        ),
      );
      reply(
        call.request,
        200,
        call.ctx.store.all("discussions").filter((d) => owned.has(d.subject?.id)),
      );
    },
  ],
  [
    "GET",
    "/api/1/activity/",
    (call) => {
      const q = call.request.url.searchParams;
      const list = call.ctx.store
        .all(kind("activities"))
        .filter(
          (a) =>
            (!q.get("user") || a.actor?.id === q.get("user")) &&
            (!q.get("organization") || a.organization?.id === q.get("organization")) &&
            (!q.get("related_to") || a.related_to_id === q.get("related_to")),
        )
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
      reply(call.request, 200, envelope(call.request, list, paging(call.request.url), {}, false));
    },
  ],
  [
    "GET",
    "/api/1/avatars/{}/{}/",
    (call) => {
      const size = Number(call.params[1]);
      if (!Number.isInteger(size) || size <= 0 || size > 500) throw new MainError(404, NOT_FOUND);
      const png = identicon(call.params[0], size);
      call.request.res.writeHead(200, { "content-type": "image/png", "content-length": png.length });
      call.request.res.end(png);
    },
  ],
];
