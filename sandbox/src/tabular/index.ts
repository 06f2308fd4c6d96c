import type { ServerResponse } from "node:http";
import { stat } from "node:fs/promises";
import { VERSION } from "datagouv-kit";
import { CORS_HEADERS, sendJson, sendText } from "../respond.ts";
import { SEED_TABULAR } from "./datasets.ts";
import type { SandboxApi, SandboxContext, SandboxRequest, TabularResourceInfo } from "../types.ts";
import { ApiError, InternalError, sendApiError, sendInternalError } from "./errors.ts";
import { readPaging, readQuery, servePage, serveStream, type RowSource } from "./rows.ts";
import { seedTabular } from "./seed.ts";
import { TabularStore, type StoredResource } from "./store.ts";
import { resourceSwagger } from "./swagger.ts";

export interface TabularServiceOptions {
  /** Largest page_size (production: 200). */
  maxPageSize?: number;
  /** Rows a stream may return (production: 50,000). */
  streamCap?: number;
  /** Resources allowed to aggregate, or true for all (default: the seeds marked so, and api-tabular's test ones). */
  aggregationAllowed?: string[] | boolean;
  /** Rows of the large generated resource (default 1,000,000; lower it for fast test sandboxes). */
  bigRows?: number;
  log?: (line: string) => void;
}

export interface TabularService extends SandboxApi {
  /** Seeded and uploaded tabular resources, for the Main API's catalog. */
  resources(): TabularResourceInfo[];
  /** Profiles a CSV file (csv-detective-shaped), loads it as a table; replaces an existing rid atomically. */
  ingestCsv(input: {
    resourceId: string;
    datasetId: string;
    title: string;
    file: string;
  }): Promise<TabularResourceInfo>;
  /** Marks a resource deleted: the Tabular API answers 410 for it from then on. */
  remove(resourceId: string, deletedAt: Date, datasetId: string): Promise<void>;
  store: TabularStore;
}

export const SYNTHETIC_NOTE =
  "This is the datagouv-kit sandbox: its catalog and tables are real public data, its metrics are synthetic.";

/** api-tabular's own allow-list (config_default.toml): a test resource without indexes, and one with. */
const API_TABULAR_ALLOWED = ["dddddddd-7777-eeee-8888-ffffffffffff", "aaaaaaaa-9999-bbbb-1010-cccccccccccc"];

/** The CORS middleware's headers, on every response the handlers return (raised errors go without). */
const CORS = { ...CORS_HEADERS, "access-control-allow-headers": "Content-Type, Authorization, X-Requested-With" };

