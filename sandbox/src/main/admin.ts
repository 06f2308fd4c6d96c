import { randomUUID } from "node:crypto";
import { envelope, MainError, NOT_FOUND, paging, reply } from "./respond.ts";
import {
  administrator,
  caller,
  found,
  kind,
  newId,
  noContent,
  required,
  type Call,
  type RouteSpec,
} from "./routing.ts";
import { userRef, type Doc, type Kind } from "./seed.ts";
import { now, readJson } from "./writing.ts";
import { BADGES } from "./lookups.ts";

/**
 * Administrators' routes (udata checks `admin_permission`): badges, featured flags, the site's settings, users, spam,
 * reports and editorial pages, and the workers' scheduled jobs. The key given as `KEY@admin` may call them.
 */

const DATASET_BADGES = ["pivotal-data", "spd", "hvd", "inspire"];
const BADGE_KINDS: Record<string, string[]> = {
  datasets: DATASET_BADGES,
  organizations: Object.keys(BADGES.organizations),
  reuses: Object.keys(BADGES.reuses),
};

function badges(collection: "datasets" | "organizations" | "reuses"): RouteSpec[] {
  return [
    [
      "POST",
      `/api/1/${collection}/{}/badges/`,
      async (call) => {
        const account = administrator(call);
        const doc = found(call.ctx, collection, call.params[0]);
        const body = await readJson(call.request);
        required(body, ["kind"]);
        if (!BADGE_KINDS[collection].includes(body.kind))
          throw new MainError(400, "Validation error", { kind: [`'${body.kind}' is not a valid choice.`] });
        const existing = (doc.badges ?? []).find((b: Doc) => b.kind === body.kind);
        if (existing) return reply(call.request, 200, existing);
        const badge = { kind: body.kind, created: now(), created_by: userRef(account.user) };
        await call.ctx.store.save(collection, { ...doc, badges: [...(doc.badges ?? []), badge] });
        reply(call.request, 201, badge);
      },
    ],
    [
      "DELETE",
      `/api/1/${collection}/{}/badges/{}/`,
      async (call) => {
        administrator(call);
        const doc = found(call.ctx, collection, call.params[0]);
        if (!(doc.badges ?? []).some((b: Doc) => b.kind === call.params[1]))
          throw new MainError(404, "Badge does not exists");
        await call.ctx.store.save(collection, {
          ...doc,
          badges: doc.badges.filter((b: Doc) => b.kind !== call.params[1]),
        });
        noContent(call);
      },
    ],
  ];
}

function featured(collection: Kind): RouteSpec[] {
  return (["POST", "DELETE"] as const).map((method) => [
    method,
    `/api/1/${collection}/{}/featured/`,
    async (call: Call) => {
      administrator(call);
      const doc = { ...found(call.ctx, collection, call.params[0]), featured: method === "POST" };
      await call.ctx.store.save(collection, doc);
      reply(call.request, 200, doc);
    },
  ]);
}

/** An administrator's edit of a stored object: its fields replaced by the body's, its id kept. */
export function adminEdit(method: "PUT" | "PATCH", path: string, name: Parameters<typeof kind>[0]): RouteSpec {
  return [
    method,
    path,
    async (call) => {
      administrator(call);
      const doc = found(call.ctx, name, call.params[0]);
      const updated = { ...doc, ...(await readJson(call.request)), id: doc.id, last_modified: now() };
      await call.ctx.store.save(kind(name), updated);
      reply(call.request, 200, updated);
    },
  ];
}

export function adminDelete(path: string, name: Parameters<typeof kind>[0]): RouteSpec {
  return [
    "DELETE",
    path,
    async (call) => {
      administrator(call);
      await call.ctx.store.remove(kind(name), found(call.ctx, name, call.params[0]).id);
      noContent(call);
    },
  ];
}

