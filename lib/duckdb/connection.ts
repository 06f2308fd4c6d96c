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

  /** An in-memory database of our own, with extension downloads off (the toolkit works offline). */
  static async memory(): Promise<Duck> {
    // a bounded memory budget: DuckDB spills to disk rather than growing with the export
    const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", memory_limit: "128MB", temp_directory: tmpdir() });
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

/** A SQL string literal (for file paths in COPY and read_* calls, which take no parameters in every position). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
