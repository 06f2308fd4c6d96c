import { mayEdit, type Account } from "./accounts.ts";
import { administrators, notify } from "./notifications.ts";
import { MainError, reply } from "./respond.ts";
import {
  caller,
  found,
  isAdmin,
  kind,
  newId,
  noContent,
  oneOf,
  required,
  uuid,
  type Call,
  type RouteSpec,
} from "./routing.ts";
import { orgRef, SANDBOX_ORIGIN, userRef, type Doc } from "./seed.ts";
import { FORBIDDEN, now, readJson, slugify, type WriteContext } from "./writing.ts";

/** Organizations' writes and membership (udata/core/organization/api.py): requests, acceptance, roles. */

export const ROLES = ["admin", "editor", "partial_editor"] as const;

export function administers(account: Account, org: Doc): boolean {
  return isAdmin(account) || account.organizations.includes(org.id) || account.organizations.includes(org.slug);
}

function organization(call: Call): Doc {
  const org = found(call.ctx, "organizations", call.params[0]);
  if (org.deleted) throw new MainError(410, "Organization has been deleted");
  return org;
}

function adminOf(call: Call): { account: Account; org: Doc } {
  const account = caller(call);
  const org = organization(call);
  if (!administers(account, org)) throw new MainError(403, FORBIDDEN);
  return { account, org };
}

function userById(ctx: WriteContext, id: string): Doc | undefined {
  return ctx.accounts.find((a) => a.user.id === id || a.user.slug === id)?.user ?? ctx.store.find("users", id);
}

async function join(ctx: WriteContext, org: Doc, user: Doc, role: string): Promise<Doc> {
  const member = { user: userRef(user), role, since: now() };
  const members = (org.members ?? []).filter((m: Doc) => m.user.id !== user.id);
  await ctx.store.save("organizations", { ...org, members: [...members, member] });
  for (const account of ctx.accounts)
    if (account.user.id === user.id && !account.organizations.includes(org.id)) account.organizations.push(org.id);
  return member;
}

