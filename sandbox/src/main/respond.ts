import type { SandboxRequest } from "../types.ts";
import type { Account } from "./accounts.ts";
import { marshal, type Model } from "./marshal/fields.ts";
import { parseMask } from "./marshal/mask.ts";
import { MainError, NOT_FOUND } from "./errors.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";
import type { MainStore } from "./store.ts";

export { MainError, NOT_FOUND } from "./errors.ts";

/** Flask's JSON provider sorts every object's keys (DefaultJSONProvider.sort_keys), as udata's output_json sends it. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** JSON with the sandbox's own URLs pointing at the request's origin; `sorted` when its keys already are. */
export function reply(
  request: SandboxRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  sorted = false,
): void {
  const text = (sorted ? JSON.stringify(body) : JSON.stringify(body, sortedKeys)).replaceAll(
    SANDBOX_ORIGIN,
    request.origin,
  );
  request.res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  request.res.end(request.req.method === "HEAD" ? undefined : text);
}

/**
 * An object as udata's `marshal_with(model)` answers it: through the model, narrowed by the request's X-Fields header
 * when it has one (the model's own mask otherwise). `viewer` decides the permissions it reports.
 */
export function replyWith(
  request: SandboxRequest,
  status: number,
  data: unknown,
  model: Model,
  context: { store: MainStore; viewer: Account | undefined },
  headers: Record<string, string> = {},
): void {
  const header = request.req.headers["x-fields"];
  const mask = typeof header === "string" && header.trim() ? parseMask(header) : undefined;
  const fullObjects = !!request.req.headers["x-get-datasets-full-objects"];
  reply(request, status, marshal(data, model, { ...context, fullObjects }, mask), headers, true);
}

export function replyError(request: SandboxRequest, error: MainError): void {
  reply(
    request,
    error.status,
    error.errors ? { errors: error.errors, message: error.message } : { message: error.message },
    error.headers,
  );
}

export interface Paging {
  page: number;
  pageSize: number;
}

/** `page` and `page_size` must be positive integers (udata answers 400 otherwise). */
export function paging(url: URL, defaultSize = 20): Paging {
  const read = (name: string, fallback: number) => {
    const text = url.searchParams.get(name);
    if (text === null || text === "") return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0)
      throw new MainError(400, "Input payload validation failed", {
        [name]: `${name} must be a positive integer, not ${JSON.stringify(text)}`,
      });
    return n;
  };
  return { page: read("page", 1), pageSize: read("page_size", defaultSize) };
}

/**
 * udata's pager envelope, its links as NextPageUrl/PreviousPageUrl build them (udata/api/fields.py): the request's own
 * arguments in their order, `page` changed (added last when absent), through url_for's query encoding. A page past the
 * last one is a 404, as v1's Mongo pagination answers.
 */
export function envelope(
  request: SandboxRequest,
  items: Doc[],
  { page, pageSize }: Paging,
  extra: Doc = {},
  emptyPageIs404 = true,
): Doc {
  const total = items.length;
  const start = (page - 1) * pageSize;
  if (emptyPageIs404 && page > 1 && start >= total) throw new MainError(404, NOT_FOUND);
  const link = (p: number) => pageLink(request, p);
  return {
    data: items.slice(start, start + pageSize),
    page,
    page_size: pageSize,
    total,
    next_page: start + pageSize < total ? link(page + 1) : null,
    previous_page: page > 1 ? link(page - 1) : null,
    ...extra,
  };
}

export function pageLink(request: SandboxRequest, page: number): string {
  const args = [...request.url.searchParams];
  const at = args.findIndex(([name]) => name === "page");
  const kept = args.filter(([name], i) => name !== "page" || i === at);
  if (at >= 0) kept[kept.findIndex(([name]) => name === "page")] = ["page", String(page)];
  else kept.push(["page", String(page)]);
  const query = kept.map(([name, value]) => `${quotePlus(name)}=${quotePlus(value)}`).join("&");
  return `${SANDBOX_ORIGIN}${request.url.pathname}?${query}`;
}

/** Python's quote_plus with werkzeug's safe characters (werkzeug/urls.py _urlencode). */
function quotePlus(text: string): string {
  return encodeURIComponent(text).replace(/%(?:2[14CF]|3[ABF]|40|20)/gi, (m) =>
    m === "%20" ? "+" : decodeURIComponent(m),
  );
}

/** `-views` → sort by metrics.views descending, as udata's sort arguments. */
export function sortDocs(docs: Doc[], sort: string | null, keys: Record<string, (doc: Doc) => unknown>): Doc[] {
  if (!sort) return docs;
  const descending = sort.startsWith("-");
  const key = keys[sort.replace(/^-/, "")];
  if (!key)
    throw new MainError(400, "Input payload validation failed", {
      sort: `The value '${sort}' is not a valid choice for 'sort'.`,
    });
  const sign = descending ? -1 : 1;
  return [...docs].sort((a, b) => {
    const x = key(a) as never;
    const y = key(b) as never;
    return x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -sign : sign;
  });
}
