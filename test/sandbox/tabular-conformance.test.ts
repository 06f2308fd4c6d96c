import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvParse } from "d3";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { get, testSandbox } from "../support/sandbox.ts";
import { BIG_RESOURCE_ID } from "../../sandbox/src/index.ts";

const TEST = "aaaaaaaa-1111-bbbb-2222-cccccccccccc";
const NULLS = "dddddddd-1111-eeee-1212-ffffffffffff";
const HOSTILE = "dddddddd-3333-eeee-4444-ffffffffffff";
const DEPARTEMENTS = "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a02";
let env: Awaited<ReturnType<typeof testSandbox>>;
let base: string;
let truth: Record<string, string>[];

beforeAll(async () => {
  env = await testSandbox({ tabular: { bigRows: 60_000 } });
  base = `${env.sandbox.url}/tabular/api/resources`;
  // the ground truth: the resource's own file, parsed independently of the API
  truth = csvParse((await get(`${env.sandbox.url}/sandbox/files/${TEST}.csv`)).text);
});
afterAll(() => env.close());

const data = async (rid: string, query: string) => (await get(`${base}/${rid}/data/?${query}`)).json();
const ids = async (query: string) => {
  const out: number[] = [];
  let url: string | null = `${base}/${TEST}/data/?${query}${query ? "&" : ""}page_size=200`;
  while (url) {
    const page: any = (await get(url)).json();
    out.push(...page.data.map((r: { __id: number }) => r.__id));
    url = page.links.next;
  }
  return out;
};
const expected = (keep: (row: Record<string, string>) => boolean) =>
  truth.map((row, i) => (keep(row) ? i + 1 : 0)).filter(Boolean);

