import type { HttpClient, HttpResponse, Query } from "../../http/client.ts";
import { Listing, type ListOptions } from "../listing.ts";
import { anyObject } from "../parse.ts";
import { multipartFile } from "../upload.ts";
import type { AnyRoute, PathArgs, Route } from "./route.ts";

/** A file to send as `multipart/form-data` (logos, avatars, images, community resources' files). */
export interface Upload {
  /** Path of the file on disk: streamed, never read whole. */
  upload: string;
  filename?: string | undefined;
}

export interface CallOptions<Q> extends ListOptions {
  query?: Q | undefined;
  headers?: Record<string, string> | undefined;
}

/** A response in a format other than JSON: its media type, and its bytes as a stream, to read once. */
export interface TypedStream {
  contentType: string;
  url: string;
  body: HttpResponse["body"];
  text(): Promise<string>;
}

type Tail<Q, B> = [B] extends [undefined] ? [options?: CallOptions<Q>] : [body: B, options?: CallOptions<Q>];

type Result<R extends AnyRoute> =
  R extends Route<string, any, any, infer T, "page">
    ? Listing<T>
    : R extends Route<string, any, any, any, "stream">
      ? Promise<TypedStream>
      : R extends Route<string, any, any, infer T, "json" | "redirect" | "empty">
        ? Promise<T>
        : never;

/** The typed method a route becomes: its path parameters in order, then its body if it takes one, then options. */
export type Bound<R extends AnyRoute> =
  R extends Route<infer P, infer Q, infer B, any, any>
    ? (...args: [...PathArgs<P>, ...Tail<Q, B>]) => Result<R>
    : never;

export type BoundGroup<T extends Record<string, AnyRoute>> = { readonly [K in keyof T]: Bound<T[K]> };

/** Fills a path template: each `{name}` takes the next argument, URL-encoded. */
export function fillPath(template: string, args: readonly string[]): string {
  let i = 0;
  return template.replace(/\{[^}]+\}/g, (name) => {
    const value = args[i++];
    if (value === undefined || value === "") throw new TypeError(`${template}: ${name} is missing`);
    return encodeURIComponent(value);
  });
}

export function pathArity(template: string): number {
  return (template.match(/\{[^}]+\}/g) ?? []).length;
}

/** Calls a route: path arguments first, then the body for routes that take one (as the route table says). */
export async function callRoute(http: HttpClient, route: AnyRoute, args: unknown[]): Promise<unknown> {
  const arity = pathArity(route.path);
  const takesBody = route.body;
  const path = fillPath(route.path, args.slice(0, arity) as string[]);
  const body = takesBody ? args[arity] : undefined;
  const options = (args[takesBody ? arity + 1 : arity] ?? {}) as CallOptions<Query>;
  const auth = route.auth === "key" || route.auth === "admin" || (route.auth === "optional" && http.hasApiKey);
  const common = {
    method: route.method,
    query: options.query as Query | undefined,
    signal: options.signal,
    auth: auth || options.auth,
    idempotent: route.method === "PUT" || route.method === "DELETE",
  };
  let sent: { json?: unknown; body?: unknown; headers?: Record<string, string> } = { json: body };
  if (body && typeof body === "object" && "upload" in body) {
    const file = await multipartFile((body as Upload).upload, { filename: (body as Upload).filename });
    sent = { body: file.body, headers: file.headers };
  }
  const headers = { ...options.headers, ...sent.headers, ...(options.fields ? { "x-fields": options.fields } : {}) };
  switch (route.answer) {
    case "stream": {
      const response = await http.stream("main", path, { ...common, headers: { accept: route.contentType ?? "*/*" } });
      const type = response.headers["content-type"];
      return {
        contentType: String(type ?? route.contentType ?? ""),
        url: response.url,
        body: response.body,
        text: () => response.body.text(),
      } satisfies TypedStream;
    }
    case "redirect": {
      // HEAD: where the redirect leads, without downloading the file it points at
      const response = await http.request("main", path, { ...common, method: "HEAD" });
      await response.body.dump();
      return response.url;
    }
    default: {
      const value = await http.json("main", path, { ...common, ...sent, headers } as never);
      return route.answer === "empty" ? undefined : value;
    }
  }
}

/** The route as a method; a paged route becomes a Listing (iterate it; pages follow next_page). */
export function bindRoute(http: HttpClient, route: AnyRoute): (...args: unknown[]) => unknown {
  if (route.answer === "page") {
    const arity = pathArity(route.path);
    return (...args: unknown[]) => {
      const options = (args[arity] ?? {}) as CallOptions<Record<string, unknown>>;
      const auth = route.auth !== "none" && (route.auth !== "optional" || http.hasApiKey);
      return new Listing(
        http,
        fillPath(route.path, args.slice(0, arity) as string[]),
        { ...options.query },
        { ...options, auth: options.auth ?? auth },
        (value, where) => anyObject<Record<string, unknown>>(value, where),
      );
    };
  }
  return (...args: unknown[]) => callRoute(http, route, args);
}

export function bindGroup<T extends Record<string, AnyRoute>>(http: HttpClient, table: T): BoundGroup<T> {
  const out: Record<string, unknown> = {};
  for (const [name, route] of Object.entries(table)) out[name] = bindRoute(http, route);
  return out as BoundGroup<T>;
}

/**
 * A base class whose instances carry a group's routes as methods, for the hand-written classes to extend: their own
 * methods stay, and every other route of their group is there too, typed from the table.
 */
export function RouteMethods<T extends Record<string, AnyRoute>>(table: T): new (http: HttpClient) => BoundGroup<T> {
  return class {
    constructor(http: HttpClient) {
      // the subclass's own methods win over a generated one of the same name
      for (const [name, method] of Object.entries(bindGroup(http, table)))
        if (!(name in this)) Object.assign(this, { [name]: method });
    }
  } as never;
}