/** A stored collection an administrator keeps: list, create, get, and the edits udata declares for it. */
function adminCollection(
  base: string,
  name: Parameters<typeof kind>[0],
  fields: string[],
  opts: { readsPublic?: boolean; edit: "PUT" | "PATCH"; deletes?: boolean },
): RouteSpec[] {
  const check = (call: Call) => (opts.readsPublic ? undefined : administrator(call));
  return [
    [
      "GET",
      `${base}/`,
      (call) => {
        check(call);
        const all = call.ctx.store.all(kind(name));
        reply(call.request, 200, envelope(call.request, all, paging(call.request.url), {}, false));
      },
    ],
    [
      "POST",
      `${base}/`,
      async (call) => {
        administrator(call);
        const body = await readJson(call.request);
        required(body, fields);
        const doc = { id: newId(), ...body, created_at: now(), last_modified: now() };
        await call.ctx.store.save(kind(name), doc);
        reply(call.request, 201, doc);
      },
    ],
    [
      "GET",
      `${base}/{}/`,
      (call) => {
        check(call);
        reply(call.request, 200, found(call.ctx, name, call.params[0]));
      },
    ],
    adminEdit(opts.edit, `${base}/{}/`, name),
    ...(opts.deletes ? [adminDelete(`${base}/{}/`, name)] : []),
  ];
}

const SCHEDULABLES = [
  { id: "harvest", label: "Harvest a source" },
  { id: "purge-datasets", label: "Purge deleted datasets" },
  { id: "compute-site-metrics", label: "Compute the site's metrics" },
];

export const ADMIN_ROUTES: RouteSpec[] = [
  ...badges("datasets"),
  ...badges("organizations"),
  ...badges("reuses"),
  ...featured("datasets"),
  ...featured("reuses"),
  ...featured("dataservices"),
  [
    "PATCH",
    "/api/1/site/",
    async (call) => {
      administrator(call);
      const site = call.ctx.store.all("site")[0];
      const body = await readJson(call.request);
      const { id: _id, metrics: _metrics, ...settings } = body;
      const updated = { ...site, ...settings };
      await call.ctx.store.save("site", updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "POST",
    "/api/1/users/",
    async (call) => {
      administrator(call);
      const body = await readJson(call.request);
      required(body, ["first_name", "last_name", "email"]);
      const slug = `${body.first_name}-${body.last_name}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      const user = {
        id: newId(),
        slug,
        class: "User",
        avatar: null,
        avatar_thumbnail: null,
        roles: [],
        ...body,
        page: `/users/${slug}/`,
      };
      await call.ctx.store.save("users", user);
      reply(call.request, 201, user);
    },
  ],
  ...(["PUT", "DELETE"] as const).map((method): RouteSpec => [
    method,
    "/api/1/users/{}/",
    async (call) => {
      administrator(call);
      const id = call.params[0];
      const account = call.ctx.accounts.find((a) => a.user.id === id || a.user.slug === id);
      const stored = call.ctx.store.find("users", id);
      if (!account && !stored) throw new MainError(404, NOT_FOUND);
      if (method === "DELETE") {
        if (account) account.refused = "inactive";
        if (stored) await call.ctx.store.save("users", { ...stored, deleted: now() });
        return noContent(call);
      }
      const body = await readJson(call.request);
      const user = account ? Object.assign(account.user, body) : { ...stored, ...body };
      if (!account) await call.ctx.store.save("users", user);
      reply(call.request, 200, user);
    },
  ]),
  [
    "GET",
    "/api/1/spam/",
    (call) => {
      administrator(call);
      const spam = call.ctx.store
        .all("discussions")
        .filter(
          (d) =>
            d.spam?.status === "potential_spam" ||
            (d.discussion ?? []).some((c: Doc) => c.spam?.status === "potential_spam"),
        );
      reply(call.request, 200, spam);
    },
  ],
  ...adminCollection("/api/1/reports", "reports", ["subject", "reason"], { edit: "PATCH" }).filter(
    ([m, p]) => !(m === "POST" && p === "/api/1/reports/"),
  ),
  [
    "POST",
    "/api/1/reports/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      required(body, ["subject", "reason"]);
      const report = { id: newId(), by: userRef(account.user), ...body, reported_at: now(), dismissed_at: null };
      await call.ctx.store.save(kind("reports"), report);
      reply(call.request, 201, report);
    },
  ],
  ...adminCollection("/api/1/pages", "pages", ["blocs"], { readsPublic: true, edit: "PUT" }),
  ...adminCollection("/api/1/workers/jobs", "worker_jobs", ["name", "task"], { edit: "PUT", deletes: true }),
  ["GET", "/api/1/workers/jobs/schedulables/", (call) => (administrator(call), reply(call.request, 200, SCHEDULABLES))],
  [
    "GET",
    "/api/1/workers/tasks/{}/",
    (call) => {
      administrator(call);
      reply(call.request, 200, {
        id: call.params[0],
        name: "unknown",
        status: "PENDING",
        result: null,
        uuid: randomUUID(),
      });
    },
  ],
];
