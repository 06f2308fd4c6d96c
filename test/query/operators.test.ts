import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  AGGREGATOR_TABLE,
  AGGREGATORS,
  DatabaseError,
  encodeQuerySpec,
  likePattern,
  OPERATOR_TABLE,
  OPERATORS,
  PYTHON_TYPES,
  querySql,
  quote,
  SORT,
  SQL_TYPES,
  type Condition,
  type Filter,
  type Operator,
  type PythonType,
  type QuerySpec,
} from "../../lib/query/index.ts";
import { readRequest } from "../../sandbox/src/query/parse.ts";
import { resourceSwagger } from "../../sandbox/src/tabular/swagger.ts";
import type { StoredResource } from "../../sandbox/src/tabular/store.ts";

/**
 * Every operator and aggregator of the table, end to end: the client encodes it, the sandbox's parser reads it back to
 * the same spec, local SQL runs it with its meaning, and the swagger and the CLI's help describe it.
 */

const column = (type: PythonType) => `c_${type}`;
/** A value of each type as the wire writes it; the datetime as PostgreSQL prints one, so that contains finds it. */
const VALUE: Record<PythonType, string> = {
  string: "Saint-Étienne",
  int: "42",
  float: "2.5",
  bool: "true",
  date: "2024-02-01",
  datetime: "2024-02-01 10:30:00",
  json: '{"a":1}',
};
const OTHER: Record<PythonType, string> = {
  string: "Lyon",
  int: "7",
  float: "0.5",
  bool: "false",
  date: "2023-01-01",
  datetime: "2023-01-01 00:00:00",
  json: '{"b":2}',
};
/** Row 1 holds VALUE in every column, row 2 OTHER, row 3 nothing. */
const TYPES: Record<string, PythonType> = {
  __id: "int",
  ...Object.fromEntries(PYTHON_TYPES.map((type) => [column(type), type])),
};

/** What each operator, given row 1's value, says of row 1 and of the row without values: its meaning, named. */
const MEANING: Record<Operator, { holder: boolean; nulls: boolean }> = {
  isnull: { holder: false, nulls: true },
  isnotnull: { holder: true, nulls: false },
  less: { holder: true, nulls: false }, // inclusive
  greater: { holder: true, nulls: false }, // inclusive
  strictly_less: { holder: false, nulls: false },
  strictly_greater: { holder: false, nulls: false },
  contains: { holder: true, nulls: false },
  notcontains: { holder: false, nulls: false },
  differs: { holder: false, nulls: true }, // IS DISTINCT FROM keeps NULLs
  exact: { holder: true, nulls: false },
  in: { holder: true, nulls: false },
  notin: { holder: false, nulls: false },
};

function filterOn(op: Operator, type: PythonType): Filter {
  const c = column(type);
  switch (OPERATOR_TABLE[op].arity) {
    case "none":
      return { type: "filter", column: c, op };
    case "one":
      return { type: "filter", column: c, op, value: VALUE[type] };
    case "list":
      return { type: "filter", column: c, op, value: [VALUE[type], OTHER[type]] };
  }
}

/** Every (operator, type) pair the table allows. */
const ALLOWED = OPERATORS.flatMap((op) => OPERATOR_TABLE[op].types.map((type) => [op, type] as const));
const spec = (partial: Partial<QuerySpec>): QuerySpec => ({ where: [], aggregations: [], ...partial });
/** contains is read back as the ILIKE pattern PostgreSQL receives: the one its value means. */
const asPattern = (condition: Condition): Condition =>
  condition.type !== "filter"
    ? { ...condition, items: condition.items.map(asPattern) }
    : condition.pattern === undefined && (condition.op === "contains" || condition.op === "notcontains")
      ? { ...condition, value: undefined, pattern: likePattern(condition.value as string) }
      : { ...condition, value: condition.pattern === undefined ? condition.value : undefined };
const patterns = (query: QuerySpec) => ({ ...query, where: query.where.map(asPattern) });
const roundTrip = (query: QuerySpec) => patterns(readRequest(encodeQuerySpec(query)).spec);

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  const names = Object.keys(TYPES);
  await connection.run(`CREATE TABLE t (${names.map((n) => `${quote(n)} ${SQL_TYPES[TYPES[n]]}`).join(", ")})`);
  const insert = `INSERT INTO t VALUES (${names.map((n) => `CAST(? AS ${SQL_TYPES[TYPES[n]]})`).join(", ")})`;
  const row = (id: number, values: Record<PythonType, string> | null): DuckDBValue[] =>
    names.map((n) => (n === "__id" ? String(id) : values ? values[TYPES[n]] : null));
  await connection.run(insert, row(1, VALUE));
  await connection.run(insert, row(2, OTHER));
  await connection.run(insert, row(3, null));
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function ids(query: QuerySpec): Promise<number[]> {
  const { sql, params } = querySql(query, "t", TYPES);
  return (await connection.runAndReadAll(sql, params)).getRowObjectsJS().map((r) => Number(r.__id));
}