describe("Tabular /data/ (api-tabular app.py, core/query.py)", () => {
  it("every row has __id first (1-based), then the columns in table order", async () => {
    const page = await data(TEST, "page_size=3");
    expect(Object.keys(page.data[0])).toEqual(["__id", "id", "score", "decompte", "is_true", "birth", "liste"]);
    expect(page.data.map((r: any) => r.__id)).toEqual([1, 2, 3]);
  });

  it("values typed as hydra casts them: numbers, booleans, YYYY-MM-DD dates, json embedded", async () => {
    const [row] = (await data(TEST, "page_size=2")).data;
    expect(typeof row.score).toBe("number");
    expect(typeof row.is_true).toBe("boolean");
    expect(row.birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Array.isArray(row.liste)).toBe(true);
  });

  it("default order is __id ascending, page_size default 20", async () => {
    const page = await data(TEST, "");
    expect(page.meta.page_size).toBe(20);
    expect(page.data.map((r: any) => r.__id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("less is inclusive (<=), greater is inclusive (>=), strictly_* are strict", async () => {
    expect(await ids("decompte__less=10")).toEqual(expected((r) => Number(r.decompte) <= 10));
    expect(await ids("decompte__greater=90")).toEqual(expected((r) => Number(r.decompte) >= 90));
    expect(await ids("decompte__strictly_less=10")).toEqual(expected((r) => Number(r.decompte) < 10));
    expect(await ids("decompte__strictly_greater=90")).toEqual(expected((r) => Number(r.decompte) > 90));
    expect(await ids("decompte__less=10")).not.toEqual(await ids("decompte__strictly_less=10"));
  });

  it("exact, in and notin compare with the column's type", async () => {
    expect(await ids("decompte__exact=42")).toEqual(expected((r) => r.decompte === "42"));
    expect(await ids("decompte__in=1,2,3")).toEqual(expected((r) => ["1", "2", "3"].includes(r.decompte)));
    expect(await ids("decompte__notin=1,2,3")).toEqual(expected((r) => !["1", "2", "3"].includes(r.decompte)));
  });

  it("differs keeps NULLs (IS DISTINCT FROM)", async () => {
    const all = (await data(NULLS, "page_size=50")).data;
    const differs = (await data(NULLS, "decompte__differs=1&page_size=50")).data;
    const nullRows = all.filter((r: any) => r.decompte === null).length;
    expect(nullRows).toBeGreaterThan(0);
    expect(differs.length).toBe(all.filter((r: any) => r.decompte !== 1).length);
    expect(differs.filter((r: any) => r.decompte === null).length).toBe(nullRows);
  });

  it("isnull and isnotnull are bare parameters", async () => {
    const nulls = (await data(NULLS, "decompte__isnull&page_size=50")).data;
    const present = (await data(NULLS, "decompte__isnotnull&page_size=50")).data;
    expect(nulls.every((r: any) => r.decompte === null)).toBe(true);
    expect(nulls.length + present.length).toBe(10);
  });

  it("contains is a case-insensitive substring match, and * acts as a wildcard", async () => {
    const dep = (await data(DEPARTEMENTS, "nom_departement__contains=SEINE&page_size=50")).data.map(
      (r: any) => r.nom_departement,
    );
    expect(dep.length).toBeGreaterThan(2);
    expect(dep.every((n: string) => n.toLowerCase().includes("seine"))).toBe(true);
    const wild = (await data(DEPARTEMENTS, "nom_departement__contains=haute*rhin&page_size=50")).data.map(
      (r: any) => r.nom_departement,
    );
    expect(wild).toEqual(["Haut-Rhin"].filter(() => false).concat(wild.filter((n: string) => /haute.*rhin/i.test(n))));
    const not = (await data(DEPARTEMENTS, "nom_departement__notcontains=seine&page_size=200")).data;
    expect(not.length + dep.length).toBe(109);
  });

  it("or-groups: items col__op.value, nested and(...), double quotes around a value with a dot", async () => {
    const got = await ids('or=(decompte__exact.1,and(decompte__greater.98,score__strictly_less."0.5"))');
    expect(got).toEqual(expected((r) => r.decompte === "1" || (Number(r.decompte) >= 98 && Number(r.score) < 0.5)));
  });

  it("hostile column names work: accents, dots, quotes, spaces", async () => {
    const page = await data(
      HOSTILE,
      `${encodeURIComponent("nom.de.colonne")}__greater=21&${encodeURIComponent('nom "propre"')}__isnotnull`,
    );
    const all = (await data(HOSTILE, "page_size=10")).data;
    expect(page.data.every((r: any) => r["nom.de.colonne"] >= 21)).toBe(true);
    expect(page.meta.total).toBe(all.filter((r: any) => r["nom.de.colonne"] >= 21).length);
    expect(page.meta.total).toBeLessThan(all.length);
  });

  it("columns=a,b returns only those columns, without __id unless listed", async () => {
    const page = await data(TEST, "columns=score,decompte&page_size=2");
    expect(Object.keys(page.data[0])).toEqual(["score", "decompte"]);
  });

  it("a sort replaces the default order", async () => {
    const page = await data(TEST, "score__sort=desc&page_size=5");
    const scores = page.data.map((r: any) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBe(Math.max(...truth.map((r) => Number(r.score))));
  });

  it("aggregation: group-by columns keep their names, others are col__op; filters apply first", async () => {
    const page = await data(TEST, "decompte__groupby&score__avg&score__count&decompte__less=3&page_size=50");
    expect(Object.keys(page.data[0])).toEqual(["decompte", "score__avg", "score__count"]);
    const ones = truth.filter((r) => r.decompte === "1");
    expect(page.data.find((r: any) => r.decompte === 1).score__count).toBe(ones.length);
    expect(page.data.every((r: any) => r.decompte <= 3)).toBe(true);
  });

  it("aggregation: meta.total is omitted and next is null iff len(data) < page_size", async () => {
    const full = await data(TEST, "decompte__groupby&decompte__count&page_size=10");
    expect(full.meta.total).toBeUndefined();
    expect(full.data).toHaveLength(10);
    expect(full.links.next).toContain("page=2");
    const last = await data(TEST, "decompte__groupby&decompte__count&page_size=200");
    expect(last.links.next).toBeNull();
  });

  it("aggregation on a resource off the allow-list: 403 Unauthorized parameters", async () => {
    const response = await get(`${base}/${DEPARTEMENTS}/data/?code_region__groupby&code_region__count`);
    expect(response.status).toBe(403);
    expect(response.json().errors[0]).toEqual({
      code: null,
      title: "Unauthorized parameters",
      detail: `Aggregation parameters \`groupby\`, \`count\` are not allowed for resource '${DEPARTEMENTS}'`,
    });
  });

  it("indexed resources: aggregators only on indexed columns (403 naming them), filters on every column", async () => {
    const indexed = `${base}/aaaaaaaa-9999-bbbb-1010-cccccccccccc/data/`;
    const refused = await get(`${indexed}?score__avg`);
    expect(refused.status).toBe(403);
    expect(refused.json().errors[0]).toEqual({
      code: null,
      title: "Unauthorized parameters",
      detail: "score is not among the allowed columns: {'decompte'}",
    });
    const grouped = (await get(`${indexed}?decompte__groupby&decompte__count&score__greater=0.5`)).json();
    expect(Object.keys(grouped.data[0])).toEqual(["decompte", "decompte__count"]);
  });

  it("an indexed resource off the allow-list: the index check comes first, then the allow-list", async () => {
    const indexed = `${base}/aaaaaaaa-5555-bbbb-6666-cccccccccccc/data/`;
    expect((await get(`${indexed}?score__avg`)).json().errors[0].detail).toBe(
      "score is not among the allowed columns: {'id', 'birth'}",
    );
    expect((await get(`${indexed}?birth__groupby`)).json().errors[0].detail).toBe(
      "Aggregation parameters `groupby` are not allowed for resource 'aaaaaaaa-5555-bbbb-6666-cccccccccccc'",
    );
  });

  it("columns with aggregation: 400", async () => {
    const response = await get(`${base}/${TEST}/data/?columns=score&decompte__groupby`);
    expect(response.status).toBe(400);
    expect(response.json().errors[0].title).toBe("Invalid query string");
  });

  it("page_size above the maximum: 400 'Page size exceeds allowed maximum: 200'", async () => {
    const response = await get(`${base}/${TEST}/data/?page_size=201`);
    expect(response.status).toBe(400);
    expect(response.json().errors[0].detail).toBe("Page size exceeds allowed maximum: 200");
  });

  it("page 0 and negative pages act as page 1, meta.page echoing the page asked", async () => {
    const zero = await data(TEST, "page=0&page_size=2");
    expect(zero.data[0].__id).toBe(1);
    expect(zero.meta.page).toBe(0);
    expect(zero.links.prev).toBeNull();
    expect((await data(TEST, "page=-3&page_size=2")).data[0].__id).toBe(1);
  });

  it("a non-integer page or page_size is the real service's unhandled 500", async () => {
    const response = await get(`${base}/${TEST}/data/?page_size=abc`);
    expect(response.status).toBe(500);
    expect(response.text).toBe("500 Internal Server Error\n\nServer got itself in trouble");
    expect((await get(`${base}/${TEST}/data/?page=1.5`)).status).toBe(500);
  });

  it("checks come in the real order: paging, then the query, then the resource", async () => {
    const unknown = `${base}/00000000-0000-0000-0000-000000000000/data/`;
    expect((await get(`${unknown}?page_size=500&score__near=1`)).json().errors[0].detail).toBe(
      "Page size exceeds allowed maximum: 200",
    );
    expect((await get(`${unknown}?score__near=1`)).status).toBe(400);
    expect((await get(`${unknown}?score__exact=1`)).status).toBe(404);
  });

  it("a trailing '&' crashes the real parser: 500", async () => {
    expect((await get(`${base}/${TEST}/data/?decompte__exact=1&`)).status).toBe(500);
  });

  it("links: absolute, params starting with 'page' dropped then page/page_size appended, next null at the end, prev null on page 1", async () => {
    const first = await data(TEST, "decompte__less=50&page_size=100");
    expect(first.links.next).toBe(`${base}/${TEST}/data/?decompte__less=50&page=2&page_size=100`);
    expect(first.links.prev).toBeNull();
    const total = first.meta.total;
    const lastPage = Math.ceil(total / 100);
    const last = await data(TEST, `decompte__less=50&page=${lastPage}&page_size=100`);
    expect(last.links.next).toBeNull();
    expect(last.links.prev).toBe(`${base}/${TEST}/data/?decompte__less=50&page=${lastPage - 1}&page_size=100`);
    expect(first.links.profile).toBe(`${base}/${TEST}/profile/`);
  });

  it("an unknown operator: 400 Malformed query", async () => {
    const response = await get(`${base}/${TEST}/data/?score__near=1`);
    expect(response.status).toBe(400);
    expect(response.json().errors[0].detail).toBe("Malformed query: argument 'score__near=1' could not be parsed");
  });

  it("an unknown column: Database error 42703; a value of the wrong type: 22P02", async () => {
    const column = (await get(`${base}/${TEST}/data/?nonexistent__exact=1`)).json().errors[0];
    expect(column.title).toBe("Database error");
    expect(column.detail.code).toBe("42703");
    expect(column.detail.message).toMatch(/nonexistent does not exist/);
    const value = (await get(`${base}/${TEST}/data/?decompte__exact=abc`)).json().errors[0];
    expect(value.detail.code).toBe("22P02");
    expect(value.detail.message).toMatch(/invalid input syntax for type/);
  });

  it("an integer column (hydra's BIGINT) refuses 1.5 as PostgreSQL does (22P02), where a cast would round it", async () => {
    const response = await get(`${base}/${TEST}/data/?decompte__exact=1.5`);
    expect(response.status).toBe(400);
    expect(response.json().errors[0].detail).toEqual({
      code: "22P02",
      details: null,
      hint: null,
      message: 'invalid input syntax for type bigint: "1.5"',
    });
  });

  it("contains on a number column: PostgreSQL has no such operator (42883, a 404)", async () => {
    const response = await get(`${base}/${TEST}/data/?decompte__contains=1`);
    expect(response.status).toBe(404);
    expect(response.json().errors[0].detail).toMatchObject({
      code: "42883",
      message: "operator does not exist: bigint ~~* unknown",
    });
  });

  it("a sort direction other than asc/desc reaches PostgREST, which cannot parse it (PGRST100)", async () => {
    const response = await get(`${base}/${TEST}/data/?score__sort=up`);
    expect(response.status).toBe(400);
    expect(response.json().errors[0]).toMatchObject({ title: "Database error", detail: { code: "PGRST100" } });
  });

  it("unknown rid: plain-text '404: Not Found'; deleted: 410 'permanently deleted'", async () => {
    const missing = await get(`${base}/00000000-0000-0000-0000-000000000000/profile/`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(missing.text).toBe("404: Not Found");
    const gone = await get(`${base}/deadbeef-dead-beef-dead-beefdeadbeef/data/`);
    expect(gone.status).toBe(410);
    expect(gone.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(gone.text).toBe(
      "Resource deadbeef-dead-beef-dead-beefdeadbeef has been permanently deleted on 2023-12-01T00:00:00+00:00 by its producer. " +
        "You can find more information about this resource at https://www.data.gouv.fr/datasets/5d6e8f7c9d1234567890ffff",
    );
  });

  it("CORS: returned responses carry Access-Control-Allow-Origin, raised errors do not; OPTIONS is 204", async () => {
    const ok = await get(`${base}/${TEST}/data/?page_size=2`);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
    expect(ok.headers.get("access-control-expose-headers")).toBe("*");
    const error = await get(`${base}/${TEST}/data/?score__near=1`);
    expect(error.headers.get("access-control-allow-origin")).toBeNull();
    const options = await fetch(`${base}/${TEST}/data/`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
  });
});

describe("Tabular streams (core/data.py)", () => {
  it("/data/json/ is one JSON array plus a newline, named {rid}.json", async () => {
    const response = await get(`${base}/${DEPARTEMENTS}/data/json/?code_region__exact=84`);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${DEPARTEMENTS}.json"`);
    expect(response.text.endsWith("]\n")).toBe(true);
    const rows = JSON.parse(response.text);
    expect(rows.map((r: any) => r.code_departement)).toEqual([
      "01",
      "03",
      "07",
      "15",
      "26",
      "38",
      "42",
      "43",
      "63",
      "69",
      "73",
      "74",
    ]);
    expect(Object.keys(rows[0])[0]).toBe("__id");
  });

  it("/data/csv/ is PostgREST's CSV: unquoted header starting with __id, t/f booleans, empty NULLs, quoted fields", async () => {
    const csv = (await get(`${base}/${NULLS}/data/csv/`)).text;
    const [header, ...lines] = csv.trimEnd().split("\n");
    expect(header).toBe("__id,id,score,decompte,is_true,birth,liste");
    expect(lines.some((l) => /,(t|f),/.test(l))).toBe(true);
    expect(lines.some((l) => /,,/.test(l))).toBe(true);
    expect(csv).toContain('"[0, 1]"');
    expect(csv.endsWith("\n")).toBe(true);
  });

  it("/data/csv/ quotes a field holding a space, as PostgreSQL's record text does, and leaves the others bare", async () => {
    const csv = (await get(`${base}/${DEPARTEMENTS}/data/csv/?code_departement__in=90,2A`)).text;
    expect(csv).toMatch(
      /^__id,code_departement,nom_departement,code_region,chef_lieu,zone\n\d+,2A,Corse-du-Sud,94,2A004,metro\n\d+,90,"Territoire de Belfort",27,90010,metro\n$/,
    );
  });

  it("empty results: /data/json/ is [] plus a newline; /data/csv/ has an empty header line, as PostgREST names columns from the first row", async () => {
    expect((await get(`${base}/${DEPARTEMENTS}/data/json/?code_departement__exact=00`)).text).toBe("[]\n");
    expect((await get(`${base}/${DEPARTEMENTS}/data/csv/?code_departement__exact=00`)).text).toBe("\n\n");
  });

  it("streams take the same query as /data/: a malformed one is a 400 before any byte", async () => {
    const response = await get(`${base}/${DEPARTEMENTS}/data/csv/?nom__near=x`);
    expect(response.status).toBe(400);
    expect(response.json().errors[0].detail).toBe("Malformed query: argument 'nom__near=x' could not be parsed");
  });

  it("more than the cap: 403 'Output is too long'", async () => {
    const response = await get(`${base}/${BIG_RESOURCE_ID}/data/csv/`);
    expect(response.status).toBe(403);
    expect(response.json().errors[0]).toEqual({
      code: null,
      title: "Output is too long",
      detail: "The output has more than 50000 rows, please consider downloading the source file directly",
    });
  });
});

describe("Tabular metadata", () => {
  it("resource: created_at, url and absolute links to profile, data and swagger", async () => {
    const body = (await get(`${base}/${TEST}/`)).json();
    expect(body.links.map((l: any) => l.rel)).toEqual(["profile", "data", "swagger"]);
    expect(body.links[1].href).toBe(`${base}/${TEST}/data/`);
  });

  it("profile: csv-detective's shape, computed from the content; codes keep their leading zeros as strings", async () => {
    const body = (await get(`${base}/${DEPARTEMENTS}/profile/`)).json();
    expect(Object.keys(body)).toEqual(["profile", "deleted_at", "dataset_id", "indexes"]);
    expect(body.profile.columns.code_departement.python_type).toBe("string");
    expect(body.profile.total_lines).toBe(109);
    const departements = JSON.parse(
      readFileSync(
        createRequire(import.meta.url).resolve("@etalab/decoupage-administratif/data/departements.json"),
        "utf8",
      ),
    );
    expect(body.profile.profile.code_region.nb_distinct).toBe(
      new Set(departements.map((d: { region: string }) => d.region)).size,
    );
    const test = (await get(`${base}/${TEST}/profile/`)).json().profile;
    expect(test.columns.score.python_type).toBe("float");
    expect(test.profile.decompte.max).toBe(Math.max(...truth.map((r) => Number(r.decompte))));
  });

  it("swagger: YAML listing the operators each column's type allows", async () => {
    const text = (await get(`${base}/${TEST}/swagger/`)).text;
    expect(text).toMatch(/^openapi: 3/);
    expect(text).toContain("decompte__sum");
    expect(text).toContain("is_true__exact");
    expect(text).not.toContain("is_true__contains");
    expect(text).not.toContain("liste__exact");
  });

  it("aggregation-exceptions as production answers it: allowed lists rids, exceptions the indexed resources", async () => {
    const body = (await get(`${env.sandbox.url}/tabular/api/aggregation-exceptions/`)).json();
    expect(body.allowed).toEqual(
      expect.arrayContaining([TEST, "dddddddd-7777-eeee-8888-ffffffffffff", "aaaaaaaa-9999-bbbb-1010-cccccccccccc"]),
    );
    expect(body.exceptions.sort()).toEqual([
      "aaaaaaaa-5555-bbbb-6666-cccccccccccc",
      "aaaaaaaa-9999-bbbb-1010-cccccccccccc",
    ]);
  });

  it("profile of an indexed resource lists its indexes; its swagger only the indexed columns", async () => {
    const rid = "aaaaaaaa-5555-bbbb-6666-cccccccccccc";
    expect((await get(`${base}/${rid}/profile/`)).json().indexes).toEqual(["id", "birth"]);
    const swagger = (await get(`${base}/${rid}/swagger/`)).text;
    expect(swagger).toContain("birth__exact");
    expect(swagger).not.toContain("score__exact");
    // aggregation is not allowed for this resource: no aggregator parameters at all
    expect(swagger).not.toContain("__groupby");
  });

  it("/health/ says it is the sandbox and that its metrics are synthetic", async () => {
    const body = (await get(`${env.sandbox.url}/tabular/health/`)).json();
    expect(body.status).toBe("ok");
    expect(body.note).toMatch(/synthetic/);
  });
});
