import { DuckDBInstance } from "@duckdb/node-api";
import { DateDay, Table, tableFromArrays, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISPLAY, schemaType, table } from "../../lib/notebook/index.ts";

type Resource = { schema: { fields: { name: string; type: string }[] }; data: Record<string, unknown>[] };
const resourceOf = (bundle: Record<string, unknown>) => bundle["application/vnd.dataresource+json"] as Resource;
const bodyRows = (html: string) => html.split("<tbody>")[1].match(/<tr>/g)?.length ?? 0;

describe("tables of rows", () => {
  it("carry text/plain, text/html with the row count and column types, and data resource JSON", () => {
    const { bundle } = table([
      { code: "01015", n: 3, ok: true },
      { code: "2A004", n: 4, ok: false },
    ]);
    expect(bundle["text/plain"].split("\n").slice(0, 2)).toEqual([
      "2 rows × 3 columns",
      "code: string, n: number, ok: boolean",
    ]);
    expect(bundle["text/html"]).toContain('<th title="string">code<br><small>string</small></th>');
    expect(resourceOf(bundle)).toEqual({
      schema: {
        fields: [
          { name: "code", type: "string" },
          { name: "n", type: "number" },
          { name: "ok", type: "boolean" },
        ],
      },
      data: [
        { code: "01015", n: 3, ok: true },
        { code: "2A004", n: 4, ok: false },
      ],
    });
  });

  it("escape HTML in cells, column names and titles", () => {
    const html = table([{ "<b>name</b>": "<script>alert('x')</script> & co" }], { title: "<i>t</i>" }).bundle[
      "text/html"
    ] as string;
    expect(html).not.toMatch(/<script|<b>name|<i>t/);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
    expect(html).toContain("&lt;b&gt;name&lt;/b&gt;");
    expect(html).toContain("&lt;i&gt;t&lt;/i&gt;");
  });

  it("honour the caps on rows, columns and cell length, and still count everything", () => {
    const wide = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c${i}`, "x".repeat(500)]));
    const rows = Array.from({ length: 1000 }, () => wide);
    const { bundle } = table(rows, { maxRows: 7, maxColumns: 5, maxCell: 30 });
    const html = bundle["text/html"] as string;
    expect(bundle["text/plain"]).toMatch(/^1,000 rows × 12 columns/);
    expect(html).toContain("(first 7 rows, first 5 columns shown)");
    expect(bodyRows(html)).toBe(7);
    expect(html.match(/<th /g)).toHaveLength(5);
    expect(html).toContain(`<td>${"x".repeat(29)}…</td>`);
    expect(resourceOf(bundle).data).toHaveLength(7);
    expect(html.length).toBeLessThan(3000);
  });

  it("keep integers past 2^53 exact in the JSON, as text", () => {
    const { bundle } = table([{ id: 9007199254740993n, small: 42n }]);
    expect(resourceOf(bundle).data).toEqual([{ id: "9007199254740993", small: 42 }]);
    expect(resourceOf(bundle).schema.fields.map((f) => f.type)).toEqual(["integer", "integer"]);
  });

  it("map Arrow, DuckDB and JavaScript types to Table Schema types", () => {
    const cases = {
      Int32: "integer",
      Uint8: "integer",
      BIGINT: "integer",
      HUGEINT: "integer",
      INTERVAL: "string",
      Float64: "number",
      "DECIMAL(10,2)": "number",
      Bool: "boolean",
      "Date32<DAY>": "date",
      DATE: "date",
      "Timestamp<MILLISECOND>": "datetime",
      "TIMESTAMP WITH TIME ZONE": "datetime",
      Utf8: "string",
      "Dictionary<Int32, Utf8>": "string",
    };
    expect(Object.fromEntries(Object.keys(cases).map((t) => [t, schemaType(t)]))).toEqual(cases);
  });
});

describe("Arrow tables", () => {
  it("show their schema's types, and dates as dates rather than epoch milliseconds", () => {
    const arrow = new Table({
      day: vectorFromArray([new Date("2024-03-01T00:00:00Z"), null], new DateDay()),
      n: vectorFromArray([1, 2]),
    });
    const shown = table(arrow);
    expect(shown[DISPLAY]()).toBe(shown.bundle);
    expect(shown.bundle["text/html"]).toContain("<small>Date32&lt;DAY&gt;</small>");
    expect(resourceOf(shown.bundle).data).toEqual([
      { day: "2024-03-01", n: 1 },
      { day: null, n: 2 },
    ]);
    expect(resourceOf(shown.bundle).schema.fields[0].type).toBe("date");
  });

  it("read only the rows they render", () => {
    const n = 100_000;
    const arrow = tableFromArrays({ i: Int32Array.from({ length: n }, (_, i) => i) });
    const { bundle } = table(arrow, { maxRows: 3 });
    expect(bundle["text/plain"]).toMatch(/^100,000 rows × 1 columns/);
    expect(resourceOf(bundle).data).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });
});

describe("DuckDB results", () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
  });
  afterAll(() => instance.closeSync());

  it("render from the reader with DuckDB's own column types", async () => {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      "SELECT i::INTEGER AS i, 'n' || i AS name, DATE '2024-01-01' + i::INTEGER AS day, i * 1.5 AS x FROM range(5000) t(i)",
    );
    const { bundle } = table(reader, { maxRows: 4, title: "range" });
    expect(bundle["text/plain"]).toMatch(
      /^range: 5,000 rows × 4 columns\ni: INTEGER, name: VARCHAR, day: DATE, x: DECIMAL/,
    );
    expect(resourceOf(bundle)).toEqual({
      schema: {
        fields: [
          { name: "i", type: "integer" },
          { name: "name", type: "string" },
          { name: "day", type: "date" },
          { name: "x", type: "number" },
        ],
      },
      data: [0, 1, 2, 3].map((i) => ({ i, name: `n${i}`, day: `2024-01-0${i + 1}`, x: i * 1.5 })),
    });
    connection.closeSync();
  });

  it("say when the reader has not been read to its end", async () => {
    const connection = await instance.connect();
    const reader = await connection.runAndRead("SELECT * FROM range(100000)");
    await reader.readUntil(10);
    const { bundle } = table(reader, { maxRows: 5 });
    expect(bundle["text/plain"]).toMatch(/^[\d,]+ rows read so far × 1 columns/);
    expect(resourceOf(bundle).data).toHaveLength(5);
    connection.closeSync();
  });
});