export async function createTabularService(
  ctx: SandboxContext,
  options: TabularServiceOptions = {},
): Promise<TabularService> {
  const store = new TabularStore(ctx.db);
  await store.open();
  await seedTabular(store, { bigRows: options.bigRows ?? 1_000_000, log: options.log });
  const maxPageSize = options.maxPageSize ?? 200;
  const streamCap = options.streamCap ?? 50_000;
  const allowList = options.aggregationAllowed ?? [
    ...SEED_TABULAR.filter((s) => s.aggregation).map((s) => s.resourceId),
    ...API_TABULAR_ALLOWED,
  ];
  const aggregationAllowed = (resourceId: string) =>
    allowList === true || (Array.isArray(allowList) && allowList.includes(resourceId));
  const startedAt = new Date();

  function source(resource: StoredResource, base: string): RowSource {
    return {
      table: resource.table,
      relation: resource.table,
      types: Object.fromEntries([["__id", "int" as const], ...resource.columns.map((c) => [c.name, c.type] as const)]),
      links: {
        profile: `${base}/api/resources/${resource.resourceId}/profile/`,
        swagger: `${base}/api/resources/${resource.resourceId}/swagger/`,
      },
      name: resource.resourceId,
      plainText: new Set(resource.plainText),
      storedInIdOrder: resource.storedInIdOrder,
    };
  }

  /** The resource, or its 404/410 answer (aiohttp's plain-text pages) and undefined. */
  function lookup(res: ServerResponse, resourceId: string): StoredResource | undefined {
    const resource = store.get(resourceId);
    if (!resource) sendText(res, 404, "404: Not Found");
    else if (resource.deletedAt) {
      sendText(
        res,
        410,
        `Resource ${resourceId} has been permanently deleted on ${postgresTimestamp(resource.deletedAt)} by its ` +
          `producer. You can find more information about this resource at ` +
          `https://www.data.gouv.fr/datasets/${resource.datasetId}`,
      );
    } else return resource;
    return undefined;
  }

  async function route(request: SandboxRequest): Promise<boolean> {
    const { res, path, rawQuery } = request;
    const base = `${request.origin}${request.prefix}`;
    if (path === "/health/") {
      sendJson(
        res,
        200,
        {
          status: "ok",
          version: VERSION,
          uptime_since: startedAt.toISOString(),
          sandbox: true,
          synthetic_metrics: true,
          note: SYNTHETIC_NOTE,
          catalog: ctx.catalog,
        },
        CORS,
      );
      return true;
    }
    if (path === "/api/aggregation-exceptions/") {
      // production's shape: the allow-list, and the resources whose aggregations are limited to indexed columns
      sendJson(
        res,
        200,
        {
          allowed: allowList,
          exceptions: store
            .all()
            .filter((r) => r.indexes)
            .map((r) => r.resourceId),
        },
        CORS,
      );
      return true;
    }
    if (path === "/api/doc" || path === "/api/doc/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...CORS });
      res.end(
        docPage(
          store.all().filter((r) => !r.deletedAt),
          base,
        ),
      );
      return true;
    }
    const match = /^\/api\/resources\/([^/]+)\/(|profile\/|swagger\/|data\/|data\/json\/|data\/csv\/)$/.exec(path);
    if (!match) return false;
    const [, resourceId, what] = match;
    const parseOptions = () => ({
      resourceId,
      aggregationAllowed: aggregationAllowed(resourceId),
      indexes: store.get(resourceId)?.indexes,
    });
    if (what === "data/") {
      // the real service reads paging, then the query, and only then looks the resource up
      const paging = readPaging(rawQuery, maxPageSize);
      const query = readQuery(rawQuery, parseOptions(), paging);
      const resource = lookup(res, resourceId);
      if (resource) await servePage(ctx.db, request, source(resource, base), query, paging);
    } else if (what === "data/json/" || what === "data/csv/") {
      const query = readQuery(rawQuery, parseOptions());
      const resource = lookup(res, resourceId);
      if (resource)
        await serveStream(
          ctx.db,
          request,
          source(resource, base),
          query,
          streamCap,
          what === "data/json/" ? "json" : "csv",
        );
    } else {
      const resource = lookup(res, resourceId);
      if (!resource) return true;
      if (what === "") sendJson(res, 200, resourceMeta(resource, request.origin, base), CORS);
      else if (what === "profile/")
        sendJson(
          res,
          200,
          { profile: resource.profile, deleted_at: null, dataset_id: resource.datasetId, indexes: resource.indexes },
          CORS,
        );
      else {
        // aiohttp's type for a text body the handler gives no type
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...CORS });
        res.end(resourceSwagger(resource, aggregationAllowed(resourceId)));
      }
    }
    return true;
  }

  async function handle(request: SandboxRequest): Promise<boolean> {
    const { req, res } = request;
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS);
      res.end();
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    try {
      return await route(request);
    } catch (error) {
      return answerError(res, error);
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
    async remove(resourceId, deletedAt, datasetId) {
      await store.markDeleted(resourceId, deletedAt, datasetId);
    },
  };
}

/** Raised errors as the real service answers them; once a stream has begun, only cutting it is left. */
export function answerError(res: ServerResponse, error: unknown): true {
  if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
  else if (error instanceof ApiError) sendApiError(res, error);
  else if (error instanceof InternalError) sendInternalError(res);
  else throw error;
  return true;
}

function resourceMeta(resource: StoredResource, origin: string, base: string) {
  const link = (rel: string, path: string) => ({
    href: `${base}/api/resources/${resource.resourceId}/${path}`,
    type: "GET",
    rel,
  });
  return {
    created_at: postgresTimestamp(resource.createdAt),
    url: `${origin}/sandbox/files/${resource.resourceId}.csv`,
    links: [link("profile", "profile/"), link("data", "data/"), link("swagger", "swagger/")],
  };
}

/** A timestamptz as PostgREST writes it in JSON: `2023-12-01T00:00:00+00:00`, the fraction only when there is one. */
function postgresTimestamp(iso: string): string {
  return new Date(iso).toISOString().replace(/\.000Z$|Z$/, "+00:00");
}

function docPage(resources: StoredResource[], base: string): string {
  const items = resources
    .map(
      (r) =>
        `<li><a href="${base}/api/resources/${r.resourceId}/swagger/">${escapeHtml(r.title)}</a> <code>${r.resourceId}</code></li>`,
    )
    .join("");
  return (
    `<!doctype html><meta charset="utf-8"><title>Tabular API (sandbox)</title><h1>Tabular API ` +
    `(sandbox)</h1><p>${SYNTHETIC_NOTE}</p><p>Each resource's OpenAPI document lists the filters its columns ` +
    `allow:</p><ul>${items}</ul>`
  );
}

function infoOf(resource: StoredResource): TabularResourceInfo {
  const { resourceId, datasetId, title, format, rows, filesize, table, createdAt } = resource;
  return { resourceId, datasetId, title, format, rows, filesize, table, createdAt };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
