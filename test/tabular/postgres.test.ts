import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "lossless-json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../lib/duckdb/index.ts";
import { localSql, type LocalTable } from "../../lib/duckdb/local.ts";
import { parseExactJson } from "../../lib/http/json.ts";
import { DatabaseError, type PythonType } from "../../lib/query/index.ts";
import { TabularQuery } from "../../lib/tabular/index.ts";
import { readRequest } from "../../sandbox/src/query/parse.ts";
import { parsePostgrest } from "../../sandbox/src/query/postgrest.ts";
import { startPostgres, type PgAnswer, type Postgres } from "../support/postgres.ts";
import { ident, postgrestSql } from "../support/postgrest-sql.ts";
import { battery, batteryCsv, type Case } from "../support/wire-battery.ts";
import { batteryResource, type BatteryResource } from "../support/battery-resource.ts";
import { knownDifference } from "../support/postgres-differences.ts";

/**
 * The reference: the battery's rows loaded into Debian's PostgreSQL 15 with hydra's column types and text sorted as
 * en_US.UTF-8, each query run as the SQL PostgREST runs for what the real chain hands it. The sandbox (its JSON
 * stream: rows, order and number text; its second page) and local execution (rows and order) answer the same, but
 * for the differences named, with their reasons, in postgres-differences.ts and the README.
 */

// udata_hydra/conversion/schema.py: the SQL type hydra creates for each profile type
const HYDRA_TYPES: Record<PythonType, string> = {
  string: "VARCHAR",
  int: "BIGINT",
  float: "FLOAT",
  bool: "BOOLEAN",
  date: "DATE",
  datetime: "TIMESTAMP",
  json: "JSON",
};

let served: BatteryResource | undefined;
let env: BatteryResource["env"];
let pg: Postgres;
let duck: Duck;
let local: LocalTable;
let rid: string;
const cases = battery();
const answers = new Map<string, PgAnswer[]>();

beforeAll(async () => {
  pg = await startPostgres();
  served = await batteryResource("datagouv-pgref-");
  ({ env, duck, local, rid } = served);
  const columns = Object.entries(local.types).filter(([name]) => name !== "__id");
  const definitions = columns.map(([name, type]) => `${ident(name)} ${HYDRA_TYPES[type]}`);
  await pg.copy(`CREATE TABLE hostile (__id SERIAL PRIMARY KEY, ${definitions.join(", ")})`, "");
  const names = columns.map(([name]) => ident(name)).join(", ");
  await pg.copy(`COPY hostile (${names}) FROM STDIN WITH (FORMAT csv, HEADER true)`, batteryCsv());
  const queries = cases.map(postgrestQueries);
  const sql = queries.flat().filter((query) => typeof query === "string");
  const results = await pg.json(sql);
  const answer = (query: string | PgAnswer) => (typeof query === "string" ? results[sql.indexOf(query)] : query);
  cases.forEach((c, i) => answers.set(c.name, queries[i].map(answer)));
}, 60_000);
afterAll(async () => {
  await served?.close();
  await pg?.stop();
});

type Row = Record<string, unknown>;
type Answer = { rows: Row[] } | { code: string };

const sorted = (row: Row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)));
const valueKey = (row: Row) => JSON.stringify(sorted(row), (_, v) => (typeof v === "bigint" ? `${v}n` : v));
/** Numbers kept as the text they were written in, so that `1e+15` and `1000000000000000` differ. */
const textRows = (json: string) => parse(json, null, (digits) => ({ number: digits })) as Row[];
const exactRows = (json: string) => parseExactJson<Row[]>(json);

/** The SQL PostgREST runs for the query's stream and for its page 2 of 3 rows, or the chain's refusal. */
function postgrestQueries(c: Case): (string | PgAnswer)[] {
  const qs = TabularQuery.of(rid, c.spec).toQueryString();
  return [undefined, { pageSize: 3, offset: 3 }].map((paging) => {
    try {
      return postgrestSql(parsePostgrest(readRequest(qs, paging).postgrest), "hostile");
    } catch (error) {
      // refused before PostgreSQL, by api-tabular or PostgREST's grammar
      return { code: (error as Error).name, message: String(error) };
    }
  });
}

