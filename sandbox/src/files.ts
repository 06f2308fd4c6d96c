import { createReadStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Duck } from "datagouv-kit/duckdb";
import { ident } from "./db.ts";
import type { TabularStore } from "./tabular/store.ts";
import type { SandboxRequest } from "./types.ts";
import { sendText } from "./respond.ts";

/**
 * The resources' files, as a producer's server would serve them: uploaded files as stored, seeded tabular resources
 * written out once from their table. ETag and Last-Modified answer conditional requests with 304.
 */
export async function serveFile(
  request: SandboxRequest,
  filesDir: string,
  db: Duck,
  tabular: TabularStore,
): Promise<boolean> {
  const match = /^\/sandbox\/files\/([\w-]+)\.(\w+)$/.exec(request.path);
  if (!match) return false;
  const [, id, extension] = match;
  let file = join(filesDir, `${id}.${extension}`);
  let info = await stat(file).catch(() => undefined);
  const stored = tabular.get(id);
  if (!info && stored && !stored.deletedAt && extension === "csv") {
    file = join(filesDir, "tables", `${id}-${stored.createdAt.replace(/\W/g, "")}.csv`);
    info = await stat(file).catch(() => undefined);
    if (!info) {
      await mkdir(join(filesDir, "tables"), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      const columns = stored.columns.map((c) => ident(c.name)).join(", ");
      await db.run(
        `COPY (SELECT ${columns} FROM ${ident(stored.table)} ORDER BY __id) TO '${temp.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`,
      );
      await rename(temp, file);
      info = await stat(file);
    }
  }
  if (!info) {
    sendText(request.res, 404, "Not Found");
    return true;
  }
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString();
  const headers = { etag, "last-modified": lastModified, "cache-control": "no-cache" };
  const ifNoneMatch = request.req.headers["if-none-match"];
  const ifModifiedSince = request.req.headers["if-modified-since"];
  if (
    (ifNoneMatch && ifNoneMatch === etag) ||
    (!ifNoneMatch && ifModifiedSince && Date.parse(ifModifiedSince) >= Date.parse(lastModified))
  ) {
    request.res.writeHead(304, headers);
    request.res.end();
    return true;
  }
  request.res.writeHead(200, {
    ...headers,
    "content-type": extension === "csv" ? "text/csv; charset=utf-8" : "application/octet-stream",
    "content-length": info.size,
  });
  if (request.req.method === "HEAD") {
    request.res.end();
    return true;
  }
  await pipeline(createReadStream(file), request.res).catch(() => undefined);
  return true;
}
