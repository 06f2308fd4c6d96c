import type { SandboxRequest } from "../types.ts";
import type { Account } from "./accounts.ts";
import { ACCOUNT_ROUTES } from "./account-routes.ts";
import { ADMIN_ROUTES } from "./admin.ts";
import { COMMUNITY_RESOURCE_ROUTES } from "./community-resources.ts";
import { FEED_ROUTES } from "./feeds.ts";
import { HARVEST_ROUTES } from "./harvest.ts";
import { LOOKUP_ROUTES } from "./lookups.ts";
import { MEMBERSHIP_ROUTES } from "./membership.ts";
import { NOTIFICATION_ROUTES } from "./notifications.ts";
import { OBJECT_ROUTES } from "./object-writes.ts";
import { RDF_ROUTES } from "./rdf.ts";
import { compile } from "./routing.ts";
import { TRANSFER_ROUTES } from "./transfers.ts";
import type { WriteContext } from "./writing.ts";

/** Routes with fewer parameters first: "/workers/jobs/schedulables/" before "/workers/jobs/{}/". */
const ROUTES = compile(
  [
    ...ACCOUNT_ROUTES,
    ...ADMIN_ROUTES,
    ...COMMUNITY_RESOURCE_ROUTES,
    ...FEED_ROUTES,
    ...HARVEST_ROUTES,
    ...LOOKUP_ROUTES,
    ...MEMBERSHIP_ROUTES,
    ...NOTIFICATION_ROUTES,
    ...OBJECT_ROUTES,
    ...RDF_ROUTES,
    ...TRANSFER_ROUTES,
  ].sort((a, b) => a[1].split("{}").length - b[1].split("{}").length),
);

/** The Main API's routes beyond the catalog's core (harvest, membership, transfers, RDF, feeds, administration…). */
export async function handleRoutes(
  ctx: WriteContext,
  request: SandboxRequest,
  viewer: Account | undefined,
): Promise<boolean> {
  const method = request.req.method === "HEAD" ? "GET" : (request.req.method ?? "GET");
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.regexp.exec(request.path);
    if (!match) continue;
    await route.handler({ ctx, request, viewer, params: match.slice(1).map((p) => decodeURIComponent(p)) });
    return true;
  }
  return false;
}