async function localAnswer(c: Case): Promise<Answer> {
  try {
    const { sql, params } = localSql(TabularQuery.of(rid, c.spec).bind(env.dg.http), local);
    const rows = await duck.all<{ j: string }>(`SELECT to_json(r)::VARCHAR AS j FROM (${sql}) r`, params);
    return {
      rows: rows.map((r) => {
        const row = parseExactJson<Row>(r.j);
        for (const [name, value] of Object.entries(row))
          if (local.types[name] === "datetime" && typeof value === "string") row[name] = value.replace(" ", "T");
        return row;
      }),
    };
  } catch (error) {
    if (error instanceof DatabaseError) return { code: error.code };
    throw error;
  }
}

async function sandboxStream(c: Case): Promise<{ json: string } | { code: string }> {
  const q = TabularQuery.of(rid, c.spec).bind(env.dg.http);
  try {
    return { json: await (await q.json()).body.text() };
  } catch (error) {
    return { code: JSON.stringify(error) };
  }
}

async function sandboxPage2(c: Case): Promise<Answer> {
  const qs = TabularQuery.of(rid, c.spec).toQueryString();
  try {
    const text = await env.dg.http.text("tabular", `api/resources/${rid}/data/`, {
      query: `${qs}${qs ? "&" : ""}page_size=3&page=2`,
    });
    return { rows: parseExactJson<{ data: Row[] }>(text).data };
  } catch (error) {
    return { code: JSON.stringify(error) };
  }
}

/** The first way `other` differs from `expected`: rows, order (ties as sets), or refusal. */
function difference(c: Case, expected: Answer, other: Answer, key: (row: Row) => string, page = false) {
  if ("code" in expected || "code" in other) {
    if ("code" in expected && "code" in other && other.code.includes(expected.code)) return undefined;
    return `refusal: ${"code" in expected ? expected.code : "rows"} / ${"code" in other ? "refused" : "rows"}`;
  }
  const a = expected.rows;
  const b = other.rows;
  const bag = (rows: Row[]) => rows.map(key).sort();
  // groups come unordered: a page of them holds any
  if (c.spec.aggregations.length && page) return a.length === b.length ? undefined : "group count differs";
  if (c.spec.aggregations.length)
    return JSON.stringify(bag(a)) === JSON.stringify(bag(b)) ? undefined : "groups differ";
  if (c.spec.sort) {
    const column = c.spec.sort.column;
    const sortKeys = (rows: Row[]) => JSON.stringify(rows.map((r) => key({ v: r[column] })));
    if (sortKeys(a) !== sortKeys(b)) return "sort order differs";
    // a page cut inside a run of ties holds any of the tied rows
    if (!page && JSON.stringify(bag(a)) !== JSON.stringify(bag(b))) return "rows differ";
    return undefined;
  }
  return JSON.stringify(a.map(key)) === JSON.stringify(b.map(key)) ? undefined : "rows differ";
}

const measured = new Map<string, Record<string, string>>();

describe("PostgreSQL 15, as PostgREST runs the battery: the sandbox and local execution answer the same", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const [pgAll, pgPage2] = answers.get(c.name)!;
      const [stream, page2, mine] = await Promise.all([sandboxStream(c), sandboxPage2(c), localAnswer(c)]);
      const as = (answer: PgAnswer | { json: string } | { code: string }, read: (json: string) => Row[]) =>
        "json" in answer ? { rows: read(answer.json) } : { code: answer.code };
      const found: Record<string, string> = {};
      const note = (what: string, diff: string | undefined) => diff && (found[what] = diff);
      note("sandbox", difference(c, as(pgAll, exactRows), as(stream, exactRows), valueKey));
      if (!found.sandbox) note("sandbox numbers", difference(c, as(pgAll, textRows), as(stream, textRows), valueKey));
      note("sandbox page 2", difference(c, as(pgPage2, exactRows), page2, valueKey, true));
      note("local", difference(c, as(pgAll, exactRows), mine, valueKey));
      measured.set(c.name, found);
      const known = knownDifference(c.spec, (column) => local.types[column] === "string");
      // a known difference shows only where the values fall on it ("x=y" sorts alike under both collations)
      expect(known?.where ?? [], known?.reason).toEqual(expect.arrayContaining(Object.keys(found)));
    });
  }

  it("measures the whole battery", () => {
    expect(measured.size).toBe(cases.length);
    if (process.env.PG_DIFFERENCES)
      return writeFile(process.env.PG_DIFFERENCES, JSON.stringify(Object.fromEntries(measured), null, 1));
  });
});
