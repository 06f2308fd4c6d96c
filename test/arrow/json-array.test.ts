import { describe, expect, it } from "vitest";
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
