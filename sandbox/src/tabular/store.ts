import type { ResourceProfile } from "datagouv-kit";
import type { Duck } from "datagouv-kit/duckdb";
import { ident } from "../db.ts";
import type { TabularResourceInfo } from "../types.ts";
import { computeProfile, type DetectedColumn } from "datagouv-kit/duckdb";
import { loadCsv } from "datagouv-kit/duckdb";
import { SQL_TYPES } from "datagouv-kit/query";
import { plainTextColumns } from "./output.ts";

/** What the sandbox knows of a tabular resource, as stored in its registry table. */
export interface StoredResource extends TabularResourceInfo {
  columns: DetectedColumn[];
  profile: ResourceProfile["profile"];
  /** Columns with an index: aggregation is then allowed on these only. */
  indexes: string[] | null;
  deletedAt: string | null;
  /** Columns written as text (strings, dates, datetimes, json) with no value that PostgreSQL's record text quotes: CSV streams write them without the test. */
  plainText?: string[];
  /** The table's rows were inserted in `__id` order (streams then read them without sorting). */
  storedInIdOrder?: boolean;
}

const REGISTRY = "sandbox_tabular_resources";

/** Tables of the Tabular API: one DuckDB table a resource (`__id` first), and a registry with profiles. */
export class TabularStore {
  readonly db: Duck;
  readonly #resources = new Map<string, StoredResource>();

  constructor(db: Duck) {
    this.db = db;
  }

  async open(): Promise<void> {
    await this.db.run(`CREATE TABLE IF NOT EXISTS ${REGISTRY} (resource_id VARCHAR PRIMARY KEY, info JSON NOT NULL)`);
    for (const { info } of await this.db.all<{ info: string }>(`SELECT info::VARCHAR AS info FROM ${REGISTRY}`)) {
      const resource = JSON.parse(info) as StoredResource;
      this.#resources.set(resource.resourceId, resource);
    }
  }

  get(resourceId: string): StoredResource | undefined {
    return this.#resources.get(resourceId);
  }

  all(): StoredResource[] {
    return [...this.#resources.values()];
  }

  /**
   * Loads a CSV file as a resource: read as text, typed from its content, profiled. The new table replaces any previous
   * one of the same resource in one transaction, so readers see the old rows or the new, never a mix.
   */
  async ingestCsv(input: {
    resourceId: string;
    datasetId: string;
    title: string;
    file: string;
    filesize: number;
    indexes?: string[] | null;
  }): Promise<StoredResource> {
    const staging = `staging_${tableSuffix(input.resourceId)}`;
    try {
      const { columns, separator } = await loadCsv(this.db, input.file, staging);
      return await this.#install({
        ...input,
        format: "csv",
        source: `SELECT * FROM ${ident(staging)} ORDER BY __id`,
        columns,
        separator,
      });
    } finally {
      await this.db.run(`DROP TABLE IF EXISTS ${ident(staging)}`);
    }
  }

  /** Registers a resource whose rows a SQL query produces (seeded data), typed by the given columns. */
  async installQuery(input: {
    resourceId: string;
    datasetId: string;
    title: string;
    sql: string;
    columns: DetectedColumn[];
    filesize?: number;
    indexes?: string[] | null;
  }): Promise<StoredResource> {
    return this.#install({ ...input, format: "csv", source: input.sql, separator: "," });
  }

  /** From now on the Tabular API answers 410 for the resource, naming its dataset. Unknown resources stay 404. */
  async markDeleted(resourceId: string, deletedAt: Date, datasetId?: string): Promise<void> {
    const resource = this.#resources.get(resourceId);
    if (!resource) return;
    const updated = { ...resource, datasetId: datasetId ?? resource.datasetId, deletedAt: deletedAt.toISOString() };
    await this.db.run(`UPDATE ${REGISTRY} SET info = ? WHERE resource_id = ?`, [JSON.stringify(updated), resourceId]);
    this.#resources.set(resourceId, updated);
  }

  async #install(input: {
    resourceId: string;
    datasetId: string;
    title: string;
    format: string;
    source: string;
    columns: DetectedColumn[];
    separator: string;
    filesize?: number;
    indexes?: string[] | null;
  }): Promise<StoredResource> {
    const table = `t_${tableSuffix(input.resourceId)}`;
    const next = `${table}_next`;
    const definition = ["__id BIGINT", ...input.columns.map((c) => `${ident(c.name)} ${SQL_TYPES[c.type]}`)].join(", ");
    await this.db.run(`CREATE OR REPLACE TABLE ${ident(next)} (${definition})`);
    // stored in __id order (the first column), which streams rely on to skip sorting
    await this.db.run(`INSERT INTO ${ident(next)} SELECT * FROM (${input.source}) ORDER BY 1`);
    const profile = await computeProfile(this.db, next, input.columns, {
      encoding: "utf-8",
      separator: input.separator,
    });
    const plainText = await plainTextColumns(this.db, next, input.columns);
    const resource: StoredResource = {
      resourceId: input.resourceId,
      datasetId: input.datasetId,
      title: input.title,
      format: input.format,
      rows: profile.total_lines ?? 0,
      filesize: input.filesize ?? (await this.#csvSize(next)),
      table,
      createdAt: new Date().toISOString(),
      columns: input.columns,
      profile,
      indexes: input.indexes ?? null,
      deletedAt: null,
      plainText,
      storedInIdOrder: true,
    };
    await this.db.run("BEGIN TRANSACTION");
    try {
      await this.db.run(`DROP TABLE IF EXISTS ${ident(table)}`);
      await this.db.run(`ALTER TABLE ${ident(next)} RENAME TO ${ident(table)}`);
      await this.db.run(`INSERT OR REPLACE INTO ${REGISTRY} VALUES (?, ?)`, [
        input.resourceId,
        JSON.stringify(resource),
      ]);
      await this.db.run("COMMIT");
    } catch (error) {
      await this.db.run("ROLLBACK");
      throw error;
    }
    this.#resources.set(input.resourceId, resource);
    return resource;
  }

  /** An estimate of the CSV file's size, from the text of the first rows (every row would take seconds on a large table). */
  async #csvSize(table: string): Promise<number> {
    const [{ sampled, rows, total }] = await this.db.all<{ sampled: number; rows: number; total: number }>(
      `SELECT coalesce(sum(length(CAST(t AS VARCHAR))), 0)::DOUBLE AS sampled, count(*)::DOUBLE AS rows, (SELECT ` +
        `count(*) FROM ${ident(table)})::DOUBLE AS total FROM (SELECT * FROM ${ident(table)} LIMIT 10000) AS t`,
    );
    return rows === 0 ? 0 : Math.round((Number(sampled) / Number(rows)) * Number(total));
  }
}

export function tableSuffix(resourceId: string): string {
  return resourceId.replace(/[^0-9a-zA-Z]/g, "");
}
