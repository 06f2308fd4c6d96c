import type { SandboxRequest } from "../types.ts";
import { authenticate, type Account } from "./accounts.ts";
import { MainError, NOT_FOUND } from "./respond.ts";
import type { Doc, Kind } from "./seed.ts";
import { FORBIDDEN, type WriteContext } from "./writing.ts";

/** The routes beyond the catalog's core: each group file declares its own as (method, path pattern, handler). */

export interface Call {
  ctx: WriteContext;
  request: SandboxRequest;
  /** The path's parameters, decoded, in order. */
  params: string[];
  viewer: Account | undefined;
}

export type Handler = (call: Call) => Promise<void> | void;
export type RouteSpec = [method: string, pattern: string, handler: Handler];

/** "/api/1/harvest/source/{}/run/" → a RegExp whose groups are the `{}` segments. */
export function compile(routes: RouteSpec[]): { method: string; regexp: RegExp; handler: Handler }[] {
  return routes.map(([method, pattern, handler]) => ({
    method,
    regexp: new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\{\}/g, "([^/]+)")}$`),
    handler,
  }));
}

/** A key that may administer the sandbox: one given as `KEY@admin` (alone or with organizations). */
export function isAdmin(account: Account | undefined): boolean {
  return account?.organizations.includes("admin") ?? false;
}

export function caller(call: Call): Account {
  return authenticate(call.request, call.ctx.accounts);
}

/** udata's admin permission: 401 without a key, 403 for a key that is not an administrator's. */
export function administrator(call: Call): Account {
  const account = caller(call);
  if (!isAdmin(account)) throw new MainError(403, FORBIDDEN);
  return account;
}

/** The kinds these routes add to the store: the store keeps any kind; the seed's union only names its own. */
export type ExtraKind =
  | "community_resources"
  | "harvest_sources"
  | "harvest_jobs"
  | "memberships"
  | "transfers"
  | "notifications"
  | "contacts"
  | "reports"
  | "pages"
  | "worker_jobs"
  | "activities";

export const kind = (name: Kind | ExtraKind): Kind => name as Kind;

export function found(ctx: WriteContext, name: Kind | ExtraKind, id: string, message = NOT_FOUND): Doc {
  const doc = ctx.store.find(kind(name), id);
  if (!doc || doc.deleted_at) throw new MainError(404, message);
  return doc;
}

export function required(body: Doc, fields: string[]): void {
  const errors: Record<string, string[]> = {};
  for (const field of fields)
    if (body[field] === undefined || body[field] === null || body[field] === "")
      errors[field] = ["This field is required."];
  if (Object.keys(errors).length) throw new MainError(400, "Validation error", errors);
}

export function oneOf(body: Doc, field: string, choices: readonly string[]): void {
  if (body[field] !== undefined && !choices.includes(body[field]))
    throw new MainError(400, "Validation error", { [field]: [`'${body[field]}' is not a valid choice.`] });
}

export const newId = (): string => {
  const hex = () =>
    Math.floor(Math.random() * 0x10000)
      .toString(16)
      .padStart(4, "0");
  return `${Date.now().toString(16).slice(-8)}${hex()}${hex()}${hex()}${hex()}`.slice(0, 24);
};

export const uuid = (): string => crypto.randomUUID();

export function noContent(call: Call): void {
  call.request.res.writeHead(204);
  call.request.res.end();
}
