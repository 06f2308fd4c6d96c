import { setTimeout as sleep } from "node:timers/promises";
import { Agent, Pool, type Dispatcher } from "undici";
import { parseExactJson } from "./json.ts";
import { VERSION } from "./version.ts";
import { type Endpoints } from "./endpoints.ts";
import { deliver, DeliveryFailure } from "./deliver.ts";
import { DataGouvError, hintFor, isFileError, kindOfFailure, networkHint, parseErrorBody, type Api } from "./errors.ts";
import {
  DEFAULT_RETRY,
  IDEMPOTENT_METHODS,
  isOverloadRedirect,
  rateLimitResetMs,
  retryDelay,
  serverDelayMs,
  type RetryPolicy,
} from "./retry.ts";

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];
/** A query: key/values (arrays repeat the key), or a string already encoded as the server wants it. */
export type Query = string | Record<string, QueryValue> | URLSearchParams;

export interface HttpOptions {
  endpoints: Endpoints;
  apiKey?: string | undefined;
  /** Sockets per origin: bounds concurrent requests (default 8). */
  connections?: number | undefined;
  /** Milliseconds to wait for response headers (default 30 s) and between body chunks (default 60 s). */
  timeoutMs?: number | undefined;
  bodyTimeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  userAgent?: string | undefined;
  /** Where warnings go (default: stderr). */
  logger?: Logger | undefined;
  /** A dispatcher to use instead of the pooled agent (tests, proxies). */
  dispatcher?: Dispatcher | undefined;
}

export interface Logger {
  warn(message: string): void;
  info?(message: string): void;
}

export const stderrLogger: Logger = { warn: (m) => process.stderr.write(`datagouv: ${m}\n`) };

export interface RequestOptions {
  method?: string | undefined;
  query?: Query | undefined;
  headers?: Record<string, string> | undefined;
  /** A JSON body (sets Content-Type). */
  json?: unknown | undefined;
  body?: Dispatcher.DispatchOptions["body"] | undefined;
  /** Send the API key; required by writes. Never sent to another origin than the API's own. */
  auth?: boolean | undefined;
  /** Let a non-GET request be retried (PUT/DELETE the caller knows to be safe to replay). */
  idempotent?: boolean | undefined;
  /** Statuses to hand back instead of throwing (e.g. 304 for a conditional request). */
  accept?: number[] | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  url: string;
  body: Dispatcher.ResponseData["body"];
  /**
   * The same request sent again, from the start, after `cause` broke this response's body off: when the request may
   * be replayed and what is left of its retry budget allows, after the same backoff as any retry. Otherwise rejects
   * with `cause`. (The APIs serve no `Range` requests: what was cut is asked for whole.)
   */
  again(cause: unknown): Promise<HttpResponse>;
}

/** A download: a GET whose body goes into a file (see `HttpClient.download`). */
export interface DownloadOptions extends Pick<RequestOptions, "query" | "headers" | "accept" | "signal" | "timeoutMs"> {
  /** Each chunk as it is written. */
  onChunk?: (chunk: Buffer) => void;
  /** The body was cut and is fetched again from the start: what the chunks seen so far counted is void. */
  onRestart?: () => void;
}

export interface Downloaded {
  status: number;
  headers: HttpResponse["headers"];
  url: string;
  /** Bytes written (none for an accepted status outside 2xx, such as a 304). */
  bytes: number;
}

const MAX_REDIRECTS = 5;

export class HttpClient {
  readonly endpoints: Endpoints;
  readonly logger: Logger;
  readonly #apiKey?: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  /** The agent's pools: once closing, the agent forgets them, and only they can still cut requests under way. */
  readonly #pools = new Set<Pool>();
  #closed = false;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  /** Per origin: when its rate-limit window reopens (ms epoch). */
  readonly #rateLimitedUntil = new Map<string, number>();

