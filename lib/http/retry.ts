import { DataGouvError } from "./errors.ts";

export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  retries: number;
  /** First backoff in ms (default 500); doubles each time, with full jitter. */
  minDelayMs: number;
  /** Longest wait between attempts, Retry-After included (default 30 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minDelayMs: 500, maxDelayMs: 30_000 };

/** Statuses worth another try: rate limited, bad gateway, unavailable, gateway timeout (and the overload redirect). */
export const RETRY_STATUSES = [429, 502, 503, 504];
/** Failures to connect, and connections broken before or during a response: asking again may well succeed. */
export const RETRY_ERROR_CODES = [
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
];
/** Methods that may be replayed; a write is retried only when the caller says it is idempotent. */
export const IDEMPOTENT_METHODS = ["GET", "HEAD", "OPTIONS"];

type Headers = Record<string, string | string[] | undefined>;

/** Milliseconds the server asked us to wait, from Retry-After (seconds or a date) or an exhausted X-RateLimit window. */
export function serverDelayMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const retryAfter = first(headers["retry-after"]);
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (first(headers["x-ratelimit-remaining"]) === "0") return rateLimitResetMs(headers, now);
  return undefined;
}

/** X-RateLimit-Reset is either epoch seconds or seconds from now; both are seen in the wild. */
export function rateLimitResetMs(headers: Headers, now = Date.now()): number | undefined {
  const reset = Number(first(headers["x-ratelimit-reset"]));
  if (!Number.isFinite(reset)) return undefined;
  return reset > 1e9 ? Math.max(0, reset * 1000 - now) : Math.max(0, reset * 1000);
}

export function isOverloadRedirect(status: number | undefined, headers: Headers | undefined): boolean {
  if (status === undefined || status < 300 || status >= 400) return false;
  const location = first(headers?.location);
  return location !== undefined && /(^|\/\/)sorry\./i.test(location);
}

/** Exponential backoff with full jitter, unless the server named its own delay. */
export function backoffMs(attempt: number, policy: RetryPolicy, serverMs?: number, random = Math.random): number {
  if (serverMs !== undefined) return Math.min(serverMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.minDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Whether a failed attempt is worth another, and after how long (undefined: give up). `attempt` counts the attempts
 * made so far. A body cut short is a broken connection like any other: the request is asked again from the start.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt > policy.retries || !(error instanceof DataGouvError)) return undefined;
  const serverMs = error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000;
  if (error.kind === "overloaded") return backoffMs(attempt, policy, serverMs);
  if (error.kind === "http")
    return RETRY_STATUSES.includes(error.status ?? 0) ? backoffMs(attempt, policy, serverMs) : undefined;
  if (error.kind === "network" || error.kind === "timeout") {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" && RETRY_ERROR_CODES.includes(code) ? backoffMs(attempt, policy) : undefined;
  }
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
