import { tmpdir } from "node:os";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import type { Queryable } from "./detect.ts";

export interface DuckOptions {
  /** A database file, created unless read-only; in memory when absent. */
  path?: string;
  /** Reading only: other processes may open the same file read-only meanwhile. */
  readOnly?: boolean;
  /**
   * DuckDB's memory budget ("512MB"): past it DuckDB spills to disk (an in-memory database into the system's
   * temporary directory) rather than growing. DuckDB's own default, most of the machine's memory, when absent.
   */
  memoryLimit?: string;
}

/** Whether `close()` closes the connection only (one of several on a database) or the database with it. */
type Owned = "nothing" | "connection" | "database";

/** A DuckDB database and a connection to it, with the small query interface the toolkit and the sandbox use. */
export class Duck implements Queryable {
  readonly connection: DuckDBConnection;
  readonly #instance?: DuckDBInstance;
  readonly #owned: Owned;
  #closed = false;

  private constructor(connection: DuckDBConnection, instance: DuckDBInstance | undefined, owned: Owned) {
    this.connection = connection;
    this.#instance = instance;
    this.#owned = owned;
  }

  /** A database of our own with extension downloads off (the toolkit works offline); `close()` closes it. */
  static async open(options: DuckOptions = {}): Promise<Duck> {
    const config: Record<string, string> = { autoinstall_known_extensions: "false" };
    if (options.readOnly) config.access_mode = "READ_ONLY";
    if (options.memoryLimit !== undefined) {
      config.memory_limit = checkMemoryLimit(options.memoryLimit);
      if (options.path === undefined) config.temp_directory = tmpdir();
    }
    const instance = await DuckDBInstance.create(options.path ?? ":memory:", config);
    try {
      return new Duck(await instance.connect(), instance, "database");
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** An in-memory database for one export, within a memory budget (`DEFAULT_MEMORY_LIMIT` unless given). */
  static memory(memoryLimit: string = DEFAULT_MEMORY_LIMIT): Promise<Duck> {
    return Duck.open({ memoryLimit });
  }

  /** Wraps a caller's connection (not closed by `close()`). */
  static wrap(connection: DuckDBConnection): Duck {
    return new Duck(connection, undefined, "nothing");
  }

  /** Another connection to the same database, so a long query does not hold up the others; `close()` closes it alone. */
  async connect(): Promise<Duck> {
    if (!this.#instance) throw new Error("a wrapped connection has no database of ours to connect to again");
    return new Duck(await this.#instance.connect(), this.#instance, "connection");
  }

  async run(sql: string, params?: unknown[]): Promise<void> {
    await this.connection.run(sql, params as DuckDBValue[] | undefined);
  }

  /** Rows as plain JS objects (BIGINT as bigint unless cast in SQL; use `::DOUBLE` or `::INTEGER` for a number). */
  async all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[] | undefined);
    return reader.getRowObjectsJS() as T[];
  }

  /** Stops the query running on this connection: it fails with an interruption error. */
  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    if (this.#owned === "nothing" || this.#closed) return;
    this.#closed = true;
    this.connection.closeSync();
    if (this.#owned === "database") this.#instance?.closeSync();
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