  constructor(options: HttpOptions) {
    this.endpoints = options.endpoints;
    this.#apiKey = options.apiKey || undefined;
    this.logger = options.logger ?? stderrLogger;
    this.#userAgent = options.userAgent ?? `datagouv-kit/${VERSION}`;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#policy = { ...DEFAULT_RETRY, ...options.retry };
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? 8,
        keepAliveTimeout: 10_000,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: options.bodyTimeoutMs ?? 60_000,
        connect: { timeout: Math.min(this.#timeoutMs, 10_000) },
        factory: (origin, options) => {
          // the agent closes a pool once its connections are gone: such pools hold nothing to cut
          for (const idle of this.#pools) if (idle.closed || idle.destroyed) this.#pools.delete(idle);
          const pool = new Pool(origin, options);
          this.#pools.add(pool);
          return pool;
        },
      });
    this.#ownsDispatcher = options.dispatcher === undefined;
  }

  get hasApiKey(): boolean {
    return this.#apiKey !== undefined;
  }

  /** The absolute URL of `path` (relative to the API's root) or of an absolute URL, with the query appended. */
  url(api: Api, path: string, query?: Query): string {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(path.replace(/^\//, ""), this.#root(api));
    const search = encodeQuery(query);
    if (search) url.search = url.search ? `${url.search}&${search}` : `?${search}`;
    return url.toString();
  }

  /**
   * Sends a request; throws DataGouvError for any status outside 2xx (and `accept`), with the server's message. A
   * request that may be replayed (GET, or `idempotent`) is retried on 429/502/503/504, the overload redirect and a
   * broken connection, with backoff; its response's `again` asks for it once more when its body is cut short.
   */
  async request(api: Api, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const method = (options.method ?? (options.json !== undefined ? "POST" : "GET")).toUpperCase();
    const url = this.url(api, path, options.query);
    const replayable = options.idempotent === true || IDEMPOTENT_METHODS.includes(method);
    let attempts = 0;
    const pause = async (cause: unknown): Promise<void> => {
      const delay = replayable ? retryDelay(cause, attempts, this.#policy) : undefined;
      // an abort is the caller's: nothing to ask again
      if (delay === undefined || options.signal?.aborted) throw cause;
      this.logger.info?.(
        `${(cause as Error).message}: asking again in ${delay} ms (${attempts}/${this.#policy.retries})`,
      );
      await sleep(delay, undefined, { signal: options.signal }).catch(() => Promise.reject(cause));
    };
    const send = async (): Promise<HttpResponse> => {
      for (;;) {
        attempts++;
        try {
          const response = await this.#exchange(api, method, url, options);
          return { ...response, again: async (cause) => (await pause(cause), send()) };
        } catch (error) {
          await pause(error);
        }
      }
    };
    return send();
  }

  /**
   * Reads a response's body with `read`. When the connection breaks mid-body, the request is asked again from the
   * start and the new body read with `read` from its beginning, within the request's retry budget: `read` must start
   * over (truncate what it wrote) and wrap a failure of the body itself with `bodyError`, so that it can be told from
   * its own (a full disk is not retried).
   */
  async readFully<T>(response: HttpResponse, read: (response: HttpResponse) => Promise<T>): Promise<T> {
    for (let current = response; ;) {
      try {
        return await read(current);
      } catch (error) {
        // what is left of this body is of no use: release its connection (quietly: nobody reads it any more)
        current.body.on("error", () => {}).destroy();
        current = await current.again(error);
      }
    }
  }

  /** One request, its redirects followed; no retry. */
  async #exchange(
    api: Api,
    method: string,
    url: string,
    options: RequestOptions,
  ): Promise<Omit<HttpResponse, "again">> {
    for (let hop = 0; ; hop++) {
      const response = await this.#send(api, method, url, options);
      const { status, headers } = response;
      if (status >= 300 && status < 400 && status !== 304) {
        await response.body.dump();
        url = this.#redirect(api, method, url, status, headers, hop, options);
        continue;
      }
      if ((status >= 200 && status < 300) || (options.accept ?? []).includes(status)) return response;
      throw await this.#errorFrom(api, method, url, response);
    }
  }

  /** Where a redirect leads; the overload redirect, a redirect too many or one `accept`ed fails instead. */
  #redirect(
    api: Api,
    method: string,
    url: string,
    status: number,
    headers: HttpResponse["headers"],
    hop: number,
    options: { accept?: number[] },
  ): string {
    if (isOverloadRedirect(status, headers)) {
      throw new DataGouvError({
        api,
        method,
        url,
        status,
        kind: "overloaded",
        serverMessage: `redirected to ${String(headers.location)}`,
        hint: "The platform is overloaded; retry later",
      });
    }
    const location = headers.location;
    if (typeof location !== "string" || hop >= MAX_REDIRECTS || (options.accept ?? []).includes(status)) {
      throw new DataGouvError({
        api,
        method,
        url,
        status,
        kind: "http",
        serverMessage: `redirect to ${String(location)}`,
      });
    }
    return new URL(location, url).toString();
  }

  /**
   * Writes a GET's body into `file` as it arrives and says how large it was: the cheapest way to move a large body,
   * each chunk going from the connection straight into the file (see deliver.ts). Retried as `request` retries; a body
   * cut short is asked for again from the start, the file written anew. A failure to write the file is thrown as it
   * is, never taken for the network's (a full disk is not retried). Statuses outside 2xx fail as `request`'s do, but
   * those in `accept`, which write nothing.
   */
  async download(api: Api, path: string, file: string, options: DownloadOptions = {}): Promise<Downloaded> {
    const url = this.url(api, path, options.query);
    for (let attempts = 1; ; attempts++) {
      try {
        if (attempts > 1) options.onRestart?.();
        return await this.#deliver(api, url, file, options);
      } catch (error) {
        const delay = retryDelay(error, attempts, this.#policy);
        if (delay === undefined || options.signal?.aborted) throw error;
        this.logger.info?.(
          `${(error as Error).message}: asking again in ${delay} ms (${attempts}/${this.#policy.retries})`,
        );
        await sleep(delay, undefined, { signal: options.signal }).catch(() => Promise.reject(error));
      }
    }
  }

  async #deliver(api: Api, url: string, file: string, options: DownloadOptions): Promise<Downloaded> {
    for (let hop = 0; ; hop++) {
      const { origin, path, headers } = await this.#prepare(api, "GET", url, options);
      let delivered;
      try {
        delivered = await deliver(
          this.#dispatcher,
          { origin, path, method: "GET", headers, headersTimeout: options.timeoutMs ?? this.#timeoutMs },
          file,
          options.accept ?? [],
          options.onChunk,
          options.signal,
        );
      } catch (failure) {
        if (!(failure instanceof DeliveryFailure)) throw failure;
        if (failure.stage === "file") throw failure.cause;
        if (failure.stage === "body") throw this.bodyError(api, "GET", url, failure.cause);
        throw this.#unreachable(api, "GET", url, failure.cause);
      }
      const { status } = delivered;
      this.#noteRateLimit(origin, delivered.headers);
      if (status >= 300 && status < 400 && status !== 304) {
        url = this.#redirect(api, "GET", url, status, delivered.headers, hop, options);
        continue;
      }
      if ((status >= 200 && status < 300) || (options.accept ?? []).includes(status))
        return { status, headers: delivered.headers, url, bytes: delivered.bytes };
      throw this.#refusal(api, "GET", url, status, delivered.headers, delivered.text ?? "");
    }
  }

  async json<T>(api: Api, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(api, path, {
      ...options,
      headers: { accept: "application/json", ...options.headers },
    });
    const text = await this.readFully(response, (r) => this.#readBody(api, options.method ?? "GET", r));
    if (response.status === 204 || text.trim() === "") return undefined as T;
    try {
      return parseExactJson<T>(text);
    } catch (cause) {
      throw new DataGouvError({
        api,
        method: options.method ?? "GET",
        url: response.url,
        status: response.status,
        kind: "http",
        serverMessage: `the response is not JSON: ${text.slice(0, 120)}`,
        cause,
      });
    }
  }

  async text(api: Api, path: string, options: RequestOptions = {}): Promise<string> {
    const response = await this.request(api, path, options);
    return this.readFully(response, (r) => this.#readBody(api, options.method ?? "GET", r));
  }

  /** Resolves once headers arrive; the body is a byte stream to consume (or `dump()`). */
  stream(api: Api, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request(api, path, options);
  }

  /**
   * Closes the pooled connections, letting requests under way finish for up to a second (a response body nobody reads
   * would otherwise hold the pool open forever); calling it again does nothing.
   */
  async close(): Promise<void> {
    if (!this.#ownsDispatcher || this.#closed) return;
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.#dispatcher.close().then(() => true);
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000)));
    const closed = await Promise.race([graceful, late]);
    clearTimeout(timer);
    if (!closed) await Promise.all([...this.#pools].map((pool) => pool.destroy()));
  }

  #root(api: Api): string {
    if (api === "download") throw new TypeError("downloads take absolute URLs");
    return this.endpoints[api];
  }

  /** Where a request goes and the headers it carries (the API key only on writes, only to the API's own origin). */
  async #prepare(
    api: Api,
    method: string,
    url: string,
    options: Pick<RequestOptions, "headers" | "auth">,
  ): Promise<{ origin: string; path: string; headers: Record<string, string> }> {
    const origin = new URL(url).origin;
    await this.#waitForRateLimit(origin);
    const headers: Record<string, string> = { "user-agent": this.#userAgent, ...options.headers };
    if (options.auth) {
      if (!this.#apiKey) {
        throw new DataGouvError({
          api,
          method,
          url,
          kind: "http",
          status: 401,
          serverMessage: "no API key configured",
          hint: "Set DATAGOUV_API_KEY or pass apiKey: writes need a key from your data.gouv.fr profile",
        });
      }
      // The key goes only to the API's own origin, never to a host a link or redirect points at.
      if (api !== "download" && origin === new URL(this.#root(api)).origin) headers["x-api-key"] = this.#apiKey;
    }
    return { origin, path: url.slice(origin.length) || "/", headers };
  }

  async #send(api: Api, method: string, url: string, options: RequestOptions): Promise<Omit<HttpResponse, "again">> {
    const { origin, path, headers } = await this.#prepare(api, method, url, options);
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    }
    try {
      const response = await this.#dispatcher.request({
        origin,
        path,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: options.signal,
        headersTimeout: options.timeoutMs ?? this.#timeoutMs,
      } as Dispatcher.RequestOptions);
      this.#noteRateLimit(origin, response.headers);
      return { status: response.statusCode, headers: response.headers, url, body: response.body };
    } catch (cause) {
      throw this.#unreachable(api, method, url, cause);
    }
  }

  /** A request that got no answer (refused, reset, timed out), as a DataGouvError. */
  #unreachable(api: Api, method: string, url: string, cause: unknown): DataGouvError {
    return this.#broken(api, method, url, cause, false);
  }

  #broken(api: Api, method: string, url: string, cause: unknown, midway: boolean): DataGouvError {
    if (cause instanceof DataGouvError) return cause;
    const kind = kindOfFailure(cause);
    const message = this.#redact(String((cause as Error)?.message ?? cause));
    return new DataGouvError({
      api,
      method,
      url,
      kind,
      cause: this.#scrub(cause),
      serverMessage: midway ? `the response was cut off: ${message}` : message,
      hint: networkHint(kind, {
        cause,
        write: !IDEMPOTENT_METHODS.includes(method.toUpperCase()),
        midway,
      }),
    });
  }

