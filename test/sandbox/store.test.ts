import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSandboxDatabase } from "../../sandbox/src/db.ts";
import { MainStore } from "../../sandbox/src/main/store.ts";

/** The Main API's store over a database file: versions appended, the last one read back, earlier layouts kept. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "datagouv-store-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const seed = () => ({ docs: [{ kind: "datasets" as const, id: "a", doc: { id: "a", slug: "alpha", title: "A" } }] });

async function reopened(path: string, work?: (store: MainStore) => Promise<void>): Promise<MainStore> {
  const db = await openSandboxDatabase(path);
  const store = new MainStore(db);
  await store.open(seed);
  await work?.(store);
  store.close();
  db.close();
  return store;
}

describe("MainStore", () => {
  it("concurrent writes all land, in order, and a reopened store has each object's last version", async () => {
    const path = join(dir, "log");
    await reopened(path, async (store) => {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.save("datasets", { id: `d${i % 20}`, slug: `s${i % 20}`, n: i })),
      );
      await store.remove("datasets", "d3");
      expect(store.find("datasets", "s7")?.n).toBe(187);
    });
    const db = await openSandboxDatabase(path);
    const store = new MainStore(db);
    try {
      await store.open(() => {
        throw new Error("a stored catalog is not seeded again");
      });
      expect(store.all("datasets").map((d) => d.id)).toEqual([
        "a",
        ...Array.from({ length: 20 }, (_, i) => `d${i}`).filter((id) => id !== "d3"),
      ]);
      expect(store.find("datasets", "s19")?.n).toBe(199);
      expect(store.find("datasets", "d3")).toBeUndefined();
      // reopening kept only the live versions
      const [{ n }] = await db.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM sandbox_catalog_log");
      expect(n).toBe(20);
    } finally {
      store.close();
      db.close();
    }
  });

  it("a data directory of an earlier version (one row per object) is read as it was", async () => {
    const path = join(dir, "former");
    const db = await openSandboxDatabase(path);
    await db.run("CREATE TABLE sandbox_catalog (kind VARCHAR, id VARCHAR, doc JSON NOT NULL, PRIMARY KEY (kind, id))");
    await db.run(`INSERT INTO sandbox_catalog VALUES ('datasets', 'z', '{"id": "z", "slug": "zeta", "title": "Z"}')`);
    db.close();
    let found: unknown;
    await reopened(path, async (store) => {
      found = store.find("datasets", "zeta");
    });
    expect(found).toEqual({ id: "z", slug: "zeta", title: "Z" });
  });
});
