import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { McpContext } from "./context.ts";
import { createMcpServer } from "./server.ts";

export interface HttpServeOptions {
  /** 0 picks a free port. */
  port: number;
  /** 127.0.0.1 unless told otherwise. */
  host?: string;
  /** Origins allowed besides loopback pages (e.g. "https://app.example"). */
  allowedOrigins?: string[];
}

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

const PATH = "/mcp";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * MCP's Streamable HTTP transport at /mcp, stateless: each POST gets a server of its own over the shared context, so
 * nothing outlives a request. A page in a browser can reach a port on loopback, so the Origin header is checked as the
 * specification asks (and, on loopback, the Host header against DNS rebinding): anything else answers 403.
 */
export async function serveHttp(context: McpContext, options: HttpServeOptions): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const loopback = LOOPBACK.has(host);
  const allowed = new Set((options.allowedOrigins ?? []).map((o) => o.replace(/\/$/, "")));
  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`datagouv: MCP request failed: ${(error as Error)?.stack ?? error}\n`);
      if (!res.headersSent) refuse(res, 500, "internal error");
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== PATH) return refuse(res, 404, `not found: the MCP endpoint is ${PATH}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, allowed, loopback))
      return refuse(res, 403, `origin ${origin} is not allowed`);
    if (loopback && !LOOPBACK.has(hostName(req.headers.host ?? ""))) return refuse(res, 403, "invalid Host header");
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return refuse(res, 405, "this server is stateless: send JSON-RPC messages with POST");
    }
    const server = createMcpServer(context);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}${PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function originAllowed(origin: string, allowed: Set<string>, loopback: boolean): boolean {
  if (allowed.has(origin)) return true;
  try {
    return loopback && LOOPBACK.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

function hostName(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}
