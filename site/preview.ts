import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { parseArgs } from "node:util";

/** Serves a built site (dist/) on loopback, as a static host would: clean URLs map to their .html files. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".arrow": "application/vnd.apache.arrow.file",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export async function serveSite(root: string, port = 0, host = "127.0.0.1"): Promise<{ url: string; server: Server }> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const candidates = [path, `${path}.html`, join(path, "index.html")].map((p) => normalize(join(base, p)));
    for (const file of candidates) {
      if (!file.startsWith(base)) break;
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) {
        res.writeHead(200, {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
          "content-length": info.size,
        });
        createReadStream(file).pipe(res);
        return;
      }
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("Not Found");
  });
  await new Promise<void>((done) => server.listen(port, host, done));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, server };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "3000" }, dir: { type: "string", default: "dist" } },
  });
  const { url } = await serveSite(values.dir!, Number(values.port));
  process.stdout.write(`serving ${values.dir} on ${url} (Ctrl-C to stop)\n`);
}
