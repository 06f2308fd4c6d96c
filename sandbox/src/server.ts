import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Faults } from "./faults.ts";
import type { RateLimiter } from "./ratelimit.ts";
import { sendText } from "./respond.ts";
import type { SandboxApi, SandboxRequest } from "./types.ts";

/** One port for the three APIs: Tabular under /tabular, Metrics under /metrics, the Main API (and files) at the root. */
export interface Mounts {
  main: SandboxApi;
  tabular: SandboxApi;
  metrics: SandboxApi;
  files: SandboxApi;
}

export function createSandboxServer(
  mounts: Mounts,
  faults: Faults,
  limiter: RateLimiter | undefined,
  log: (line: string) => void,
  onRequest?: (method: string, path: string, query: string) => void,
): Server {
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`error answering ${req.method} ${req.url}: ${(error as Error)?.stack ?? error}`);
      if (!res.headersSent) sendText(res, 500, "500 Internal Server Error\n\nServer got itself in trouble");
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
    const rawQuery = (req.url ?? "").includes("?") ? (req.url ?? "").slice((req.url ?? "").indexOf("?") + 1) : "";
    onRequest?.(req.method ?? "GET", url.pathname, rawQuery);
    if (await faults.apply(req, res, url.pathname)) return;
    if (limiter) {
      const { headers, limited, retryAfter } = limiter.take(req.socket.remoteAddress ?? "local");
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      if (limited) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
        res.end(JSON.stringify({ message: "Too many requests: the rate limit is exceeded, retry later." }));
        return;
      }
    }
    const [prefix, api] = url.pathname.startsWith("/tabular/")
      ? ["/tabular", mounts.tabular]
      : url.pathname.startsWith("/metrics/")
        ? ["/metrics", mounts.metrics]
        : url.pathname.startsWith("/sandbox/files/")
          ? ["", mounts.files]
          : ["", mounts.main];
    const request: SandboxRequest = {
      req,
      res,
      url,
      origin,
      prefix,
      path: url.pathname.slice(prefix.length),
      rawQuery,
    };
    if (await api.handle(request)) return;
    // each API's own answer for an unknown route: aiohttp's plain text for Tabular/Metrics, Flask's for the rest
    sendText(res, 404, prefix ? "404: Not Found" : "Not Found");
  }

  server.keepAliveTimeout = 5000;
  return server;
}
