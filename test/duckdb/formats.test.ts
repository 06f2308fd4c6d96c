import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordBatchStreamReader, tableFromIPC, type Table } from "apache-arrow";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";
import { Duck, toRecordBatches } from "../../lib/duckdb/index.ts";
import type { TabularQuery } from "../../lib/tabular/index.ts";
import { API_KEY, testSandbox } from "../support/sandbox.ts";

/** A CSV as people publish them: codes with leading zeros, hostile headers (quotes, a newline, dots, accents), gaps. */
const CSV = [
  'code_commune,"nom ""officiel""","date de\nnaissance",nb.habitants,taux (%),actif,payload,vu à',
  '01001,"L\'Abergement-Clémenciat",1990-01-02,776,0.5,true,"{""a"": [1, 2]}",2024-01-02T03:04:05',
  "2A004,Ajaccio,,70000,,false,,",
  '75056,"Paris\nnord",2000-12-31,2100000,1.25,,"[1]",2024-06-30 12:00:00',
].join("\n");
const HOSTILE = [
  "code_commune",
  'nom "officiel"',
  "date de\nnaissance",
  "nb.habitants",
  "taux (%)",
  "actif",
  "payload",
  "vu à",
];

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
let duck: Duck;
let query: TabularQuery;

/** Uploaded through the Main API, a file is then served by the Tabular API with a profile, and downloadable. */
async function publish(title: string, csv: string, name: string): Promise<TabularQuery> {
  const dataset = await env.dg.http.json<{ id: string }>("main", "api/1/datasets/", {
    method: "POST",
    json: { title, organization: SEED_TABULAR[0].organizationId },
    auth: true,
  });
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), name);
  const upload = await fetch(`${env.sandbox.url}/api/1/datasets/${dataset.id}/upload/`, {
    method: "POST",
    headers: { "x-api-key": API_KEY },
    body: form,
  });
  return env.dg.tabular(((await upload.json()) as { id: string }).id);
}

