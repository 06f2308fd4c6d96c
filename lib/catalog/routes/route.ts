/**
 * One Main API route as data: the typed methods, `datagouv api --list` and the README's table all read the same
 * entries. The type parameters carry what udata's declarations say (api.py's parsers and api_fields.py's models), so a
 * method generated from a route is typed without a hand-written wrapper.
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who may call it: anyone, anyone (a key shows more), a key's owner, or a sandbox/site administrator. */
export type Auth = "none" | "optional" | "key" | "admin";

/** What comes back: one JSON value, a paged envelope, a stream in another format, a redirect, or nothing (204). */
export type Answer = "json" | "page" | "stream" | "redirect" | "empty";

export interface Route<P extends string = string, Q = unknown, B = unknown, R = unknown, A extends Answer = Answer> {
  readonly method: Method;
  /** Relative to the Main API's root, with `{name}` for each path parameter, e.g. "api/1/datasets/{dataset}/". */
  readonly path: P;
  readonly auth: Auth;
  readonly answer: A;
  /** Whether it takes a body (JSON, or a file for uploads). */
  readonly body: boolean;
  readonly summary: string;
  /** For streams: the media type the server answers with. */
  readonly contentType?: string | undefined;
  /** How the reference (../shared/seed/datagouv-apis.md) spells the path when it differs from udata's own route. */
  readonly referenceAs?: string | undefined;
  /** Types only: never set at run time. */
  readonly types?: { query: Q; body: B; result: R };
}

export type AnyRoute = Route<string, any, any, any, Answer>;

/** A route's path parameters, in order: "api/1/a/{x}/b/{y}/" → [x: string, y: string]. */
export type PathArgs<P extends string> = P extends `${string}{${string}}${infer Rest}`
  ? [string, ...PathArgs<Rest>]
  : [];

interface Start<P extends string> {
  json<R, Q = Record<string, unknown>>(): Route<P, Q, undefined, R, "json">;
  /** Takes a body `B` and answers `R`. */
  send<B, R>(): Route<P, Record<string, unknown>, B, R, "json">;
  page<T, Q = Record<string, unknown>>(): Route<P, Q, undefined, T, "page">;
  stream(contentType: string): Route<P, Record<string, unknown>, undefined, unknown, "stream">;
  redirect(): Route<P, Record<string, unknown>, undefined, string, "redirect">;
  empty(): Route<P, Record<string, unknown>, undefined, void, "empty">;
  sendEmpty<B>(): Route<P, Record<string, unknown>, B, void, "empty">;
  /** How the reference spells this path, when udata's route differs. */
  as(reference: string): Start<P>;
}

function start<P extends string>(method: Method, path: P, auth: Auth, summary: string, referenceAs?: string): Start<P> {
  const make = <A extends Answer>(answer: A, body = false, contentType?: string) =>
    Object.freeze({ method, path, auth, answer, body, summary, contentType, referenceAs }) as never;
  return {
    json: () => make("json"),
    send: () => make("json", true),
    sendEmpty: () => make("empty", true),
    page: () => make("page"),
    stream: (contentType) => make("stream", false, contentType),
    redirect: () => make("redirect"),
    empty: () => make("empty"),
    as: (reference) => start(method, path, auth, summary, reference),
  };
}

const verb =
  (method: Method, auth: Auth) =>
  <P extends string>(path: P, summary: string): Start<P> =>
    start(method, path, auth, summary);

/** Reads anyone may make; `withKey` ones show a key's owner more (drafts, private objects). */
export const get = verb("GET", "none");
export const getWithKey = verb("GET", "optional");
export const getMine = verb("GET", "key");
export const getAdmin = verb("GET", "admin");
export const post = verb("POST", "key");
export const put = verb("PUT", "key");
export const patch = verb("PATCH", "key");
export const del = verb("DELETE", "key");
export const postAdmin = verb("POST", "admin");
export const putAdmin = verb("PUT", "admin");
export const patchAdmin = verb("PATCH", "admin");
export const delAdmin = verb("DELETE", "admin");
