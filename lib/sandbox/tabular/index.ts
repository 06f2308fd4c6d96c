import { stat } from "node:fs/promises";
import type { QuerySpec } from "../../tabular/ast.ts";
import { VERSION } from "../../version.ts";
import { CORS_HEADERS, sendJson, sendText } from "../respond.ts";
import { SEED_TABULAR } from "../seed/tabular-datasets.ts";
import type { SandboxApi, SandboxContext, SandboxRequest, TabularResourceInfo } from "../types.ts";
import { ApiError, isInternalError, sendApiError, sendInternalError, servePage, serveStream, type RowSource, type RowsOptions } from "./rows.ts";
import { seedTabular } from "./seed.ts";
import { TabularStore, type StoredResource } from "./store.ts";
import { resourceSwagger } from "./swagger.ts";

export interface TabularServiceOptions {
  /** Largest page_size (production: 200). */
  maxPageSize?: number;
  /** Rows a stream may return (production: 50,000). */
  streamCap?: number;
  /** Resources allowed to aggregate, or true for all (default: the seeds marked so). */
  aggregationAllowed?: string[] | boolean;
  /** Rows of the large generated resource (default 1,000,000). */
  bigRows?: number;
  log?: (line: string) => void;
}

export interface TabularService extends SandboxApi {
  resources(): TabularResourceInfo[];
  ingestCsv(input: { resourceId: string; datasetId: string; title: string; file: string }): Promise<TabularResourceInfo>;
  remove(resourceId: string, deletedAt: Date, datasetId: string): Promise<void>;
  store: TabularStore;
}

export const SYNTHETIC_NOTE = "This is the datagouv-kit sandbox: its catalog and tables are real public data, its metrics are synthetic.";

export async function createTabularService(ctx: SandboxContext, options: TabularServiceOptions = {}): Promise<TabularService> {
  const store = new TabularStore(ctx.db);
  await store.open();
  await seedTabular(store, { bigRows: options.bigRows ?? 1_000_000, log: options.log });
  const rows: RowsOptions = { maxPageSize: options.maxPageSize ?? 200, streamCap: options.streamCap ?? 50_000 };
  const allowList = options.aggregationAllowed ?? SEED_TABULAR.filter((s) => s.aggregation).map((s) => s.resourceId);
  const startedAt = new Date().toISOString();

  const aggregationAllowed = (resourceId: string) => allowList === true || (Array.isArray(allowList) && allowList.includes(resourceId));

  function source(resource: StoredResource, base: string): RowSource {
    return {
      table: resource.table,
      types: Object.fromEntries([["__id", "int" as const], ...resource.columns.map((c) => [c.name, c.type] as const)]),
      links: { profile: `${base}/api/resources/${resource.resourceId}/profile/`, swagger: `${base}/api/resources/${resource.resourceId}/swagger/` },
      name: resource.resourceId,
      authorize: (spec: QuerySpec) => {
        const operators = [...new Set(spec.aggregations.map((a) => a.op))];
        if (operators.length === 0) return;
        if (!aggregationAllowed(resource.resourceId)) {
          throw new ApiError(403, "Unauthorized parameters", `Aggregation parameters \`${operators.join("`, `")}\` are not allowed for resource '${resource.resourceId}'`);
        }
        if (resource.indexes) {
          for (const { column } of spec.aggregations) {
            if (!resource.indexes.includes(column)) throw new ApiError(403, "Unauthorized parameters", `${column} is not among the allowed columns: {${resource.indexes.map((c) => `'${c}'`).join(", ")}}`);
          }
        }
      },
    };
  }

  async function handle(request: SandboxRequest): Promise<boolean> {
    const { req, res, path } = request;
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const base = `${request.origin}${request.prefix}`;
    try {
      if (path === "/health/") {
        sendJson(res, 200, { status: "ok", version: VERSION, uptime_since: startedAt, sandbox: true, note: SYNTHETIC_NOTE }, CORS_HEADERS);
        return true;
      }
      if (path === "/api/aggregation-exceptions/") {
        const allowed = allowList === true ? true : (allowList as string[]);
        sendJson(res, 200, { allowed, exceptions: store.all().filter((r) => r.indexes).map((r) => r.resourceId) }, CORS_HEADERS);
        return true;
      }
      if (path === "/api/doc" || path === "/api/doc/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...CORS_HEADERS });
        res.end(`<!doctype html><title>Tabular API (sandbox)</title><h1>Tabular API (sandbox)</h1><p>${SYNTHETIC_NOTE}</p><ul>${store
          .all()
          .filter((r) => !r.deletedAt)
          .map((r) => `<li><a href="${base}/api/resources/${r.resourceId}/swagger/">${escapeHtml(r.title)}</a></li>`)
          .join("")}</ul>`);
        return true;
      }
      const match = /^\/api\/resources\/([^/]+)\/((?:profile|swagger|data(?:\/json|\/csv)?)\/)?$/.exec(path);
      if (!match) return false;
      const resource = store.get(match[1]);
      if (!resource) {
        sendText(res, 404, "404: Not Found");
        return true;
      }
      if (resource.deletedAt) {
        sendText(res, 410, `Resource ${resource.resourceId} has been permanently deleted on ${resource.deletedAt} by its producer. You can find more information about this resource at https://www.data.gouv.fr/datasets/${resource.datasetId}`);
        return true;
      }
      const what = match[2] ?? "";
      if (what === "") {
        sendJson(res, 200, {
          created_at: resource.createdAt,
          url: `${request.origin}/sandbox/files/${resource.resourceId}.csv`,
          links: [
            { href: `${base}/api/resources/${resource.resourceId}/profile/`, type: "GET", rel: "profile" },
            { href: `${base}/api/resources/${resource.resourceId}/data/`, type: "GET", rel: "data" },
            { href: `${base}/api/resources/${resource.resourceId}/swagger/`, type: "GET", rel: "swagger" },
          ],
        }, CORS_HEADERS);
      } else if (what === "profile/") {
        sendJson(res, 200, { profile: resource.profile, deleted_at: null, dataset_id: resource.datasetId, indexes: resource.indexes }, CORS_HEADERS);
      } else if (what === "swagger/") {
        res.writeHead(200, CORS_HEADERS);
        res.end(resourceSwagger(resource, base));
      } else if (what === "data/") {
        await servePage(ctx.db, request, source(resource, base), rows);
      } else {
        await serveStream(ctx.db, request, source(resource, base), rows, what === "data/json/" ? "json" : "csv");
      }
      return true;
    } catch (error) {
      if (error instanceof ApiError) sendApiError(res, error);
      else if (isInternalError(error)) sendInternalError(res);
      else throw error;
      return true;
    }
  }

  return {
    handle,
    store,
    resources: () => store.all().map(infoOf),
    async ingestCsv(input) {
      const { size } = await stat(input.file);
      return infoOf(await store.ingestCsv({ ...input, filesize: size }));
    },
    async remove(resourceId, deletedAt) {
      await store.markDeleted(resourceId, deletedAt);
    },
  };
}

function infoOf(resource: StoredResource): TabularResourceInfo {
  const { resourceId, datasetId, title, format, rows, filesize, table, createdAt } = resource;
  return { resourceId, datasetId, title, format, rows, filesize, table, createdAt };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
