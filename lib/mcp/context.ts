import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { DataGouv, type DataGouvOptions } from "../client.ts";
import type { Environment } from "../http/endpoints.ts";

export interface McpOptions {
  /** Where `export_tabular` may write (and nowhere else): default ~/datagouv-mcp. */
  outputDir?: string;
  /** The catalog database `catalog_report` reads; built there on first use when missing. */
  catalogDb?: string;
  /** List the publishing tools (they also need an API key). */
  allowWrites?: boolean;
  /** Deadline of a read tool call (default 60 s). */
  timeoutMs?: number;
  /** Deadline of an export, a local SQL run or a catalog build (default 15 minutes). */
  longTimeoutMs?: number;
  /** DuckDB's memory budget for local runs (default 512MB). */
  sqlMemoryLimit?: string;
  /** How long one `sql_resource` statement may run (default 60 s). */
  sqlTimeoutMs?: number;
  env?: Environment;
  /** Passed to the client (tests point it at a sandbox). */
  client?: DataGouvOptions;
}

/** What every tool call shares: one client, one output folder, the limits. */
export interface McpContext {
  dg: DataGouv;
  outputDir: string;
  cacheDir: string;
  catalogDb: string;
  writes: boolean;
  timeoutMs: number;
  longTimeoutMs: number;
  sqlMemoryLimit: string;
  sqlTimeoutMs: number;
}

export function createContext(
  options: McpOptions = {},
  environment: Record<string, string | undefined> = process.env,
): McpContext {
  const outputDir = resolve(options.outputDir ?? join(homedir(), "datagouv-mcp"));
  const dg = new DataGouv(
    {
      env: options.env,
      // an assistant waits on each call: fail fast rather than retry for minutes
      timeoutMs: 20_000,
      retry: { retries: 2, maxDelayMs: 5_000 },
      // stdout carries the protocol: whatever the client reports goes to stderr
      logger: { warn: (line) => process.stderr.write(`datagouv: ${line}\n`) },
      ...options.client,
    },
    environment,
  );
  return {
    dg,
    outputDir,
    cacheDir: environment.DATAGOUV_CACHE_DIR ?? join(outputDir, ".cache"),
    catalogDb: resolve(options.catalogDb ?? join(outputDir, "catalog.duckdb")),
    writes: Boolean(options.allowWrites) && dg.http.hasApiKey,
    timeoutMs: options.timeoutMs ?? 60_000,
    longTimeoutMs: options.longTimeoutMs ?? 15 * 60_000,
    sqlMemoryLimit: options.sqlMemoryLimit ?? "512MB",
    sqlTimeoutMs: options.sqlTimeoutMs ?? 60_000,
  };
}
