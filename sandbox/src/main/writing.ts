import type { SandboxRequest } from "../types.ts";
import type { TabularService } from "../tabular/index.ts";
import type { Account } from "./accounts.ts";
import { MainError } from "./respond.ts";
import type { Doc } from "./seed.ts";
import type { MainStore } from "./store.ts";

/** What the Main API's write routes share: their context, udata's refusals, the body and slug helpers. */

export interface WriteContext {
  store: MainStore;
  tabular: TabularService;
  accounts: Account[];
  filesDir: string;
  /** Called after a write that adds or removes objects (the metrics follow the catalog). */
  changed: () => void | Promise<void>;
}

export const FORBIDDEN = "You do not have the permission to modify that object.";
export const REQUIRED = "This field is required.";

/** Python's recursion limit: udata's JSON decoder gives up on deeper documents, and so does every later step here. */
const MAX_NESTING = 1000;

/** How deeply arrays and objects nest in a JSON text (brackets inside strings aside). */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

export async function readJson(request: SandboxRequest): Promise<Doc> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new MainError(413, "The data value transmitted exceeds the capacity limit.");
    chunks.push(chunk as Buffer);
  }
  try {
    const text = Buffer.concat(chunks).toString("utf8") || "{}";
    if (nesting(text) > MAX_NESTING) throw new Error("nested too deeply");
    const body = JSON.parse(text);
    if (body === null || typeof body !== "object") throw new Error("not an object");
    return body;
  } catch {
    throw new MainError(400, "The browser (or proxy) sent a request that this server could not understand.");
  }
}

export function slugify(title: string, taken: (slug: string) => boolean): string {
  const base =
    title
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 80) || "dataset";
  let slug = base;
  for (let n = 1; taken(slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** The organization a new object is published for, if the body names one: 400 if unknown, 403 if not the caller's. */
export function publishingOrganization(ctx: WriteContext, account: Account, body: Doc): Doc | null {
  if (!body.organization) return null;
  const organization = ctx.store.find(
    "organizations",
    typeof body.organization === "string" ? body.organization : body.organization.id,
  );
  if (!organization) throw new MainError(400, "Validation error", { organization: ["Unknown organization."] });
  if (!account.organizations.includes(organization.id) && !account.organizations.includes(organization.slug))
    throw new MainError(403, FORBIDDEN);
  return organization;
}

export const now = () => new Date().toISOString();
