import { describe, expect, it } from "vitest";
import { RecordBatch, Table } from "apache-arrow";
import { jsonStreamToBatches } from "../../lib/arrow/batches.ts";
import type { ColumnSpec } from "../../lib/arrow/columns.ts";
import { jsonArrayRows } from "../../lib/arrow/json-array.ts";

async function* chunked(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(text: string, size: number, batch = 2) {
  const out: unknown[] = [];
  for await (const rows of jsonArrayRows(chunked(text, size), batch)) out.push(...rows);
  return out;
}

describe("streaming the /data/json/ array (one JSON array plus a newline)", () => {
  const rows = [
    { __id: 1, nom: "L'Abergement-Clémenciat", liste: [0, [1, { "}": "]" }]], note: 'un "guillemet" et \\ barre' },
    { __id: 2, nom: "a,b{c}[d]", liste: null, note: "" },
    { __id: 3, nom: "émoji 🗼", liste: {}, note: "\u2028" },
  ];
  const text = `${JSON.stringify(rows)}\n`;

  it("gives back every row whatever the chunk boundaries, inside strings, escapes and multi-byte characters", async () => {
    for (const size of [1, 2, 3, 7, 64, 10_000]) expect(await all(text, size)).toEqual(rows);
  });

  it("an empty array is no rows", async () => {
    expect(await all("[]\n", 1)).toEqual([]);
  });

  it("a stream cut before the closing bracket is an error, not a short result", async () => {
    await expect(all(text.slice(0, text.length - 3), 5)).rejects.toThrow(/cut off/);
  });

  it("something other than an array is refused", async () => {
    await expect(all('{"errors":[]}', 4)).rejects.toThrow(/expected a JSON array/);
  });

  it("a long stream, parsed a part at a time, gives every row in batches of the size asked, whether a part ends on a row or inside a nested value or a string", async () => {
    // rows ending in nested objects and strings holding "}", so that many parts end on a "}" that does not end a row
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      __id: i + 1,
      nom: `ville } n°${i} "é"`,
      liste: i % 3 ? [{ k: "]}", v: { w: i } }] : null,
      x: i / 7,
    }));
    const long = `[${many.map((row) => JSON.stringify(row)).join(", \n ")}]\n`;
    expect(long.length).toBeGreaterThan(1_000_000);
    for (const size of [65_536, 99_991]) {
      const sizes: number[] = [];
      const out: unknown[] = [];
      for await (const batch of jsonArrayRows(chunked(long, size), 5_000)) {
        sizes.push(batch.length);
        out.push(...batch);
      }
      expect(sizes).toEqual([5_000, 5_000, 2_000]);
      expect(out).toEqual(many);
    }
    await expect(all(`${long.trimEnd()} {"__id":0}\n`, 70_000)).rejects.toThrow(/unexpected data after the end/);
    await expect(all(long.slice(0, 700_000), 70_000)).rejects.toThrow(/cut off/);
  });
});

describe("integers past 2^53 through the JSON stream into Arrow", () => {
  const big = 2n ** 53n + 1n;
  // enough rows that the stream is parsed in several parts, the big integers in all of them
  const rows = Array.from({ length: 5_000 }, (_, i) => ({
    __id: i + 1,
    n: i % 2 ? Number(i) : big + BigInt(i),
    code: `"${big * 1000n + BigInt(i)}"`,
    doc: `{"id":${big + BigInt(i)},"name":"x"}`,
  }));
  const text = `[${rows.map((r) => `{"__id":${r.__id},"n":${r.n},"code":${r.code},"doc":${r.doc}}`).join(",")}]\n`;
  const columns: ColumnSpec[] = [
    { name: "__id", type: "int", min: 1, max: 5_000 },
    { name: "n", type: "int" },
    { name: "code", type: "string" },
    { name: "doc", type: "json" },
  ];

  it("the parser gives BigInt where a number would round, numbers elsewhere", async () => {
    const parsed = (await all(text, 4_096, 1_000)) as { n: unknown }[];
    expect(parsed[0].n).toBe(big);
    expect(parsed[4_998].n).toBe(big + 4_998n);
    expect(parsed[1].n).toBe(1);
  });

  it("an int column is an exact Int64, a string column the digits as text, a json column its exact JSON text", async () => {
    const batches: RecordBatch[] = [];
    for await (const batch of jsonStreamToBatches(chunked(text, 4_096), columns, 1_024)) batches.push(batch);
    const table = new Table(batches);
    expect(table.numRows).toBe(5_000);
    const n = table.getChild("n")!;
    expect(n.get(0)).toBe(big);
    expect(n.get(4_998)).toBe(big + 4_998n);
    expect(n.get(3)).toBe(3n);
    expect(table.getChild("code")!.get(7)).toBe(String(big * 1000n + 7n));
    expect(
      JSON.parse(
        table
          .getChild("doc")!
          .get(2)
          .replace(/\d{16,}/, '"$&"'),
      ),
    ).toEqual({
      id: String(big + 2n),
      name: "x",
    });
  });
});
