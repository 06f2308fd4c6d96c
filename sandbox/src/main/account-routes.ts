import { randomBytes } from "node:crypto";
import { mayEdit } from "./accounts.ts";
import { MainError, reply } from "./respond.ts";
import { caller, kind, noContent, type Call, type RouteSpec } from "./routing.ts";
import type { Doc } from "./seed.ts";
import { now, readJson } from "./writing.ts";

/** The key's owner (udata's `me` namespace): profile, API key, and the lists of what one and one's organizations own. */

const PROFILE = ["first_name", "last_name", "about", "website", "email"];

function ofMyOrganizations(call: Call, docs: Doc[]): Doc[] {
  const account = caller(call);
  const q = call.request.url.searchParams.get("q")?.toLowerCase();
  return docs.filter(
    (d) =>
      !d.deleted &&
      mayEdit(account, d) &&
      (!q ||
        String(d.title ?? "")
          .toLowerCase()
          .includes(q)),
  );
}

export const ACCOUNT_ROUTES: RouteSpec[] = [
  [
    "PUT",
    "/api/1/me/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      for (const field of Object.keys(body))
        if (!PROFILE.includes(field)) throw new MainError(400, "Validation error", { [field]: ["Unknown field."] });
      Object.assign(account.user, body);
      reply(call.request, 200, account.user);
    },
  ],
  [
    "DELETE",
    "/api/1/me/",
    (call) => {
      const account = caller(call);
      // udata deletes the account: its key stops working at once
      account.refused = "inactive";
      noContent(call);
    },
  ],
  [
    "POST",
    "/api/1/me/apikey/",
    (call) => {
      const account = caller(call);
      account.key = `sandbox-${randomBytes(16).toString("hex")}`;
      reply(call.request, 201, { apikey: account.key });
    },
  ],
  [
    "DELETE",
    "/api/1/me/apikey/",
    (call) => {
      const account = caller(call);
      account.key = `cleared-${randomBytes(16).toString("hex")}`;
      noContent(call);
    },
  ],
  [
    "GET",
    "/api/1/me/reuses/",
    (call) => {
      const account = caller(call);
      reply(
        call.request,
        200,
        call.ctx.store.all("reuses").filter((r) => r.owner?.id === account.user.id),
      );
    },
  ],
  [
    "GET",
    "/api/1/me/metrics/",
    (call) => {
      const account = caller(call);
      const datasets = call.ctx.store.all("datasets").filter((d) => !d.deleted);
      const own = datasets.filter((d) => d.owner?.id === account.user.id);
      const org = datasets.filter((d) => d.organization && mayEdit(account, d));
      const followers = (list: Doc[]) => list.reduce((n, d) => n + (d.metrics?.followers ?? 0), 0);
      reply(call.request, 200, [
        {
          id: account.user.id,
          resources_availability: 1,
          datasets_count: own.length,
          datasets_org_count: org.length,
          followers_count: followers(own),
          followers_org_count: followers(org),
        },
      ]);
    },
  ],
  [
    "GET",
    "/api/1/me/org_datasets/",
    (call) => reply(call.request, 200, ofMyOrganizations(call, call.ctx.store.all("datasets"))),
  ],
  [
    "GET",
    "/api/1/me/org_reuses/",
    (call) => reply(call.request, 200, ofMyOrganizations(call, call.ctx.store.all("reuses"))),
  ],
  [
    "GET",
    "/api/1/me/org_community_resources/",
    (call) => reply(call.request, 200, ofMyOrganizations(call, call.ctx.store.all(kind("community_resources")))),
  ],
  [
    "GET",
    "/api/1/me/org_discussions/",
    (call) => {
      const account = caller(call);
      const mineIds = new Set(
        ["datasets", "reuses", "dataservices"].flatMap((k) =>
          call.ctx.store
            .all(k as never)
            .filter((d) => mayEdit(account, d))
            .map((d) => d.id),
        ),
      );
      reply(
        call.request,
        200,
        call.ctx.store.all("discussions").filter((d) => mineIds.has(d.subject?.id)),
      );
    },
  ],
];

export { now };
