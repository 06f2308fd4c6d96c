import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Fault injection, for testing what clients do when the platform misbehaves. A spec is rules separated by ";", each
 * `PATTERN:ACTION[,ACTION…]`, the pattern a path glob (`*` matches anything, `/tabular/*`, `/api/1/datasets/*`):
 *
 *   latency=MS            wait before answering
 *   status=CODE           answer CODE (429, 500, 502, 503…) instead; 429/503 carry Retry-After: 1
 *   prob=P                …only with probability P (deterministic for a given seed)
 *   nth=N | nth=N-M       …only on the Nth (or Nth to Mth) request matching the rule
 *   reset-after=BYTES     cut the connection after BYTES of the body (0: before the status line, nothing sent)
 *   truncate=BYTES        end the response after BYTES of the body, leaving it short
 *   cut-request-after=BYTES  cut the connection once BYTES of the request's body have arrived (an upload cut midway)
 *   overload              the platform's overload redirect: 302 to http://sorry.data.gouv.fr
 *   seed=N                seed of the rule's random draws (default 1)
 *
 * e.g. "/api/1/datasets/*:status=503,nth=1-2;/tabular/*:latency=200;*:reset-after=4096,prob=0.1"
 */
export interface FaultRule {
  pattern: RegExp;
  source: string;
  latency?: number;
  status?: number;
  probability?: number;
  nth?: [number, number];
  resetAfter?: number;
  truncate?: number;
  cutRequestAfter?: number;
  overload?: boolean;
  seed: number;
  seen: number;
}

export class FaultSpecError extends Error {}

export function parseFaults(spec: string | undefined): FaultRule[] {
  if (!spec || !spec.trim()) return [];
  return spec
    .split(";")
    .filter((r) => r.trim())
    .map((text) => {
      const at = text.lastIndexOf(":");
      if (at < 0) throw new FaultSpecError(`fault rule ${JSON.stringify(text)}: expected PATTERN:ACTION[,ACTION…]`);
      const source = text.slice(0, at).trim() || "*";
      const rule: FaultRule = { pattern: glob(source), source, seed: 1, seen: 0 };
      for (const action of text
        .slice(at + 1)
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean)) {
        const [key, value = ""] = action.split("=");
        const number = () => {
          const n = Number(value);
          if (!Number.isFinite(n) || n < 0)
            throw new FaultSpecError(
              `fault rule ${JSON.stringify(text)}: ${key} takes a number, not ${JSON.stringify(value)}`,
            );
          return n;
        };
        if (key === "latency") rule.latency = number();
        else if (key === "status") rule.status = number();
        else if (key === "prob") rule.probability = number();
        else if (key === "reset-after") rule.resetAfter = number();
        else if (key === "truncate") rule.truncate = number();
        else if (key === "cut-request-after") rule.cutRequestAfter = number();
        else if (key === "seed") rule.seed = number();
        else if (key === "overload") rule.overload = true;
        else if (key === "nth") {
          const [from, to = from] = value.split("-").map(Number);
          if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from)
            throw new FaultSpecError(`fault rule ${JSON.stringify(text)}: nth takes N or N-M`);
          rule.nth = [from, to];
        } else
          throw new FaultSpecError(
            `fault rule ${JSON.stringify(text)}: unknown action ${JSON.stringify(key)} (latency, status, prob, ` +
              `nth, reset-after, truncate, cut-request-after, overload, seed)`,
          );
      }
      return rule;
    });
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

/** A deterministic draw in [0, 1) for the rule's nth request. */
function draw(seed: number, n: number): number {
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n, 0xc2b2ae35);
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  return (x >>> 0) / 0x100000000;
}

export class Faults {
  #rules: FaultRule[] = [];

  constructor(spec?: string) {
    this.set(spec);
  }

  set(spec: string | undefined): void {
    this.#rules = parseFaults(spec);
  }

  clear(): void {
    this.#rules = [];
  }

  /** Applies the rules matching this request; resolves true when a fault answered it in place of the API. */
  async apply(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    for (const rule of this.#rules) {
      if (!rule.pattern.test(path)) continue;
      const n = ++rule.seen;
      if (rule.nth && (n < rule.nth[0] || n > rule.nth[1])) continue;
      if (rule.probability !== undefined && draw(rule.seed, n) >= rule.probability) continue;
      if (rule.latency) await new Promise((resolve) => setTimeout(resolve, rule.latency));
      if (rule.overload) {
        res.writeHead(302, { location: "http://sorry.data.gouv.fr" });
        res.end();
        return true;
      }
      if (rule.status) {
        const body = JSON.stringify({ message: `Injected fault: ${rule.status}` });
        res.writeHead(rule.status, {
          "content-type": "application/json",
          ...(rule.status === 429 || rule.status === 503 ? { "retry-after": "1" } : {}),
        });
        res.end(body);
        return true;
      }
      if (rule.resetAfter === 0) {
        res.socket?.resetAndDestroy?.() ?? res.socket?.destroy();
        return true;
      }
      if (rule.cutRequestAfter !== undefined) cutRequestAfter(req, rule.cutRequestAfter);
      if (rule.resetAfter !== undefined || rule.truncate !== undefined)
        cutAfter(res, rule.resetAfter ?? rule.truncate!, rule.resetAfter !== undefined);
    }
    return false;
  }
}

/** Destroys the connection once `limit` bytes of the request's body have been read: the handler sees it aborted. */
function cutRequestAfter(req: IncomingMessage, limit: number): void {
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received >= limit) {
      req.off("data", count);
      req.socket.destroy();
    }
  };
  req.on("data", count);
}

/** Counts the body's bytes and breaks the response once `limit` have gone out. */
function cutAfter(res: ServerResponse, limit: number, reset: boolean): void {
  let sent = 0;
  let cut = false;
  const originalWrite = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const originalEnd = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const breakNow = () => {
    cut = true;
    if (reset) res.socket?.resetAndDestroy?.() ?? res.socket?.destroy();
    else res.socket?.end(() => res.socket?.destroy());
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (cut) return false;
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    if (sent + buffer.length < limit) {
      sent += buffer.length;
      return originalWrite(buffer, ...rest);
    }
    originalWrite(buffer.subarray(0, limit - sent));
    sent = limit;
    setImmediate(breakNow);
    return false;
  }) as ServerResponse["write"];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (cut) return res;
    if (chunk !== undefined && typeof chunk !== "function") {
      res.write(chunk as string);
      if (cut || sent >= limit) return res;
    }
    return originalEnd(...(typeof chunk === "function" ? [chunk] : rest));
  }) as ServerResponse["end"];
  // force chunked encoding so the cut is visible to the client as an incomplete body
  res.removeHeader?.("content-length");
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...args: unknown[]) => {
    const headers = args.find((a) => a && typeof a === "object") as Record<string, unknown> | undefined;
    if (headers)
      for (const key of Object.keys(headers)) if (key.toLowerCase() === "content-length") delete headers[key];
    return writeHead(status, ...args);
  }) as ServerResponse["writeHead"];
}
