import { createHash, randomBytes } from "node:crypto";
import { SEED_ORGANIZATIONS } from "../tabular/datasets.ts";
import type { SandboxRequest } from "../types.ts";
import { MainError } from "./errors.ts";
import type { Doc } from "./seed.ts";

/**
 * API keys and whom they stand for. `--api-key KEY` is a producer who administers the sandbox's own organizations
 * (Insee, La Poste, Sandbox data.gouv.fr); `--api-key KEY@org-a,org-b` limits it to those organizations (ids or
 * slugs). Any other object is someone else's: writing to it answers 403, as udata does. A key ending in `!expired`,
 * `!revoked` or `!inactive` is one udata would refuse with 401 and that reason.
 */
export interface Account {
  key: string;
  user: Doc;
  organizations: string[];
  refused?: "expired" | "revoked" | "inactive";
}

const REFUSALS = { expired: "Expired API token", revoked: "Revoked API token", inactive: "Inactive user" } as const;

export function parseApiKeys(specs: string[]): Account[] {
  return specs.map((spec, i) => {
    const [granted, refusal] = spec.split("!");
    if (refusal !== undefined && !(refusal in REFUSALS))
      throw new TypeError(`API key ${i + 1}: "!${refusal}" is not one of !expired, !revoked, !inactive`);
    const [key, scope] = granted.split("@");
    if (!key || key.length < 8) throw new TypeError(`API key ${i + 1} is too short: use at least 8 characters`);
    const id = createHash("sha256").update(key).digest("hex").slice(0, 24);
    const user = {
      id,
      first_name: "Sandbox",
      last_name: `Producer ${i + 1}`,
      slug: `sandbox-producer-${i + 1}`,
      class: "User",
      avatar: null,
      avatar_thumbnail: null,
      page: `https://www.data.gouv.fr/users/sandbox-producer-${i + 1}/`,
    };
    const organizations = scope
      ? scope
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : SEED_ORGANIZATIONS.map((o) => o.id);
    return { key, user, organizations, ...(refusal ? { refused: refusal as Account["refused"] } : {}) };
  });
}

/** A key for a sandbox started without one, printed on stderr so a person can use it. */
export function generatedKey(): string {
  return `sandbox-${randomBytes(12).toString("hex")}`;
}

export function mayEdit(account: Account, doc: Doc): boolean {
  const org = doc.organization;
  if (org) return account.organizations.includes(org.id) || account.organizations.includes(org.slug);
  return doc.owner?.id === account.user.id;
}

// udata's `api.secure` aborts 401 without a message: flask-restx then sends werkzeug's description, and udata its challenge
const NO_CREDENTIALS =
  "The server could not verify that you are authorized to access the URL requested. You either supplied the " +
  "wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials " +
  "required.";

export function unauthenticated(): MainError {
  return new MainError(401, NO_CREDENTIALS, undefined, { "www-authenticate": 'Bearer realm="uData"' });
}

/** Who sent the request: udata resolves X-API-KEY on every API call, so a wrong key is a 401 even on a read. */
export function viewerOf(request: SandboxRequest, accounts: Account[]): Account | undefined {
  const key = request.req.headers["x-api-key"];
  if (typeof key !== "string" || key === "") return undefined;
  const account = accounts.find((a) => a.key === key);
  if (!account) throw new MainError(401, "Invalid API token");
  if (account.refused) throw new MainError(401, REFUSALS[account.refused]);
  return account;
}

/** A write route's caller; 401 without a key. */
export function authenticate(request: SandboxRequest, accounts: Account[]): Account {
  const account = viewerOf(request, accounts);
  if (!account) throw unauthenticated();
  return account;
}
