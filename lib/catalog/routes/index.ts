import type { HttpClient } from "../../http/client.ts";
import { COMMUNITY_GROUPS } from "./community-groups.ts";
import { DATASET_HAND, DATASET_ROUTES } from "./datasets.ts";
import { bindGroup, type BoundGroup } from "./invoke.ts";
import { ORGANIZATION_HAND, ORGANIZATION_ROUTES } from "./organizations.ts";
import { ME_ROUTES, USER_HAND, USER_ROUTES } from "./people.ts";
import {
  ACCESS_TYPE_ROUTES,
  AVATAR_ROUTES,
  SITE_EXPORT_ROUTES,
  SITE_HAND,
  SITE_ROUTES,
  SPAM_ROUTES,
  SPATIAL_HAND,
  SPATIAL_ROUTES,
  TAG_HAND,
  WORKER_ROUTES,
} from "./platform.ts";
import {
  ACTIVITY_ROUTES,
  CONTACT_ROUTES,
  HARVEST_ROUTES,
  NOTIFICATION_ROUTES,
  PAGE_ROUTES,
  REPORT_ROUTES,
  TRANSFER_ROUTES,
} from "./producers.ts";
import type { AnyRoute } from "./route.ts";

export interface RouteEntry {
  /** The client's property the method hangs on: `dg.<group>.<method>(…)`. */
  group: string;
  method: string;
  route: AnyRoute;
}

type Table = Record<string, AnyRoute>;

/** Groups whose routes become the methods of a client property of their own (no hand-written class). */
export const GENERATED_GROUPS = {
  me: ME_ROUTES,
  contacts: CONTACT_ROUTES,
  harvest: HARVEST_ROUTES,
  notifications: NOTIFICATION_ROUTES,
  transfers: TRANSFER_ROUTES,
  reports: REPORT_ROUTES,
  pages: PAGE_ROUTES,
  activity: ACTIVITY_ROUTES,
  accessTypes: ACCESS_TYPE_ROUTES,
  avatars: AVATAR_ROUTES,
  spam: SPAM_ROUTES,
  workers: WORKER_ROUTES,
} as const;

export type GeneratedGroups = {
  readonly [G in keyof typeof GENERATED_GROUPS]: BoundGroup<(typeof GENERATED_GROUPS)[G]>;
};

export function bindGeneratedGroups(http: HttpClient): GeneratedGroups {
  return Object.fromEntries(
    Object.entries(GENERATED_GROUPS).map(([group, table]) => [group, bindGroup(http, table)]),
  ) as never;
}

/** Per group: the routes its hand-written class calls, and those it gets as generated methods. */
const CLASS_GROUPS: Record<string, { hand: Table; routes: Table }> = {
  datasets: { hand: DATASET_HAND, routes: DATASET_ROUTES },
  organizations: { hand: ORGANIZATION_HAND, routes: ORGANIZATION_ROUTES },
  users: { hand: USER_HAND, routes: USER_ROUTES },
  ...COMMUNITY_GROUPS,
  site: { hand: SITE_HAND, routes: SITE_ROUTES },
  spatial: { hand: SPATIAL_HAND, routes: SPATIAL_ROUTES },
  tags: { hand: TAG_HAND, routes: {} },
};

/** Every Main API route the client knows, each with the method that calls it. */
export const MAIN_ROUTES: readonly RouteEntry[] = [
  ...Object.entries(CLASS_GROUPS).flatMap(([group, { hand, routes }]) =>
    Object.entries({ ...hand, ...routes }).map(([method, route]) => ({ group, method, route })),
  ),
  // site.export(kind) serves these four as well as datasets.csv
  ...Object.values(SITE_EXPORT_ROUTES).map((route) => ({ group: "site", method: "export", route })),
  ...Object.entries(GENERATED_GROUPS).flatMap(([group, table]) =>
    Object.entries(table as Table).map(([method, route]) => ({ group, method, route })),
  ),
];

/**
 * Routes of the reference that a browser follows to sign in (ProConnect's OpenID Connect dance, the login and logout
 * pages): they take cookies and redirects, not an API key, so the client has no method for them.
 */
export const BROWSER_ONLY = [
  "/proconnect/auth",
  "/proconnect/login/",
  "/proconnect/logout",
  "/proconnect/logout_oauth",
];

export { atomEntries, type AtomEntry } from "./atom.ts";
export { callRoute, fillPath, RouteMethods, type CallOptions, type TypedStream, type Upload } from "./invoke.ts";
export type { Answer, AnyRoute, Auth, Method, Route } from "./route.ts";
export type * from "./models.ts";
export { DATASET_ROUTES } from "./datasets.ts";
export { ORGANIZATION_ROUTES, type OrganizationInput } from "./organizations.ts";
export { USER_ROUTES, type UserInput } from "./people.ts";
export { SITE_ROUTES, SPATIAL_ROUTES } from "./platform.ts";
export {
  DATASERVICE_ROUTES,
  DISCUSSION_ROUTES,
  POST_ROUTES,
  REUSE_ROUTES,
  type DataserviceInput,
  type PostInput,
} from "./community.ts";
