import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PythonType } from "datagouv-kit/query";
import { METRICS_MODELS, metricsColumnType } from "datagouv-kit";
import { VERSION } from "datagouv-kit";
import { ident } from "../db.ts";
import { CORS_HEADERS, sendJson } from "../respond.ts";
import { databaseError } from "../tabular/errors.ts";
import { answerError, SYNTHETIC_NOTE } from "../tabular/index.ts";
import { readPaging, readQuery, servePage, serveStream, type RowSource } from "../tabular/rows.ts";
import { plainTextColumns } from "../tabular/output.ts";
import type { SandboxApi, SandboxContext, SandboxRequest } from "../types.ts";
import { DEFAULT_MONTHS, generateMetrics, type CatalogIds, type MonthRange } from "./generate.ts";

export type { CatalogIds } from "./generate.ts";

export interface MetricsServiceOptions {
  /** Largest page_size (production: 50). */
  maxPageSize?: number;
  streamCap?: number;
  months?: MonthRange;
}

export interface MetricsService extends SandboxApi {
  /** Regenerates the tables for a changed catalog. */
  refresh(ids: CatalogIds): Promise<void>;
  /**
   * The catalog changed: the tables follow it before the Metrics API next answers. A burst of writes costs one
   * regeneration, not one each (regenerating takes far longer than a write).
   */
  changed(ids: () => CatalogIds): void;
}

const TABLE_PREFIX = "metric_";

function typesOf(model: keyof typeof METRICS_MODELS): Record<string, PythonType> {
  return Object.fromEntries(
    METRICS_MODELS[model].map((column) => [
      column,
      metricsColumnType(column) === "count" || column === "__id" ? "int" : "string",
    ]),
  );
}

/** `extend` runs after each regeneration, before anything is read (the synthetic catalog's rows are added there). */
export async function createMetricsService(
  ctx: SandboxContext,
  ids: CatalogIds,
  options: MetricsServiceOptions = {},
  extend?: () => Promise<void>,
): Promise<MetricsService> {
  const maxPageSize = options.maxPageSize ?? 50;
  const streamCap = options.streamCap ?? 50_000;
  const startedAt = new Date().toISOString();
  /** Per model, the text columns none of whose values the CSV stream quotes. */
  const plainText = new Map<string, ReadonlySet<string>>();

  async function refresh(next: CatalogIds): Promise<void> {
    const tables = generateMetrics(next, options.months ?? DEFAULT_MONTHS);
    const dir = await mkdtemp(join(tmpdir(), "datagouv-metrics-"));
    try {
      for (const [model, data] of Object.entries(tables)) {
        const file = join(dir, `${model}.json`);
        await writeFile(file, JSON.stringify(data));
        const columns = METRICS_MODELS[model as keyof typeof METRICS_MODELS].filter((c) => c !== "__id");
        const types = typesOf(model as keyof typeof METRICS_MODELS);
        const spec = columns.map((c) => `${ident(c)}: '${types[c] === "int" ? "BIGINT" : "VARCHAR"}'`).join(", ");
        const order =
          columns
            .filter((c) => c === "metric_month" || c.endsWith("_id"))
            .map(ident)
            .join(", ") || "1";
        // stored in __id order, which streams rely on to skip sorting
        await ctx.db.run(
          `CREATE OR REPLACE TABLE ${ident(TABLE_PREFIX + model)} AS SELECT * FROM (SELECT row_number() OVER ` +
            `(ORDER BY ${order})::BIGINT AS __id, ${columns.map(ident).join(", ")} FROM read_json(?, format = ` +
            `'array', columns = {${spec}})) ORDER BY __id`,
          [file],
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await extend?.();
    for (const model of Object.keys(tables)) {
      const types = typesOf(model as keyof typeof METRICS_MODELS);
      const columns = METRICS_MODELS[model as keyof typeof METRICS_MODELS].filter((c) => c !== "__id");
      plainText.set(
        model,
        new Set(
          await plainTextColumns(
            ctx.db,
            TABLE_PREFIX + model,
            columns.map((name) => ({ name, type: types[name] })),
          ),
        ),
      );
    }
  }

  await refresh(ids);

  let pending: (() => CatalogIds) | undefined;
  let running: Promise<void> | undefined;
  /** Brings the tables up to date with the last change; concurrent readers wait for the same regeneration. */
  async function current(): Promise<void> {
    while (pending || running) {
      if (!running) {
        const ids = pending!();
        pending = undefined;
        running = refresh(ids).finally(() => (running = undefined));
      }
      await running;
    }
  }

  async function handle(request: SandboxRequest): Promise<boolean> {
    const { req, res, path } = request;
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    try {
      if (path === "/health/") {
        sendJson(
          res,
          200,
          {
            status: "ok",
            version: VERSION,
            uptime_since: startedAt,
            sandbox: true,
            synthetic: true,
            note: SYNTHETIC_NOTE,
            catalog: ctx.catalog,
          },
          CORS_HEADERS,
        );
        return true;
      }
      const match = /^\/api\/([^/]+)\/data\/(csv\/)?$/.exec(path);
      if (!match) return false;
      const [, model, csv] = match;
      // the same order as the real service: paging, the query, then PostgREST's answer for the model
      const paging = csv ? undefined : readPaging(request.rawQuery, maxPageSize);
      const query = readQuery(request.rawQuery, {}, paging);
      await current();
      if (!Object.hasOwn(METRICS_MODELS, model))
        throw databaseError(404, "42P01", `relation "metric.${model}" does not exist`);
      const source: RowSource = {
        table: TABLE_PREFIX + model,
        relation: model,
        types: typesOf(model as keyof typeof METRICS_MODELS),
        name: model,
        alwaysCount: true,
        storedInIdOrder: true,
        plainText: plainText.get(model),
      };
      if (paging) await servePage(ctx.db, request, source, query, paging);
      else await serveStream(ctx.db, request, source, query, streamCap, "csv");
      return true;
    } catch (error) {
      return answerError(res, error);
    }
  }

  return {
    handle,
    refresh,
    changed(ids) {
      pending = ids;
    },
  };
}
