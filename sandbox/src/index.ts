import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { openSandboxDatabase } from "./db.ts";
import { Faults } from "./faults.ts";
import { serveFile } from "./files.ts";
import { buildMainSeed, MainStore, createMainApi, generatedKey, parseApiKeys } from "./main/index.ts";
import { createMetricsService, type CatalogIds, type MetricsServiceOptions } from "./metrics/index.ts";
import { RateLimiter, type RateLimitOptions } from "./ratelimit.ts";
import type { SandboxContext } from "./types.ts";
import type { Doc } from "./main/seed.ts";
import { createSandboxServer } from "./server.ts";
import { createTabularService, type TabularServiceOptions } from "./tabular/index.ts";
import { addSyntheticCatalog, mergeSyntheticMetrics, type CatalogSize } from "./synthetic/index.ts";
import { DEFAULT_MONTHS } from "./metrics/generate.ts";

export { SYNTHETIC_NOTE } from "./tabular/index.ts";
export { BIG_RESOURCE_ID, DELETED_RESOURCE, SEED_ORGANIZATIONS, SEED_TABULAR } from "./tabular/datasets.ts";
export { parseFaults, FaultSpecError } from "./faults.ts";
export { parseApiKeys } from "./main/index.ts";
export type { TabularServiceOptions } from "./tabular/index.ts";
export type { MetricsServiceOptions } from "./metrics/index.ts";
export { FULL_CATALOG, type CatalogLabel, type CatalogSize } from "./synthetic/index.ts";

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Keep the sandbox's state here (DuckDB file, uploaded files) across restarts; in memory otherwise. */
  dataDir?: string;
  /** `KEY` or `KEY@org-a,org-b`; without any, one key is generated and logged. */
  apiKeys?: string[];
  /** Fault injection rules (see faults.ts). */
  faults?: string;
  /** Answer 429 past `limit` requests per `windowMs` per client; off by default. */
  rateLimit?: RateLimitOptions;
  tabular?: TabularServiceOptions;
  metrics?: MetricsServiceOptions;
  /**
   * "seed" (the default): udata's fixture and the real tables. "full", or a number of datasets: a deterministic
   * synthetic catalog of the real platform's size and shape around them, labelled synthetic in every /health/.
   */
  catalog?: CatalogSize;
  log?: (line: string) => void;
  /** Called for every request received (method, path and the query string as sent), e.g. to count what a client fetched. */
  onRequest?: (method: string, path: string, query: string) => void;
}

export interface Sandbox {
  url: string;
  apiKeys: string[];
  faults: { set(spec: string): void; clear(): void };
  close(): Promise<void>;
}

/** Starts the embedded data.gouv.fr: Main API at /api/, Tabular at /tabular/api/, Metrics at /metrics/api/. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const size = options.catalog ?? "seed";
  const scratch = options.dataDir ? undefined : await mkdtemp(join(tmpdir(), "datagouv-sandbox-"));
  // a synthetic catalog's metrics are millions of rows: in a database file, which DuckDB compresses and pages within
  // its memory budget, rather than in memory, which it does not compress
  const db = await (
    size === "seed" ? openSandboxDatabase(options.dataDir) : openSandboxDatabase(options.dataDir ?? scratch, "512MB")
  ).catch(async (error: unknown) => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    throw error;
  });
  const filesDir = join(options.dataDir ?? scratch!, "files");
  try {
    // an upload cut by a crash leaves its temporary file behind; it was never acknowledged
    for (const name of await readdir(filesDir).catch(() => [] as string[]))
      if (name.startsWith(".upload-")) await rm(join(filesDir, name), { force: true });
    const ctx: SandboxContext = { db, dataDir: options.dataDir, catalog: { synthetic: false } };
    const tabular = await createTabularService(ctx, { ...options.tabular, log });
    const store = new MainStore(db);
    await store.open(() => buildMainSeed(tabular.resources()));
    const months = options.metrics?.months ?? DEFAULT_MONTHS;
    const synthetic = await addSyntheticCatalog(store, db, size, months, log);
    if (synthetic) ctx.catalog = synthetic.label;
    // the seed's metrics come from its ids; the synthetic catalog's were computed apart, and are merged in
    const seeded = (doc: Doc) => !synthetic?.has(doc.id);
    const catalogIds = (): CatalogIds => {
      const datasets = store.all("datasets").filter((d) => !d.deleted && seeded(d));
      return {
        datasets: datasets.map((d) => ({ id: d.id, organizationId: d.organization?.id })),
        resources: datasets.flatMap((d) =>
          (d.resources ?? []).map((r: { id: string }) => ({ id: r.id, datasetId: d.id })),
        ),
        organizations: store
          .all("organizations")
          .filter(seeded)
          .map((o) => o.id),
        reuses: store
          .all("reuses")
          .filter(seeded)
          .map((r) => ({ id: r.id, organizationId: r.organization?.id })),
        dataservices: store
          .all("dataservices")
          .filter(seeded)
          .map((s) => ({ id: s.id, organizationId: s.organization?.id })),
      };
    };
    // the synthetic rows join the seed's each time the tables are regenerated
    const metrics = await createMetricsService(
      ctx,
      catalogIds(),
      options.metrics,
      synthetic ? () => mergeSyntheticMetrics(db) : undefined,
    );
    const keys = options.apiKeys?.length ? options.apiKeys : [generatedKey()];
    if (!options.apiKeys?.length) log(`no --api-key given: writes accept the generated key ${keys[0]}`);
    const accounts = parseApiKeys(keys);
    const main = createMainApi({
      store,
      tabular,
      accounts,
      filesDir,
      catalog: ctx.catalog,
      changed: () => metrics.changed(catalogIds),
    });
    const files = {
      handle: (request: Parameters<typeof main.handle>[0]) => serveFile(request, filesDir, db, tabular.store),
    };
    const faults = new Faults(options.faults);
    const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
    const server = createSandboxServer({ main, tabular, metrics, files }, faults, limiter, log, options.onRequest);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1";
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    let closed = false;
    return {
      url,
      apiKeys: accounts.map((a) => a.key),
      faults: { set: (spec) => faults.set(spec), clear: () => faults.clear() },
      async close() {
        if (closed) return;
        closed = true;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        store.close();
        db.close();
        if (scratch) await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    db.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
