import type { Duck } from "datagouv-kit/duckdb";
import type { Doc, Kind, MainSeed } from "./seed.ts";

const TABLE = "sandbox_catalog";

/**
 * The Main API's objects as JSON documents in DuckDB, mirrored in memory for reads. A write goes
 * to DuckDB first, in a transaction, and only then to the mirror: what a client was told is stored, is.
 */
export class MainStore {
  readonly #db: Duck;
  readonly #docs = new Map<Kind, Map<string, Doc>>();
  /** When the catalog last changed: the validator of the site-wide exports. */
  changedAt = new Date(Math.floor(Date.now() / 1000) * 1000);

  constructor(db: Duck) {
    this.#db = db;
  }

  async open(seed: () => MainSeed): Promise<void> {
    await this.#db.run(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (kind VARCHAR, id VARCHAR, doc JSON NOT NULL, PRIMARY KEY (kind, id))`,
    );
    const [{ n }] = await this.#db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${TABLE}`);
    if (n === 0) {
      const { docs } = seed();
      await this.#transaction(async () => {
        for (const { kind, id, doc } of docs)
          await this.#db.run(`INSERT INTO ${TABLE} VALUES (?, ?, ?)`, [kind, id, JSON.stringify(doc)]);
      });
    }
    for (const { kind, id, doc } of await this.#db.all<{ kind: Kind; id: string; doc: string }>(
      `SELECT kind, id, doc::VARCHAR AS doc FROM ${TABLE} ORDER BY rowid`,
    )) {
      this.#map(kind).set(id, JSON.parse(doc));
    }
  }

  /**
   * Documents generated afresh at every start instead of stored (the synthetic catalog: the same each time, and too
   * many to keep twice): read like the others, written to DuckDB once a write changes one. A stored version wins.
   */
  include(docs: { kind: Kind; id: string; doc: Doc }[]): void {
    for (const { kind, id, doc } of docs) {
      const map = this.#map(kind);
      if (!map.has(id)) map.set(id, doc);
    }
  }

  all(kind: Kind): Doc[] {
    return [...this.#map(kind).values()];
  }

  /** By id, or by slug for the kinds that have one. */
  find(kind: Kind, idOrSlug: string): Doc | undefined {
    const map = this.#map(kind);
    return map.get(idOrSlug) ?? [...map.values()].find((doc) => doc.slug === idOrSlug);
  }

  async save(kind: Kind, doc: Doc): Promise<void> {
    await this.#db.run(`INSERT OR REPLACE INTO ${TABLE} VALUES (?, ?, ?)`, [kind, doc.id, JSON.stringify(doc)]);
    this.#map(kind).set(doc.id, doc);
    this.#touch();
  }

  async remove(kind: Kind, id: string): Promise<void> {
    await this.#db.run(`DELETE FROM ${TABLE} WHERE kind = ? AND id = ?`, [kind, id]);
    this.#map(kind).delete(id);
    this.#touch();
  }

  #touch(): void {
    // validators have one-second resolution (Last-Modified): a change always moves the time forward
    this.changedAt = new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, this.changedAt.getTime() + 1000));
  }

  async #transaction(work: () => Promise<void>): Promise<void> {
    await this.#db.run("BEGIN TRANSACTION");
    try {
      await work();
      await this.#db.run("COMMIT");
    } catch (error) {
      await this.#db.run("ROLLBACK");
      throw error;
    }
  }

  #map(kind: Kind): Map<string, Doc> {
    let map = this.#docs.get(kind);
    if (!map) this.#docs.set(kind, (map = new Map()));
    return map;
  }
}
