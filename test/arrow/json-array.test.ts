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
});