  async #readBody(api: Api, method: string, response: Omit<HttpResponse, "again">): Promise<string> {
    try {
      return await response.body.text();
    } catch (cause) {
      throw this.bodyError(api, method, response.url, cause);
    }
  }

  /**
   * Wraps a failure while reading a body (reset, timeout) into a DataGouvError. A file error while writing what arrives
   * (a full disk) is not the connection's: it stays what it is.
   */
  bodyError(api: Api, method: string, url: string, cause: unknown): Error {
    if (isFileError(cause)) return cause;
    return this.#broken(api, method, url, cause, true);
  }

  async #errorFrom(
    api: Api,
    method: string,
    url: string,
    response: Omit<HttpResponse, "again">,
  ): Promise<DataGouvError> {
    let text = "";
    try {
      text = await response.body.text();
    } catch {
      // the status alone still says what happened
    }
    return this.#refusal(api, method, url, response.status, response.headers, text);
  }

  /** An error status, with the server's own words and what to do about it. */
  #refusal(
    api: Api,
    method: string,
    url: string,
    status: number,
    headers: HttpResponse["headers"],
    text: string,
  ): DataGouvError {
    const parsed = parseErrorBody(this.#redact(text));
    const delay = serverDelayMs(headers);
    const retryAfterSeconds = delay === undefined ? undefined : delay / 1000;
    const sentry = headers["x-sentry-id"];
    return new DataGouvError({
      api,
      method,
      url,
      status,
      kind: "http",
      ...parsed,
      errorId: parsed.errorId ?? (typeof sentry === "string" ? sentry : undefined),
      hint: hintFor(api, status, parsed),
      retryAfterSeconds,
    });
  }

  async #waitForRateLimit(origin: string): Promise<void> {
    const until = this.#rateLimitedUntil.get(origin);
    if (until === undefined) return;
    const wait = until - Date.now();
    if (wait <= 0) {
      this.#rateLimitedUntil.delete(origin);
      return;
    }
    this.logger.info?.(`rate limit reached on ${origin}: waiting ${Math.ceil(wait / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
  }

  #noteRateLimit(origin: string, headers: HttpResponse["headers"]): void {
    if (headers["x-ratelimit-remaining"] !== "0") return;
    const wait = rateLimitResetMs(headers);
    if (wait !== undefined && wait > 0) this.#rateLimitedUntil.set(origin, Date.now() + wait);
  }

  #redact(text: string): string {
    return this.#apiKey ? text.split(this.#apiKey).join("[API key]") : text;
  }

  /** Keeps an underlying error's name, code and message, and drops everything else (request options carry headers). */
  #scrub(cause: unknown): Error {
    const error = new Error(this.#redact(String((cause as Error)?.message ?? cause)));
    error.name = (cause as Error)?.name ?? "Error";
    const code = (cause as { code?: unknown })?.code;
    if (code !== undefined) Object.assign(error, { code });
    return error;
  }
}

export function encodeQuery(query: Query | undefined): string {
  if (query === undefined) return "";
  if (typeof query === "string") return query.replace(/^\?/, "");
  if (query instanceof URLSearchParams) return query.toString();
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  return params.toString();
}
