import { dirname, join } from "node:path";
import type { SandboxApi, SandboxContext, SandboxRequest } from "../types.ts";
import { viewerOf, type Account } from "./accounts.ts";
import { EXPORTS, serveExport } from "./exports.ts";
import { ExportFiles } from "./export-files.ts";
import { handleRead } from "./read.ts";
import { MainError, NOT_FOUND, replyError } from "./respond.ts";
import { handleCommunityWrite } from "./community-writes.ts";
import { handleWrite } from "./write.ts";
import { handleRoutes } from "./routes.ts";
import type { WriteContext } from "./writing.ts";

import { VERSION } from "datagouv-kit";
import { SYNTHETIC_NOTE } from "../tabular/index.ts";

export { MainStore } from "./store.ts";
export { buildMainSeed } from "./seed.ts";
export { parseApiKeys, generatedKey, type Account } from "./accounts.ts";

/** The Main API (udata): reads, writes, catalog exports; `{"message"}` errors. */
export function createMainApi(
  ctx: WriteContext & { accounts: Account[]; catalog: SandboxContext["catalog"] },
): SandboxApi {
  const exportFiles = new ExportFiles(join(dirname(ctx.filesDir), "exports"));
  return {
    async handle(request: SandboxRequest): Promise<boolean> {
      const method = request.req.method ?? "GET";
      try {
        if (request.path === "/api/1/health/" || request.path === "/api/2/health/") {
          request.res.writeHead(200, { "content-type": "application/json" });
          request.res.end(
            JSON.stringify({
              status: "ok",
              version: VERSION,
              sandbox: true,
              note: SYNTHETIC_NOTE,
              catalog: ctx.catalog,
            }),
          );
          return true;
        }
        const reading = method === "GET" || method === "HEAD";
        const viewer = request.path.startsWith("/api/") ? viewerOf(request, ctx.accounts) : undefined;
        if (reading) {
          const exportMatch = /^\/api\/1\/site\/(\w+)\.csv$/.exec(request.path);
          if (exportMatch && (EXPORTS as readonly string[]).includes(exportMatch[1])) {
            await serveExport(ctx.store, request, exportMatch[1] as (typeof EXPORTS)[number], exportFiles);
            return true;
          }
        }
        if ((await handleCommunityWrite(ctx, request)) || (await handleWrite(ctx, request))) return true;
        if (await handleRoutes(ctx, request, viewer)) return true;
        if (reading && (await handleRead(ctx.store, request, viewer))) return true;
        if (request.path.startsWith("/api/"))
          throw new MainError(
            reading ? 404 : 405,
            reading ? NOT_FOUND : "The method is not allowed for the requested URL.",
          );
        return false;
      } catch (error) {
        if (error instanceof MainError) {
          replyError(request, error);
          return true;
        }
        throw error;
      }
    },
  };
}
