import type { DuckDBPreparedStatement } from "@duckdb/node-api";
import type { Duck } from "datagouv-kit/duckdb";
import type { Doc, Kind, MainSeed } from "./seed.ts";

const LOG = "sandbox_catalog_log";
/** The most versions one statement appends. */
const BATCH = 64;
/** The table of earlier versions (one row per object, kept up to date in place), read once into the log. */
const FORMER = "sandbox_catalog";

/**
 * The Main API's objects as JSON documents in DuckDB, mirrored in memory for reads (the catalog is small). DuckDB is
 * an append-only log of versions (a removal is a version without a document): appending through a prepared statement
 * costs a fraction of a millisecond where updating a keyed row in place costs several. Writes that arrive while one
 * is being committed are committed together, in one statement (one commit, one sync of the file): each is durable
 * before the mirror changes and its caller hears back, so what a client was told is stored, is. Opening keeps only
 * each object's last version. Documents generated at start (`include`) are
 * mirrored only.
 */
export class MainStore {
  readonly #db: Duck;
  readonly #docs = new Map<Kind, Map<string, Doc>>();
  readonly #slugs = new Map<Kind, Map<string, string>>();
  /** The store's own connection: its statements never mix with the other APIs' queries. */
  #connection?: Duck;
  /** Prepared appends of 1, 2, … versions at once. */
  readonly #appends = new Map<number, DuckDBPreparedStatement>();
  #seq = 0;
  #pending: { version: [Kind, string, string | null]; done: (error?: unknown) => void }[] = [];
  #flushing = false;
  #changedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  #handedOut = false;
  /** Counts the catalog's changes: the strong validator of the site-wide exports. */
  version = 0;

  constructor(db: Duck) {
    this.#db = db;
  }

  async open(seed: () => MainSeed): Promise<void> {
    this.#connection = await this.#db.connect();
    await this.#db.run(`CREATE TABLE IF NOT EXISTS ${LOG} (seq BIGINT, kind VARCHAR, id VARCHAR, doc VARCHAR)`);
    const latest = await this.#db.all<{ kind: Kind; id: string; doc: string | null }>(
      `SELECT kind, id, doc FROM (SELECT kind, id, doc, seq, min(seq) OVER w AS first,
         row_number() OVER (w ORDER BY seq DESC) AS version FROM ${LOG} WINDOW w AS (PARTITION BY kind, id))
       WHERE version = 1 AND doc IS NOT NULL ORDER BY first`,
    );
    const rows = latest.length
      ? latest
      : ((await this.#former()) ?? seed().docs.map(({ kind, id, doc }) => ({ kind, id, doc: JSON.stringify(doc) })));
    // the log starts again from the live versions, so that it does not grow across restarts
    await this.#transaction(async () => {
      await this.#connection!.run(`DELETE FROM ${LOG}`);
      await this.#connection!.run(`DROP TABLE IF EXISTS ${FORMER}`);
      for (let i = 0; i < rows.length; i += BATCH)
        await this.#append(rows.slice(i, i + BATCH).map(({ kind, id, doc }) => [kind, id, doc]));
    });
    for (const { kind, id, doc } of rows) this.#mirror(kind, JSON.parse(doc!), id);
  }

  /**
   * Documents generated afresh at every start instead of stored (the synthetic catalog: the same each time, and too
   * many to keep twice): read like the others, written to DuckDB once a write changes one. A stored version wins.
   */
  include(docs: { kind: Kind; id: string; doc: Doc }[]): void {
    for (const { kind, id, doc } of docs) {
      if (!this.#map(kind).has(id)) this.#mirror(kind, doc, id);
    }
  }

  all(kind: Kind): Doc[] {
    return [...this.#map(kind).values()];
  }

  /** By id, or by slug for the kinds that have one. */
  find(kind: Kind, idOrSlug: string): Doc | undefined {
    const map = this.#map(kind);
    return map.get(idOrSlug) ?? map.get(this.#slugs.get(kind)?.get(idOrSlug) ?? "");
  }

  async save(kind: Kind, doc: Doc): Promise<void> {
    await this.#write(kind, doc.id, JSON.stringify(doc));
    this.#mirror(kind, doc, doc.id);
    this.#touch();
  }

  async remove(kind: Kind, id: string): Promise<void> {
    await this.#write(kind, id, null);
    const doc = this.#map(kind).get(id);
    if (doc?.slug) this.#slugs.get(kind)?.delete(doc.slug);
    this.#map(kind).delete(id);
    this.#touch();
  }

  #write(kind: Kind, id: string, doc: string | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ version: [kind, id, doc], done: (error) => (error ? reject(error) : resolve()) });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length) {
      const batch = this.#pending.splice(0, BATCH);
      try {
        await this.#append(batch.map((write) => write.version));
        for (const write of batch) write.done();
      } catch (error) {
        for (const write of batch) write.done(error);
      }
    }
    this.#flushing = false;
  }

  /** Appends versions in one statement, in order. */
  async #append(versions: [Kind, string, string | null][]): Promise<void> {
    let statement = this.#appends.get(versions.length);
    if (!statement) {
      const rows = versions.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`);
      statement = await this.#connection!.connection.prepare(`INSERT INTO ${LOG} VALUES ${rows.join(", ")}`);
      this.#appends.set(versions.length, statement);
    }
    versions.forEach(([kind, id, doc], i) => {
      statement.bindBigInt(4 * i + 1, BigInt(++this.#seq));
      statement.bindVarchar(4 * i + 2, kind);
      statement.bindVarchar(4 * i + 3, id);
      if (doc === null) statement.bindNull(4 * i + 4);
      else statement.bindVarchar(4 * i + 4, doc);
    });
    await statement.run();
  }

  close(): void {
    this.#connection?.close();
  }

  #mirror(kind: Kind, doc: Doc, id: string): void {
    this.#map(kind).set(id, doc);
    if (typeof doc.slug === "string" && doc.slug) {
      let slugs = this.#slugs.get(kind);
      if (!slugs) this.#slugs.set(kind, (slugs = new Map()));
      slugs.set(doc.slug, id);
    }
  }

  /** The objects an earlier version of the sandbox stored, if this database has them. */
  async #former(): Promise<{ kind: Kind; id: string; doc: string }[] | undefined> {
    const [{ n }] = await this.#db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = '${FORMER}'`,
    );
    if (n === 0) return undefined;
    const rows = await this.#db.all<{ kind: Kind; id: string; doc: string }>(
      `SELECT kind, id, doc::VARCHAR AS doc FROM ${FORMER} ORDER BY rowid`,
    );
    return rows.length ? rows : undefined;
  }

  /** When the catalog last changed, as a Last-Modified date handed to a client. */
  lastModified(): Date {
    this.#handedOut = true;
    return this.#changedAt;
  }

  #touch(): void {
    this.version++;
    // Last-Modified has one-second resolution: once a client holds it, a change must move it forward
    const floor = Math.floor(Date.now() / 1000) * 1000;
    const previous = this.#changedAt.getTime();
    this.#changedAt = new Date(Math.max(floor, this.#handedOut ? previous + 1000 : previous));
    this.#handedOut = false;
  }

  async #transaction(work: () => Promise<void>): Promise<void> {
    await this.#connection!.run("BEGIN TRANSACTION");
    try {
      await work();
      await this.#connection!.run("COMMIT");
    } catch (error) {
      await this.#connection!.run("ROLLBACK");
      throw error;
    }
  }

  #map(kind: Kind): Map<string, Doc> {
    let map = this.#docs.get(kind);
    if (!map) this.#docs.set(kind, (map = new Map()));
    return map;
  }
}
