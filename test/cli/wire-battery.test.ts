import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../lib/duckdb/index.ts";
import { localSql, type LocalTable } from "../../lib/duckdb/local.ts";
import { parseExactJson } from "../../lib/http/json.ts";
import type { QuerySpec } from "../../lib/query/index.ts";
import { TabularQuery } from "../../lib/tabular/index.ts";
import { datagouv } from "../support/cli.ts";
import { battery, type Case } from "../support/wire-battery.ts";
import { batteryResource, type BatteryResource } from "../support/battery-resource.ts";

/**
 * The wire battery through `datagouv tabular --remote`: the command line's filters, sort, columns and aggregations,
 * encoded by the client for the real chain and read by the sandbox through it, give the rows local execution gives.
 * Or-groups have no command-line form, nor list values holding a comma; of the rest, every eleventh query runs (a
 * process each).
 */

let served: BatteryResource | undefined;
let env: BatteryResource["env"];
let duck: Duck;
let local: LocalTable;
let rid: string;
let dir: string;

beforeAll(async () => {
  served = await batteryResource("datagouv-cli-wire-");
  ({ env, duck, local, rid, dir } = served);
}, 60_000);
afterAll(async () => {
  await served?.close();
});

/** The command line that says `spec`, if it has one. */
function commandLine(spec: QuerySpec): string[] | undefined {
  const args: string[] = [];
  for (const condition of spec.where) {
    if (condition.type !== "filter") return undefined;
    const { column, op, value } = condition;
    if (value === undefined) args.push("--where", `${column}__${op}`);
    else if (Array.isArray(value)) {
      if (value.some((v) => String(v).includes(","))) return undefined;
      args.push("--where", `${column}__${op}=${value.join(",")}`);
    } else args.push("--where", `${column}__${op}=${String(value)}`);
  }
  if (spec.sort) args.push("--sort", `${spec.sort.column}:${spec.sort.direction}`);
  if (spec.columns) args.push("--columns", spec.columns.join(","));
  for (const { column, op } of spec.aggregations)
    args.push(...(op === "groupby" ? ["--group-by", column] : ["--agg", `${column}:${op}`]));
  return args;
}

type Row = Record<string, unknown>;
const key = (row: Row) =>
  JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))), (_, v) =>
    typeof v === "bigint" ? `${v}n` : v,
  );
const iso = (row: Row) => {
  for (const [name, value] of Object.entries(row))
    if (local.types[name] === "datetime" && typeof value === "string") row[name] = value.replace(" ", "T");
  return row;
};

async function localRows(c: Case): Promise<Row[]> {
  const { sql, params } = localSql(TabularQuery.of(rid, c.spec).bind(env.dg.http), local);
  const rows = await duck.all<{ j: string }>(`SELECT to_json(r)::VARCHAR AS j FROM (${sql}) r`, params);
  return rows.map((r) => iso(parseExactJson<Row>(r.j)));
}

const all = battery();
const expressible = all.filter((c) => commandLine(c.spec));
// 11 is prime to the battery's runs of 8 and 7 queries per value and column: every operator comes up
const chosen = expressible.filter((_, i) => i % 11 === 0);

describe("the wire battery through `datagouv tabular --remote`", () => {
  it("runs one in eleven of the battery's command-line queries", () => {
    expect(expressible.length).toBeGreaterThan(all.length / 2);
    expect(chosen.length).toBeGreaterThan(20);
  });

  for (const c of chosen) {
    it.concurrent(c.name, async () => {
      const args = ["tabular", rid, ...commandLine(c.spec)!, "--remote", "--format", "ndjson"];
      const [{ code, stdout, stderr }, expected] = await Promise.all([
        datagouv(args, { DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_CACHE_DIR: join(dir, "cli-cache") }),
        localRows(c),
      ]);
      expect(code, stderr).toBe(0);
      const rows = stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => iso(parseExactJson<Row>(line)));
      if (c.spec.aggregations.length || !c.spec.sort) {
        // groups come unordered; filtered rows in __id order
        const order = c.spec.aggregations.length ? (keys: string[]) => keys.sort() : (keys: string[]) => keys;
        expect(order(rows.map(key))).toEqual(order(expected.map(key)));
        return;
      }
      const column = c.spec.sort.column;
      expect(rows.map((r) => key({ v: r[column] }))).toEqual(expected.map((r) => key({ v: r[column] })));
      expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
    });
  }
});
