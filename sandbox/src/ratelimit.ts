/**
 * A fixed-window rate limit per client address, answering with the X-RateLimit-* headers production's proxy adds and
 * 429 with Retry-After once the window's budget is spent.
 */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  /** The headers to send, and whether this request is over the limit. */
  take(client: string, now = Date.now()): { headers: Record<string, string>; limited: boolean; retryAfter: number } {
    const { limit, windowMs } = this.#options;
    let window = this.#windows.get(client);
    if (!window || now - window.start >= windowMs) this.#windows.set(client, (window = { start: now, count: 0 }));
    window.count++;
    const reset = Math.ceil((window.start + windowMs) / 1000);
    const retryAfter = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    return {
      headers: {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(Math.max(0, limit - window.count)),
        "x-ratelimit-reset": String(reset),
      },
      limited: window.count > limit,
      retryAfter,
    };
  }
}
