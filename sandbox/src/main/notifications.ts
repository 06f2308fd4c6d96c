import type { Account } from "./accounts.ts";
import { kind, newId, type Call, type RouteSpec, caller, found } from "./routing.ts";
import { envelope, MainError, paging, reply } from "./respond.ts";
import { userRef, type Doc } from "./seed.ts";
import { FORBIDDEN, now, type WriteContext } from "./writing.ts";

/** A notification for each account standing for `userId` (udata notifies the user, whichever key they use). */
export async function notify(ctx: WriteContext, users: Doc[], details: Doc): Promise<void> {
  for (const user of users)
    await ctx.store.save(kind("notifications"), {
      id: newId(),
      created_at: now(),
      handled_at: null,
      user: userRef(user),
      details,
    });
}

/** The accounts that administer an organization (its members by key), optionally without one of them. */
export function administrators(ctx: WriteContext, org: Doc, except?: Account): Doc[] {
  return ctx.accounts
    .filter((a) => a !== except && (a.organizations.includes(org.id) || a.organizations.includes(org.slug)))
    .map((a) => a.user);
}

export const NOTIFICATION_ROUTES: RouteSpec[] = [
  [
    "GET",
    "/api/1/notifications/",
    ({ ctx, request, ...call }: Call) => {
      const account = caller({ ctx, request, ...call });
      const handled = request.url.searchParams.get("handled");
      const mine = ctx.store
        .all(kind("notifications"))
        .filter((n) => n.user.id === account.user.id)
        .filter((n) => handled === null || (handled === "true") === (n.handled_at !== null))
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
      reply(request, 200, envelope(request, mine, paging(request.url), {}, false));
    },
  ],
  [
    "POST",
    "/api/1/notifications/{}/read/",
    async (call) => {
      const account = caller(call);
      const notification = found(call.ctx, "notifications", call.params[0]);
      if (notification.user.id !== account.user.id) throw new MainError(403, FORBIDDEN);
      const read = { ...notification, handled_at: notification.handled_at ?? now() };
      await call.ctx.store.save(kind("notifications"), read);
      reply(call.request, 200, read);
    },
  ],
];