export const MEMBERSHIP_ROUTES: RouteSpec[] = [
  [
    "POST",
    "/api/1/organizations/",
    async (call) => {
      const account = caller(call);
      const body = await readJson(call.request);
      required(body, ["name"]);
      const slug = slugify(String(body.name), (s) => call.ctx.store.find("organizations", s) !== undefined);
      const org = {
        id: newId(),
        name: body.name,
        acronym: body.acronym ?? null,
        description: body.description ?? "",
        url: body.url ?? null,
        slug,
        class: "Organization",
        badges: [],
        logo: null,
        logo_thumbnail: null,
        created_at: now(),
        last_modified: now(),
        deleted: null,
        members: [],
        metrics: { datasets: 0, reuses: 0, dataservices: 0, followers: 0, views: 0, members: 1 },
        page: `${SANDBOX_ORIGIN}/organizations/${slug}/`,
        uri: `${SANDBOX_ORIGIN}/api/1/organizations/${slug}/`,
      };
      await call.ctx.store.save("organizations", org);
      const member = await join(call.ctx, org, account.user, "admin");
      reply(call.request, 201, { ...org, members: [member] });
    },
  ],
  [
    "PUT",
    "/api/1/organizations/{}/",
    async (call) => {
      const { org } = adminOf(call);
      const body = await readJson(call.request);
      const { id: _id, slug: _slug, members: _members, ...editable } = body;
      const updated = { ...org, ...editable, last_modified: now() };
      await call.ctx.store.save("organizations", updated);
      reply(call.request, 200, updated);
    },
  ],
  [
    "DELETE",
    "/api/1/organizations/{}/",
    async (call) => {
      const { org } = adminOf(call);
      await call.ctx.store.save("organizations", { ...org, deleted: now() });
      noContent(call);
    },
  ],
  [
    "GET",
    "/api/1/organizations/{}/membership/",
    (call) => {
      const { org } = adminOf(call);
      const status = call.request.url.searchParams.get("status");
      const requests = call.ctx.store
        .all(kind("memberships"))
        .filter((r) => r.organization === org.id && (!status || r.status === status))
        .map(({ organization: _org, ...request }) => request);
      reply(call.request, 200, requests);
    },
  ],
  [
    "POST",
    "/api/1/organizations/{}/membership/",
    async (call) => {
      const account = caller(call);
      const org = organization(call);
      if ((org.members ?? []).some((m: Doc) => m.user.id === account.user.id) || administers(account, org))
        throw new MainError(409, "User is already member of this organization");
      const body = await readJson(call.request);
      const pending = call.ctx.store
        .all(kind("memberships"))
        .find((r) => r.organization === org.id && r.user.id === account.user.id && r.status === "pending");
      if (pending) return reply(call.request, 200, pending);
      const request = {
        id: uuid(),
        organization: org.id,
        user: userRef(account.user),
        kind: "request",
        created: now(),
        status: "pending",
        role: "editor",
        comment: body.comment ?? null,
      };
      await call.ctx.store.save(kind("memberships"), request);
      await notify(call.ctx, administrators(call.ctx, org, account), {
        class: "MembershipRequestNotificationDetails",
        request_organization: orgRef(org),
        request_user: userRef(account.user),
      });
      reply(call.request, 201, request);
    },
  ],
  ...(["accept", "refuse"] as const).map((answer): RouteSpec => [
    "POST",
    `/api/1/organizations/{}/membership/{}/${answer}/`,
    async (call) => {
      const { account, org } = adminOf(call);
      const request = found(call.ctx, "memberships", call.params[1], "Unknown membership request id");
      if (request.organization !== org.id) throw new MainError(404, "Unknown membership request id");
      if (request.status !== "pending") throw new MainError(409, "This membership request has already been handled");
      const body = answer === "refuse" ? await readJson(call.request) : {};
      const handled = {
        ...request,
        status: answer === "accept" ? "accepted" : "refused",
        handled_by: userRef(account.user),
        handled_on: now(),
        ...(answer === "refuse" ? { refusal_comment: body.comment ?? null } : {}),
      };
      await call.ctx.store.save(kind("memberships"), handled);
      const user = userById(call.ctx, request.user.id) ?? request.user;
      await notify(call.ctx, [user], {
        class: "MembershipAnswerNotificationDetails",
        status: handled.status,
        request_organization: orgRef(org),
      });
      if (answer === "refuse") return reply(call.request, 200, {});
      reply(call.request, 200, await join(call.ctx, org, user, request.role ?? "editor"));
    },
  ]),
  ...(["POST", "PUT"] as const).map((method): RouteSpec => [
    method,
    "/api/1/organizations/{}/member/{}/",
    async (call) => {
      const { org } = adminOf(call);
      const user = userById(call.ctx, call.params[1]);
      if (!user) throw new MainError(404, "Unknown user");
      const body = await readJson(call.request);
      oneOf(body, "role", ROLES);
      const exists = (org.members ?? []).some((m: Doc) => m.user.id === user.id);
      if (method === "POST" && exists) throw new MainError(409, "User is already member of this organization");
      if (method === "PUT" && !exists) throw new MainError(404, "User is not member of this organization");
      reply(call.request, method === "POST" ? 201 : 200, await join(call.ctx, org, user, body.role ?? "editor"));
    },
  ]),
  [
    "DELETE",
    "/api/1/organizations/{}/member/{}/",
    async (call) => {
      const { org } = adminOf(call);
      const members = org.members ?? [];
      const member = members.find((m: Doc) => m.user.id === call.params[1] || m.user.slug === call.params[1]);
      if (!member) throw new MainError(404, "User is not member of this organization");
      await call.ctx.store.save("organizations", { ...org, members: members.filter((m: Doc) => m !== member) });
      for (const account of call.ctx.accounts)
        if (account.user.id === member.user.id)
          account.organizations = account.organizations.filter((o) => o !== org.id && o !== org.slug);
      noContent(call);
    },
  ],
];

export { mayEdit };
