import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The sandbox's DuckDB database: in memory, or one file under the data directory (DuckDB commits are durable, so an
 * acknowledged write survives a kill). Every query takes bound parameters; identifiers go through `ident()`.
 */
export class SandboxDb {
  readonly instance: DuckDBInstance;
  readonly path: string;
  #shared?: DuckDBConnection;

  private constructor(instance: DuckDBInstance, path: string) {
    this.instance = instance;
    this.path = path;
  }

  static async open(dataDir?: string): Promise<SandboxDb> {
    let path = ":memory:";
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      path = join(dataDir, "sandbox.duckdb");
    }
    const instance = await DuckDBInstance.create(path, {
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "true",
    });
    return new SandboxDb(instance, path);
  }

  /** A new connection: use one per streaming request, so a long stream does not hold up other requests. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** A connection shared by short queries. */
  async shared(): Promise<DuckDBConnection> {
    this.#shared ??= await this.instance.connect();
    return this.#shared;
  }

  async run(sql: string, params?: unknown[] | Record<string, DuckDBValue>): Promise<void> {
    const connection = await this.shared();
    await connection.run(sql, params as DuckDBValue[] | Record<string, DuckDBValue>);
  }

  /** Rows as plain JS objects (BIGINT as bigint unless cast in SQL; use `::DOUBLE` or `::INTEGER` where a number is wanted). */
  async all<T = Record<string, unknown>>(sql: string, params?: unknown[] | Record<string, DuckDBValue>): Promise<T[]> {
    const connection = await this.shared();
    const reader = await connection.runAndReadAll(sql, params as DuckDBValue[] | Record<string, DuckDBValue>);
    return reader.getRowObjectsJS() as T[];
  }

  close(): void {
    this.#shared?.closeSync();
    this.#shared = undefined;
    this.instance.closeSync();
  }
}

/** SQL identifiers, double-quoted with embedded quotes doubled (column names such as `nom "propre"` stay safe). */
export { quote as ident } from "datagouv-kit/query";
