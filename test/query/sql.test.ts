import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { DatabaseError, querySql, quote, UnknownColumn } from "../../lib/query/sql.ts";
import type { Condition, PythonType, QuerySpec } from "../../lib/query/ast.ts";

/** The query model as DuckDB SQL, run on a small table with the meaning PostgREST gives it over PostgreSQL. */

const TYPES: Record<string, PythonType> = {
  __id: "int",
  nom: "string",
  n: "int",
  x: "float",
  ok: "bool",
  jour: "date",
  'nom "propre".v': "int",
};
const ROWS = [
  [1, "Paris", 10, 1.5, true, "2024-01-01", 1],
  [2, "Lyon", 20, null, false, "2024-02-01", 2],
  [3, "Saint-Étienne", null, 3.25, null, null, 3],
  [4, "paris-plage", 40, 4.0, true, "2024-04-01", null],
  [5, "Lille", 10, 0.5, false, "2024-05-01", 5],
];
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  await connection.run(
    `CREATE TABLE t (__id BIGINT, nom VARCHAR, n BIGINT, x DOUBLE, ok BOOLEAN, jour DATE, ${quote('nom "propre".v')} BIGINT)`,
  );
  for (const row of ROWS)
    await connection.run("INSERT INTO t VALUES (?, ?, ?, ?, ?, CAST(? AS DATE), ?)", row as DuckDBValue[]);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function run(
  spec: Partial<QuerySpec>,
  options?: Parameters<typeof querySql>[3],
): Promise<Record<string, unknown>[]> {
  const { sql, params } = querySql({ where: [], aggregations: [], ...spec }, "t", TYPES, options);
  return (await connection.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
}
const ids = async (...where: Condition[]) => (await run({ where })).map((r) => Number(r.__id));
const f = (column: string, op: string, value?: string | string[]): Condition =>
  ({ type: "filter", column, op, value }) as Condition;
const sqlOf =
  (...where: Condition[]) =>
  () =>
    querySql({ where, aggregations: [] }, "t", TYPES);

describe("operators", () => {
  it("exact compares with the column's type", async () => {
    expect(await ids(f("n", "exact", "10"))).toEqual([1, 5]);
    expect(await ids(f("x", "exact", "4"))).toEqual([4]);
    expect(await ids(f("ok", "exact", "true"))).toEqual([1, 4]);
    expect(await ids(f("jour", "exact", "2024-02-01"))).toEqual([2]);
  });

  it("differs keeps NULLs (IS DISTINCT FROM)", async () => {
    expect(await ids(f("n", "differs", "10"))).toEqual([2, 3, 4]);
  });

  it("less is inclusive (<=), greater is inclusive (>=)", async () => {
    expect(await ids(f("n", "less", "20"))).toEqual([1, 2, 5]);
    expect(await ids(f("n", "greater", "20"))).toEqual([2, 4]);
  });

  it("strictly_less (<) and strictly_greater (>) are strict", async () => {
    expect(await ids(f("n", "strictly_less", "20"))).toEqual([1, 5]);
    expect(await ids(f("n", "strictly_greater", "20"))).toEqual([4]);
  });

  it("contains: '%', '_' and '\\' match themselves (escaped for PostgreSQL's LIKE); a raw pattern keeps its wildcards", async () => {
    expect(await ids(f("nom", "contains", "a_i"))).toEqual([]);
    expect(await ids({ type: "filter", column: "nom", op: "contains", pattern: "%a_i%" })).toEqual([1, 4]);
    expect(await ids({ type: "filter", column: "nom", op: "contains", pattern: "%\\%%" })).toEqual([]);
  });

  it("contains is a case-insensitive substring; '*' is a wildcard", async () => {
    expect(await ids(f("nom", "contains", "PARIS"))).toEqual([1, 4]);
    expect(await ids(f("nom", "contains", "s*t"))).toEqual([3]);
    expect(await ids(f("nom", "contains", "P*GE"))).toEqual([4]);
    expect(await ids(f("nom", "notcontains", "paris"))).toEqual([2, 3, 5]);
  });

  it("in and notin take lists; an empty list matches nothing, its negation everything", async () => {
    expect(await ids(f("n", "in", ["10", "40"]))).toEqual([1, 4, 5]);
    expect(await ids(f("n", "notin", ["10", "40"]))).toEqual([2]);
    expect(await ids(f("n", "in", []))).toEqual([]);
    expect(await ids(f("n", "notin", []))).toEqual([1, 2, 3, 4, 5]);
  });

  it("isnull and isnotnull", async () => {
    expect(await ids(f("x", "isnull"))).toEqual([2]);
    expect(await ids(f("x", "isnotnull"))).toEqual([1, 3, 4, 5]);
  });

  it("top-level conditions are ANDed; or/and groups nest", async () => {
    expect(await ids(f("n", "exact", "10"), f("ok", "exact", "false"))).toEqual([5]);
    expect(
      await ids({
        type: "or",
        items: [f("n", "exact", "40"), { type: "and", items: [f("n", "exact", "10"), f("x", "less", "1")] }],
      }),
    ).toEqual([4, 5]);
  });
});

describe("values are bound parameters, read by PostgreSQL's rules", () => {
  it("a value holding SQL stays a value", async () => {
    expect(await ids(f("nom", "exact", "x' OR '1'='1"))).toEqual([]);
    const { sql, params } = sqlOf(f("nom", "exact", "x' OR '1'='1"))();
    expect(sql).not.toContain("OR '1'");
    expect(params).toEqual(["x' OR '1'='1"]);
  });

  const refusal = (condition: Condition): { code: string; message: string } => {
    try {
      sqlOf(condition)();
    } catch (error) {
      if (error instanceof DatabaseError) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error("not refused");
  };

  it("an integer column refuses '1.5' (DuckDB would round it): 22P02, naming hydra's BIGINT", () => {
    expect(refusal(f("n", "exact", "1.5"))).toEqual({
      code: "22P02",
      message: 'invalid input syntax for type bigint: "1.5"',
    });
    expect(refusal(f("n", "exact", "9223372036854775808"))).toEqual({
      code: "22003",
      message: 'value "9223372036854775808" is out of range for type bigint',
    });
    // hydra's __id is a SERIAL: an integer
    expect(refusal(f("__id", "exact", "x")).message).toBe('invalid input syntax for type integer: "x"');
  });

  it("dates and timestamps: 22007 for what is no date, 22008 for a day that does not exist", () => {
    expect(refusal(f("jour", "greater", "2024"))).toEqual({
      code: "22007",
      message: 'invalid input syntax for type date: "2024"',
    });
    expect(refusal(f("jour", "exact", "2024-02-30")).code).toBe("22008");
  });

  it("a double past its range is 22003, as PostgreSQL's strtod check says (DuckDB would read infinity)", () => {
    expect(refusal(f("x", "less", "1e400"))).toEqual({
      code: "22003",
      message: '"1e400" is out of range for type double precision',
    });
  });

  it("ILIKE is text's: contains on a number or a date has no operator (42883)", () => {
    expect(refusal(f("n", "contains", "1")).message).toBe("operator does not exist: bigint ~~* unknown");
    expect(refusal(f("jour", "contains", "2024")).code).toBe("42883");
  });

  it("floats read plain and scientific notation, and nothing else", async () => {
    expect(await ids(f("x", "less", "3.25e0"))).toEqual([1, 3, 5]);
    expect(sqlOf(f("x", "less", "1,5"))).toThrow(DatabaseError);
  });

  it("booleans read as PostgreSQL spells them: t, yes, on, 1, and prefixes", async () => {
    for (const word of ["t", "TRUE", "yes", "on", "1", "tr"]) expect(await ids(f("ok", "exact", word))).toEqual([1, 4]);
    for (const word of ["f", "no", "off", "0", "fal"]) expect(await ids(f("ok", "exact", word))).toEqual([2, 5]);
    expect(sqlOf(f("ok", "exact", "o"))).toThrow(DatabaseError);
  });

  it("an unknown column is refused by name (42703)", () => {
    expect(sqlOf(f("nope", "exact", "1"))).toThrow(new UnknownColumn("nope"));
    expect(() => querySql({ where: [], columns: ["nope"], aggregations: [] }, "t", TYPES)).toThrow(UnknownColumn);
  });

  it("hostile column names are quoted identifiers", async () => {
    expect(await ids(f('nom "propre".v', "strictly_greater", "2"))).toEqual([3, 5]);
  });
});

describe("order, columns, pages, aggregation", () => {
  it("default order is __id; a sort replaces it, NULLs last ascending and first descending (PostgreSQL's defaults)", async () => {
    expect((await run({})).map((r) => Number(r.__id))).toEqual([1, 2, 3, 4, 5]);
    expect((await run({ sort: { column: "n", direction: "asc" } })).map((r) => Number(r.__id))).toEqual([
      1, 5, 2, 4, 3,
    ]);
    expect((await run({ sort: { column: "n", direction: "desc" } })).map((r) => Number(r.__id))).toEqual([
      3, 4, 2, 1, 5,
    ]);
  });

  it("columns select and order the output, __id only when listed", async () => {
    expect(Object.keys((await run({ columns: ["n", "nom"] }))[0])).toEqual(["n", "nom"]);
  });

  it("limit and offset page the ordered rows", async () => {
    expect((await run({}, { limit: 2, offset: 2 })).map((r) => Number(r.__id))).toEqual([3, 4]);
  });

  it("group-by columns keep their names, other aggregates are col__op; filters apply first", async () => {
    const rows = await run({
      where: [f("n", "isnotnull")],
      aggregations: [
        { column: "n", op: "groupby" },
        { column: "x", op: "count" },
        { column: "x", op: "avg" },
      ],
    });
    expect(rows.map((r) => Object.keys(r))).toEqual(Array(3).fill(["n", "x__count", "x__avg"]));
    expect(rows.find((r) => r.n === 10n)).toMatchObject({ x__count: 2n, x__avg: 1 });
  });
});
