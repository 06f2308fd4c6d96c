import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Duck } from "datagouv-kit/duckdb";

/**
 * The sandbox's DuckDB database: in memory, or `sandbox.duckdb` in the data directory (DuckDB commits are durable, so
 * an acknowledged write survives a kill). Short queries share its connection; a stream takes one of its own
 * (`connect()`). Every query takes bound parameters; identifiers go through `ident()`.
 */
export function openSandboxDatabase(dataDir?: string, memoryLimit?: string): Promise<Duck> {
  const budget = memoryLimit ? { memoryLimit } : {};
  if (!dataDir) return Duck.open(budget);
  mkdirSync(dataDir, { recursive: true });
  return Duck.open({ path: join(dataDir, "sandbox.duckdb"), ...budget });
}

/** SQL identifiers, double-quoted with embedded quotes doubled (column names such as `nom "propre"` stay safe). */
export { quote as ident } from "datagouv-kit/query";