describe("every operator of the table", () => {
  it("covers every column type at least once, and the table's arities are the three there are", () => {
    expect(new Set(ALLOWED.map(([, type]) => type))).toEqual(new Set(PYTHON_TYPES));
    expect(new Set(OPERATORS.map((op) => OPERATOR_TABLE[op].arity))).toEqual(new Set(["none", "one", "list"]));
  });

  for (const [op, type] of ALLOWED) {
    it(`${op} on ${type}: encoded, parsed back to the same spec, at the top level and in or/and groups`, () => {
      const filter = filterOn(op, type);
      const top = spec({ where: [filter] });
      expect(encodeQuerySpec(top)).toMatch(new RegExp(`^${column(type)}__${op}(=|$)`));
      expect(roundTrip(top)).toEqual(patterns(top));
      const grouped = spec({ where: [{ type: "or", items: [filter, { type: "and", items: [filter, filter] }] }] });
      expect(roundTrip(grouped)).toEqual(patterns(grouped));
    });

    it(`${op} on ${type}: runs in local SQL with its meaning`, async () => {
      const query = spec({ where: [filterOn(op, type)] });
      // ILIKE is text's: PostgreSQL has no such operator on dates and timestamps (the swagger lists it all the same)
      if ((op === "contains" || op === "notcontains") && type !== "string") {
        expect(() => querySql(query, "t", TYPES)).toThrow(DatabaseError);
        expect(() => querySql(query, "t", TYPES)).toThrow(
          /operator does not exist: (date|timestamp without time zone) ~~\* unknown/,
        );
        return;
      }
      const matched = await ids(query);
      expect(matched.includes(1)).toBe(MEANING[op].holder);
      expect(matched.includes(3)).toBe(MEANING[op].nulls);
    });
  }
});

describe("every aggregator and the sort", () => {
  it("a group-by alone cannot be sent (PostgREST would return every row's value), and runs locally", async () => {
    const query = spec({ aggregations: [{ column: column("int"), op: "groupby" }] });
    expect(() => encodeQuerySpec(query)).toThrow(/without an aggregate/);
    expect(readRequest(`${column("int")}__groupby`).spec).toEqual(spec({ columns: [column("int")] }));
    const { sql, params } = querySql(query, "t", TYPES);
    expect((await connection.runAndReadAll(sql, params)).getRowObjectsJS()).toHaveLength(3);
  });

  for (const op of AGGREGATORS)
    for (const type of AGGREGATOR_TABLE[op].types) {
      it(`${op} on ${type}: encoded, parsed back, run locally`, async () => {
        // PostgREST groups only when something is aggregated: a group-by goes with a count
        const aggregations =
          op === "groupby"
            ? [
                { column: column(type), op },
                { column: column(type), op: "count" as const },
              ]
            : [{ column: column(type), op }];
        const query = spec({ aggregations });
        expect(roundTrip(query)).toEqual(query);
        const { sql, params, columns } = querySql(query, "t", TYPES);
        const rows = (await connection.runAndReadAll(sql, params)).getRowObjectsJS();
        expect(Object.keys(rows[0])).toEqual(columns);
        // a group per value (NULL's included), or one row over all values
        expect(rows.length).toBe(op === "groupby" ? 3 : 1);
      });
    }

  for (const type of SORT.types)
    it(`sort on ${type}: encoded, parsed back, run locally (NULLs first when descending)`, async () => {
      const query = spec({ sort: { column: column(type), direction: "desc" } });
      expect(roundTrip(query)).toEqual(query);
      expect((await ids(query))[0]).toBe(3);
    });
});

describe("the descriptions, as the swagger and the CLI's help print them", () => {
  it("the swagger has a parameter for each operator and aggregator exactly on the types the table allows", () => {
    const resource = {
      resourceId: "r",
      title: "every type",
      columns: PYTHON_TYPES.map((type) => ({ name: column(type), type })),
      indexes: null,
    } as unknown as StoredResource;
    const document = parseYaml(resourceSwagger(resource, true));
    const parameters = new Map<string, { description: string; allowEmptyValue?: boolean }>(
      document.paths["/api/resources/r/data/"].parameters.map((p: { name: string }) => [p.name, p]),
    );
    const entries = [
      ...OPERATORS.map((op) => [op, OPERATOR_TABLE[op], OPERATOR_TABLE[op].arity === "none"] as const),
      ["sort", SORT, false] as const,
      ...AGGREGATORS.map((op) => [op, AGGREGATOR_TABLE[op], true] as const),
    ];
    for (const [op, definition, bare] of entries)
      for (const type of PYTHON_TYPES) {
        const parameter = parameters.get(`${column(type)}__${op}`);
        if (!definition.types.includes(type)) {
          expect(parameter, `${op} on ${type}`).toBeUndefined();
          continue;
        }
        expect(parameter?.description).toBe(`${column(type)}: ${definition.description}`);
        expect(parameter?.allowEmptyValue ?? false).toBe(bare);
      }
    expect(parameters.size).toBe(3 + entries.reduce((n, [, definition]) => n + definition.types.length, 0));
  });

  for (const command of ["tabular", "metrics"])
    it(`datagouv ${command} --help lists every operator with its value's form and its description`, async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ["build/lib/cli/bin.js", command, "--help"]);
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const FORMS = { none: "", one: "=value", list: "=\\S+,\\S+" };
      for (const op of OPERATORS) {
        const { arity, description } = OPERATOR_TABLE[op];
        expect(stdout).toMatch(new RegExp(`^ +col__${op}${FORMS[arity]} +${escape(description)}$`, "m"));
      }
      for (const op of AGGREGATORS.filter((a) => a !== "groupby"))
        expect(stdout).toMatch(new RegExp(`^ +${op} +${escape(AGGREGATOR_TABLE[op].description)}$`, "m"));
    });
});
