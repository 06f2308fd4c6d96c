import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../lib/duckdb/index.ts";
import { localSql, type LocalTable } from "../../lib/duckdb/local.ts";
import { parseExactJson } from "../../lib/http/json.ts";
import { DatabaseError, wireRefusal } from "../../lib/query/index.ts";
import { TabularQuery } from "../../lib/tabular/index.ts";
import { battery, type Case } from "../support/wire-battery.ts";
import { batteryResource, type BatteryResource } from "../support/battery-resource.ts";

/**
 * The wire battery: each query, encoded by the client for the real chain and read by the sandbox through that
 * chain, answers the rows local execution of the same query answers, on page 1, on page 2, and in both streams.
 */

let served: BatteryResource | undefined;
let env: BatteryResource["env"];
let duck: Duck;
let local: LocalTable;
let rid: string;

beforeAll(async () => {
  served = await batteryResource("datagouv-wire-");
  ({ env, duck, local, rid } = served);
});
afterAll(async () => {
  await served?.close();
});

type Row = Record<string, unknown>;
const query = (c: Case) => TabularQuery.of(rid, c.spec).bind(env.dg.http);

async function localRows(c: Case): Promise<Row[] | { code: string }> {
  try {
    const { sql, params } = localSql(query(c), local);
    const rows = await duck.all<{ j: string }>(`SELECT to_json(r)::VARCHAR AS j FROM (${sql}) r`, params);
    // the API writes a timestamp in ISO form, with a "T"
    const iso = (row: Row) => {
      for (const [name, value] of Object.entries(row))
        if (local.types[name] === "datetime" && typeof value === "string") row[name] = value.replace(" ", "T");
      return row;
    };
    return rows.map((r) => iso(parseExactJson<Row>(r.j)));
  } catch (error) {
    if (error instanceof DatabaseError) return { code: error.code };
    throw error;
  }
}

const key = (row: Row) => JSON.stringify(row, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
const ids = (rows: Row[]) => rows.map((r) => r.__id);

describe("the wire battery: sandbox (through the real chain) and local execution answer the same rows", () => {
  const cases = battery();
  it("has a few hundred queries", () => expect(cases.length).toBeGreaterThan(250));

  for (const c of cases) {
    it(c.name, async () => {
      const expected = await localRows(c);
      const refusal = wireRefusal(c.spec);
      expect(refusal, "the codec has a form for every query of the battery").toBeUndefined();
      const q = query(c);
      if (!Array.isArray(expected)) {
        const error = await q.first(1).then(
          () => undefined,
          (e: { serverMessage?: string }) => e,
        );
        expect(JSON.stringify(error)).toContain(expected.code);
        return;
      }
      const pages: Row[][] = [];
      for await (const page of q.pages<Row>({ pageSize: 3 })) if (pages.push(page.data) === 2) break;
      const json = parseExactJson<Row[]>(await (await q.json()).body.text());
      const csv = await (await q.csv()).body.text();
      const csvLines = csv.trimEnd() === "" ? 0 : csv.trimEnd().split("\n").length - 1;
      if (c.spec.aggregations.length) {
        // PostgREST leaves groups unordered: as sets
        expect(json.map(key).sort()).toEqual(expected.map(key).sort());
        return;
      }
      expect(csvLines).toBeGreaterThanOrEqual(expected.length);
      if (!c.spec.sort) {
        expect(pages.flat().map(key)).toEqual(expected.slice(0, 6).map(key));
        expect(json.map(key)).toEqual(expected.map(key));
        return;
      }
      // sorted: the keys' sequence is the same on every page; ties may come in another order
      const sortKey = (rows: Row[]) => rows.map((r) => key({ v: r[c.spec.sort!.column] }));
      expect(sortKey(pages.flat())).toEqual(sortKey(expected.slice(0, 6)));
      expect(sortKey(json)).toEqual(sortKey(expected));
      expect(json.map(key).sort()).toEqual(expected.map(key).sort());
      // and iterating the sorted query yields every row exactly once, whatever the page size
      const all = await q.all<Row>({ pageSize: 2 });
      expect(all.map(key).sort()).toEqual(expected.map(key).sort());
      expect(sortKey(all)).toEqual(sortKey(expected));
    });
  }
});

describe("sorted pages on the sandbox vary their ties with the offset, as PostgreSQL's top-N sort does", () => {
  it("following the pages of a sort on a column with ties repeats some rows and misses others; rows() does not", async () => {
    const q = TabularQuery.of(rid).bind(env.dg.http).sort("ok", "desc");
    const seen: unknown[] = [];
    for await (const page of q.pages<Row>({ pageSize: 4 })) seen.push(...ids(page.data));
    const total = (await localRows({ name: "all", spec: { where: [], aggregations: [] } })) as Row[];
    expect(seen).toHaveLength(total.length);
    expect(new Set(seen).size).toBeLessThan(total.length);
    const rows = await q.all<Row>({ pageSize: 4 });
    expect(new Set(ids(rows)).size).toBe(total.length);
  });

  it("integers past 2^53 stay exact in pages, streams and Arrow", async () => {
    const q = TabularQuery.of(rid).bind(env.dg.http).where("n", "exact", "9007199254740993");
    expect((await q.all<Row>())[0].n).toBe(9007199254740993n);
    expect(await (await q.json()).body.text()).toContain('"n":9007199254740993');
    // and into Arrow, read from the JSON stream
    const table = await env.dg.tabular(rid).where("n", "exact", "9007199254740993").toArrow({ mode: "remote" });
    expect(table.getChild("n")!.get(0)).toBe(9007199254740993n);
  });

  it("numbers are written as production writes them: pages through Python's json, streams as PostgreSQL", async () => {
    const q = TabularQuery.of(rid).bind(env.dg.http).where("x", "in", ["1e15", "0.00001"]).columns(["x"]);
    const page = await env.dg.http.text("tabular", `api/resources/${rid}/data/`, {
      query: `${q.toQueryString()}&page_size=2`,
    });
    expect(page).toContain('"x": 1000000000000000.0');
    expect(page).toContain('"x": 1e-05');
    const csv = await (await q.csv()).body.text();
    expect(csv.split("\n").slice(1, 3).sort()).toEqual(["1e+15", "1e-05"]);
  });
});
