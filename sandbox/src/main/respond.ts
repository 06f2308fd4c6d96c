import type { SandboxRequest } from "../types.ts";
import { applyMask, parseMask } from "./fields.ts";
import { SANDBOX_ORIGIN, type Doc } from "./seed.ts";

export const NOT_FOUND =
  "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";

/** A Main API error: flask-restx's `{"message"}` body, with `errors` field by field on validation failures. */
export class MainError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** JSON with the sandbox's own URLs pointing at the request's origin, and the X-Fields mask applied. */
export function reply(
  request: SandboxRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const mask = request.req.headers["x-fields"];
  const masked = typeof mask === "string" && mask.trim() && status < 400 ? applyMask(body, parseMask(mask)) : body;
  const text = JSON.stringify(masked).replaceAll(SANDBOX_ORIGIN, request.origin);
  request.res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  request.res.end(request.req.method === "HEAD" ? undefined : text);
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
 * udata's pager envelope with absolute links built from the request (all its arguments kept, page changed). A page past
 * the last one is a 404, as v1's Mongo pagination answers.
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
  const link = (p: number) => {
    const url = new URL(request.url.pathname + request.url.search, request.origin);
    url.searchParams.set("page", String(p));
    url.searchParams.set("page_size", String(pageSize));
    return url.toString();
  };
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
