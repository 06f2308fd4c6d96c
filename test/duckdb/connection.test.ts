import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../lib/duckdb/index.ts";

/** The one DuckDB wrapper: the databases it opens, the connections it hands out, and what closing closes. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "datagouv-duck-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const setting = async (duck: Duck, name: string) =>
  (await duck.all<{ value: unknown }>("SELECT current_setting(?) AS value", [name]))[0].value;

describe("Duck", () => {
  it("a file keeps its tables; read-only it answers reads and refuses writes", async () => {
    const path = join(dir, "kept.duckdb");
    const writer = await Duck.open({ path });
    await writer.run(
      "CREATE TABLE communes AS SELECT * FROM (VALUES ('01001', 'L''Abergement-Clémenciat')) t(code, nom)",
    );
    writer.close();
    const reader = await Duck.open({ path, readOnly: true });
    try {
      expect(await reader.all("SELECT code, nom FROM communes")).toEqual([
        { code: "01001", nom: "L'Abergement-Clémenciat" },
      ]);
      await expect(reader.run("INSERT INTO communes VALUES ('01002', 'L''Abergement-de-Varey')")).rejects.toThrow(
        /read-only/i,
      );
    } finally {
      reader.close();
    }
  });

  it("extension downloads are off; a memory budget is DuckDB's, spilling into the system's temporary directory", async () => {
    const duck = await Duck.open({ memoryLimit: "256MB" });
    try {
      expect(await setting(duck, "autoinstall_known_extensions")).toBe(false);
      expect(await setting(duck, "memory_limit")).toMatch(/^(244\.1 MiB|256\.0 MB)$/);
      expect(await setting(duck, "temp_directory")).toBe(tmpdir());
    } finally {
      duck.close();
    }
    await expect(Duck.open({ memoryLimit: "lots" })).rejects.toThrow(/expected a size such as 512MB/);
  });

  it("connect() shares the database; the database lasts until it and every connection it handed out are closed", async () => {
    const path = join(dir, "shared.duckdb");
    const duck = await Duck.open({ path });
    const other = await duck.connect();
    await duck.run("CREATE TABLE shared AS SELECT 42 AS answer");
    expect(await other.all("SELECT answer FROM shared")).toEqual([{ answer: 42 }]);
    other.close();
    await expect(other.all("SELECT 1")).rejects.toThrow();
    expect(await duck.all("SELECT answer FROM shared")).toEqual([{ answer: 42 }]);
    const last = await duck.connect();
    duck.close();
    await expect(duck.all("SELECT 1")).rejects.toThrow();
    expect(await last.all("SELECT answer FROM shared")).toEqual([{ answer: 42 }]);
    last.close();
    const again = await Duck.open({ path, readOnly: true });
    expect(await again.all("SELECT answer FROM shared")).toEqual([{ answer: 42 }]);
    again.close();
  });

  it("interrupt() stops the query running on that connection alone", async () => {
    const duck = await Duck.open();
    const stream = await duck.connect();
    try {
      const long = stream.all("SELECT sum(i * i) AS s FROM range(100000000000) t(i)");
      // the interruption reaches a query only once it runs: repeat until it has
      const interrupting = setInterval(() => stream.interrupt(), 20);
      await expect(long).rejects.toThrow(/interrupt/i);
      clearInterval(interrupting);
      expect(await duck.all("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      stream.close();
      duck.close();
    }
  });

  it("a wrapped connection stays the caller's: close() leaves it open, and it has no database to connect to again", async () => {
    const owner = await Duck.open();
    try {
      const wrapped = Duck.wrap(owner.connection);
      wrapped.close();
      expect(await owner.all("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await expect(wrapped.connect()).rejects.toThrow(/wrapped connection/);
    } finally {
      owner.close();
    }
  });
});