beforeAll(async () => {
  env = await testSandbox({ tabular: { bigRows: 1_000, aggregationAllowed: true } });
  dir = await mkdtemp(join(tmpdir(), "datagouv-formats-test-"));
  duck = await Duck.memory();
  query = await publish("Communes (hostile)", CSV, "communes-hostile.csv");
});
afterAll(async () => {
  duck.close();
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

const plain = (table: Table) =>
  JSON.parse(
    JSON.stringify(
      table.toArray().map((row) => row.toJSON()),
      (_k, v) => (typeof v === "bigint" ? Number(v) : v),
    ),
  );

describe("a published CSV with hostile headers, through the Tabular API", () => {
  it("Arrow: types from the profile, names kept exactly, codes with their leading zeros, NULLs, json as text", async () => {
    const table = await query.toArrow();
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(Object.keys(types)).toEqual(["__id", ...HOSTILE]);
    expect(types).toMatchObject({
      code_commune: "Utf8",
      "date de\nnaissance": "Date32<DAY>",
      "nb.habitants": "Int32",
      "taux (%)": "Float64",
      actif: "Bool",
      payload: "Utf8",
      "vu à": "Timestamp<MILLISECOND>",
    });
    const rows = plain(table);
    expect(rows.map((r: Record<string, unknown>) => r.code_commune)).toEqual(["01001", "2A004", "75056"]);
    expect(rows[2]['nom "officiel"']).toBe("Paris\nnord");
    expect(JSON.parse(rows[0].payload)).toEqual({ a: [1, 2] });
    expect(rows[1]).toMatchObject({ "date de\nnaissance": null, "taux (%)": null, payload: null, "vu à": null });
    expect(rows[2].actif).toBeNull();
    expect(rows[0]["vu à"]).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  it("Parquet and DuckDB tables carry the same names and SQL types", async () => {
    const file = join(dir, "hostile.parquet");
    expect(await query.toParquet(file)).toBe(3);
    const parquet = await duck.all<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM read_parquet('${file}')`,
    );
    expect(parquet.map((c) => c.column_name)).toEqual(["__id", ...HOSTILE]);
    expect(Object.fromEntries(parquet.map((c) => [c.column_name, c.column_type]))).toMatchObject({
      code_commune: "VARCHAR",
      "date de\nnaissance": "DATE",
      "nb.habitants": "BIGINT",
      actif: "BOOLEAN",
      "vu à": "TIMESTAMP",
    });
    await query.toDuckDB(duck.connection, 'table "hostile"');
    const table = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE "table ""hostile"""`);
    expect(table.map((c) => [c.column_name, c.column_type])).toEqual(
      parquet.map((c) => [c.column_name, c.column_type]),
    );
    const [first] = await duck.all<Record<string, unknown>>(`SELECT * FROM "table ""hostile""" ORDER BY __id LIMIT 1`);
    expect(first.code_commune).toBe("01001");
  });

  it("Arrow IPC in the file and the stream formats holds the same rows", async () => {
    const fileFormat = join(dir, "hostile.arrow");
    const streamFormat = join(dir, "hostile.arrows");
    expect(await query.toIpc(fileFormat)).toBe(3);
    expect(await query.toIpc(streamFormat, { ipcFormat: "stream" })).toBe(3);
    const bytes = readFileSync(streamFormat);
    expect(bytes.subarray(0, 6).toString("latin1")).not.toBe("ARROW1"); // the file format's magic; the stream has none
    const reader = RecordBatchStreamReader.from(bytes);
    const streamed: Record<string, unknown>[] = [];
    for (const batch of reader) streamed.push(...batch.toArray().map((r) => r.toJSON()));
    expect(JSON.parse(JSON.stringify(streamed))).toEqual(plain(tableFromIPC(readFileSync(fileFormat))));
  });

  it("record batches as a stream, in order", async () => {
    const ids: number[] = [];
    for await (const batch of toRecordBatches(query.sort("nb.habitants", "desc")))
      ids.push(...Array.from(batch.getChild("__id")!.toArray() as Int32Array));
    expect(ids).toEqual([3, 2, 1]);
  });

  it("run locally on the downloaded file, the same query gives the same rows and types as remotely", async () => {
    const q = query.where("nb.habitants", "greater", 776).sort("date de\nnaissance", "desc");
    const remote = await q.toArrow();
    const local = await q.toArrow({ mode: "local", cacheDir: join(dir, "cache"), logger: { warn() {} } });
    expect(local.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(
      remote.schema.fields.map((f) => `${f.name}:${f.type}`),
    );
    expect(plain(local)).toEqual(plain(remote));
    // greater is inclusive (776 is kept); a descending sort puts NULLs first
    expect(plain(remote).map((r: Record<string, unknown>) => r.__id)).toEqual([2, 3, 1]);
  });

  it("into your own connection, locally: the resource's working table is dropped afterwards", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const n = await query
        .columns(["code_commune", "actif"])
        .toDuckDB(connection, "communes", { mode: "local", cacheDir: join(dir, "cache"), logger: { warn() {} } });
      expect(n).toBe(3);
      const tables = (
        await connection.runAndReadAll("SELECT table_name FROM duckdb_tables() ORDER BY 1")
      ).getRowObjectsJS();
      expect(tables).toEqual([{ table_name: "communes" }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

/**
 * Values that PostgreSQL's record text (PostgREST's CSV stream, which DuckDB outputs are read from) quotes and
 * escapes: backslashes, quotes, commas, parentheses, spaces, line breaks, empty strings, t/f booleans, JSON text,
 * datetimes (their space); dates never need quotes.
 */
const VALUES_CSV = [
  "code,texte,drapeau,donnees,note,jour,horodatage",
  '00123,"back\\slash and ""quotes"", (parens)",true,"{""k"": ""a\\""b"", ""p"": ""C:\\\\dir""}",1.5,2024-01-02,2024-01-02T03:04:05',
  '00124,"  padded  ",false,"[""x, y""]",,1999-12-31,',
  "00125,,,,2,,",
  '00126,"two\nlines",true,"[1, 2]",-0.25,2000-02-29,2024-06-30T12:00:00',
  "00127,\\,false,{},1e+20,2024-01-02,2024-01-02T00:00:00",
].join("\n");

/** The loaded columns as the JSON pages write them (dates and datetimes as ISO text). */
const LOADED =
  "__id::INTEGER AS __id, code, texte, drapeau, donnees::VARCHAR AS donnees, note, jour::VARCHAR AS jour, strftime(horodatage, '%Y-%m-%dT%H:%M:%S') AS horodatage";

describe("values PostgreSQL quotes and escapes, through the CSV stream into DuckDB", () => {
  it("load exactly as the JSON pages of /data/ give them, with no JSON stream involved", async () => {
    const values = await publish("Valeurs échappées", VALUES_CSV, "valeurs.csv");
    const pages: Record<string, unknown>[] = [];
    for await (const page of values.pages()) pages.push(...page.data);
    expect(pages.map((r) => r.texte)).toEqual([
      'back\\slash and "quotes", (parens)',
      "  padded  ",
      null,
      "two\nlines",
      "\\",
    ]);
    // PostgreSQL's record text, as PostgREST streams it (the code column needs no quotes anywhere, the text one does)
    expect(await (await values.csv()).body.text()).toBe(
      [
        "__id,code,texte,drapeau,donnees,note,jour,horodatage",
        '1,00123,"back\\\\slash and ""quotes"", (parens)",t,"{""k"": ""a\\\\""b"", ""p"": ""C:\\\\\\\\dir""}",1.5,2024-01-02,"2024-01-02 03:04:05"',
        '2,00124,"  padded  ",f,"[""x, y""]",,1999-12-31,',
        "3,00125,,,,2,,",
        '4,00126,"two\nlines",t,"[1, 2]",-0.25,2000-02-29,"2024-06-30 12:00:00"',
        // PostgREST joins the rows with newlines; api-tabular appends one
        '5,00127,"\\\\",f,{},1e+20,2024-01-02,"2024-01-02 00:00:00"',
        "",
      ].join("\n"),
    );
    // the JSON stream cut at its first byte: an export that used it would fail
    env.sandbox.faults.set("/tabular/api/resources/*/data/json/:reset-after=0");
    try {
      expect(await values.toDuckDB(duck.connection, "escaped")).toBe(5);
      expect(await values.toParquet(join(dir, "escaped.parquet"))).toBe(5);
    } finally {
      env.sandbox.faults.clear();
    }
    const loaded = await duck.all<Record<string, unknown>>(`SELECT ${LOADED} FROM escaped ORDER BY __id`);
    const parquet = await duck.all<Record<string, unknown>>(
      `SELECT ${LOADED} FROM read_parquet('${join(dir, "escaped.parquet")}') ORDER BY __id`,
    );
    expect(parquet).toEqual(loaded);
    const json = (v: unknown) => (v === null || v === undefined ? null : typeof v === "string" ? JSON.parse(v) : v);
    expect(loaded.map((r) => ({ ...r, donnees: json(r.donnees) }))).toEqual(
      pages.map((r) => ({
        __id: r.__id,
        code: r.code,
        texte: r.texte,
        drapeau: r.drapeau,
        donnees: json(r.donnees),
        note: r.note,
        jour: r.jour,
        horodatage: r.horodatage,
      })),
    );
    expect(json(loaded[0].donnees)).toEqual({ k: 'a"b', p: "C:\\dir" });

    // one-column results: in CSV a NULL is an empty line, and so is an empty result's header; they come as JSON
    // (a group-by alone is refused before any request now: PostgREST groups only when something is aggregated)
    const column = values.columns(["drapeau"]);
    const expected = (await column.all<{ drapeau: boolean | null }>()).map((r) => r.drapeau);
    expect(expected).toContain(null);
    expect(await column.toParquet(join(dir, "column.parquet"))).toBe(expected.length);
    const read = await duck.all<{ drapeau: boolean | null }>(
      `SELECT drapeau FROM read_parquet('${join(dir, "column.parquet")}')`,
    );
    expect(read.map((r) => r.drapeau)).toEqual(expected);
    expect(
      await values.where("code", "exact", "99999").columns(["drapeau"]).toParquet(join(dir, "no-rows.parquet")),
    ).toBe(0);
  });

  it("a window kept from a run cut short is searched for backslashes too: resumed, its text is halved as fresh text", async () => {
    const values = await publish("Valeurs reprises", VALUES_CSV, "reprises.csv");
    // rows 1 to 4 in windows of two ids: only the first window holds backslashes, and it is the one kept
    const query = values.where("code", "strictly_less", "00127");
    const options = { cap: 2, concurrency: 1, cacheDir: join(dir, "resume-cache"), logger: { warn() {}, info() {} } };
    env.sandbox.faults.set("/tabular/api/resources/*/data/csv/:status=500,nth=2");
    try {
      await expect(query.toDuckDB(duck.connection, "resumed", options)).rejects.toThrow(/500/);
    } finally {
      env.sandbox.faults.clear();
    }
    expect(await query.toDuckDB(duck.connection, "resumed", options)).toBe(4);
    const texts = await duck.all<{ texte: string | null }>("SELECT texte FROM resumed ORDER BY __id");
    expect(texts.map((r) => r.texte)).toEqual(['back\\slash and "quotes", (parens)', "  padded  ", null, "two\nlines"]);
  });
});
