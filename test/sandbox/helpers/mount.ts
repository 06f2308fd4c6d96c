import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SandboxApi } from "../../../sandbox/src/types.ts";

/**
 * One sandbox API alone on 127.0.0.1 (random port), mounted as the sandbox's router mounts it, with each response
 * handed to `watch` so a test can observe what the server queues.
 */
export async function mountApi(
  api: SandboxApi,
  prefix: string,
  watch?: (res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    watch?.(res);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const target = req.url ?? "/";
    const rawQuery = target.includes("?") ? target.slice(target.indexOf("?") + 1) : "";
    const request = { req, res, url, origin: url.origin, prefix, path: url.pathname.slice(prefix.length), rawQuery };
    api.handle(request).then(
      (answered) => answered || res.writeHead(404).end("404: Not Found"),
      (error: unknown) => (res.headersSent ? res.destroy() : res.writeHead(500).end(String(error))),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
