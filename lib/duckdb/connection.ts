import { tmpdir } from "node:os";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import type { Queryable } from "./detect.ts";

/** A DuckDB connection with the small query interface the loaders use. */
export class Duck implements Queryable {
  readonly connection: DuckDBConnection;
  readonly #instance?: DuckDBInstance;

  private constructor(connection: DuckDBConnection, instance?: DuckDBInstance) {
    this.connection = connection;
    this.#instance = instance;
  }

  /**
   * An in-memory database of our own, with extension downloads off (the toolkit works offline), within a memory
   * budget (`DEFAULT_MEMORY_LIMIT` unless given): past it DuckDB spills to disk rather than growing with the export.
   */
  static async memory(memoryLimit: string = DEFAULT_MEMORY_LIMIT): Promise<Duck> {
    const instance = await DuckDBInstance.create(":memory:", {
      autoinstall_known_extensions: "false",
      memory_limit: checkMemoryLimit(memoryLimit),
      temp_directory: tmpdir(),
    });
    return new Duck(await instance.connect(), instance);
  }

  /** Wraps a caller's connection (not closed by `close()`). */
  static wrap(connection: DuckDBConnection): Duck {
    return new Duck(connection);
  }

  async run(sql: string, params?: unknown[]): Promise<void> {
    await this.connection.run(sql, params as DuckDBValue[] | undefined);
  }

  async all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[] | undefined);
    return reader.getRowObjectsJS() as T[];
  }

  close(): void {
    if (!this.#instance) return;
    this.connection.closeSync();
    this.#instance.closeSync();
  }
}

/**
 * DuckDB's memory budget for exports: 128 MB keeps memory flat whatever the size of the result. Within it the Parquet
 * writer keeps the rows in order on one thread; a larger budget (`memoryLimit`, `--memory-limit`) lets it use every
 * core, for up to about 120 MB more peak memory at 1,000,000 rows (measured by `npm run bench`).
 */
export const DEFAULT_MEMORY_LIMIT = "128MB";

/** A size DuckDB's memory_limit takes ("512MB", "2GiB"), returned as is; anything else is refused with an example. */
export function checkMemoryLimit(size: string): string {
  if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(size.trim()))
    throw new TypeError(`memory limit ${JSON.stringify(size)}: expected a size such as 512MB or 2GB`);
  return size.trim();
}

/** A SQL string literal (for file paths in COPY and read_* calls, which take no parameters in every position). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
