import { describe, expect, it } from "vitest";
import { rowsToBatch } from "../../lib/arrow/batches.ts";
import { batchBuilder, columnsFromProfile, type ColumnSpec } from "../../lib/arrow/columns.ts";
import { parseResourceProfile } from "../../lib/tabular/profile.ts";
import profileFixture from "../../sandbox/seed/tabular-api/profile.json" with { type: "json" };

const typeNames = (columns: ColumnSpec[], rows: Record<string, unknown>[]) =>
  Object.fromEntries(rowsToBatch(rows, columns).schema.fields.map((f) => [f.name, String(f.type)]));

describe("Arrow types from a csv-detective profile", () => {
  it("the recorded profile (the catalog's resources export): __id, then the header in order, typed by python_type", () => {
    const { profile } = parseResourceProfile(profileFixture);
    const columns = columnsFromProfile(profile);
    expect(columns.map((c) => c.name)).toEqual(["__id", ...profile.header!]);
    const types = typeNames(columns, []);
    // filesize reaches 75,265,497,280 in the profile's stats: 64 bits; downloads stays under 2^31
    expect(types).toMatchObject({
      filesize: "Int64",
      downloads: "Int32",
      "dataset.private": "Bool",
      created_at: "Timestamp<MILLISECOND>",
      extras: "Utf8",
      id: "Utf8",
    });
  });

  it("ints take 32 bits when the profile's range fits, 64 otherwise or without a range", () => {
    const columns: ColumnSpec[] = [
      { name: "small", type: "int", min: -5, max: 2 ** 31 - 1 },
      { name: "large", type: "int", min: 0, max: 2 ** 31 },
      { name: "unknown", type: "int" },
    ];
    expect(typeNames(columns, [{ small: 1, large: 2 ** 40, unknown: 3 }])).toEqual({
      small: "Int32",
      large: "Int64",
      unknown: "Int64",
    });
    expect(
      rowsToBatch([{ small: 1, large: 2 ** 40, unknown: 3 }], columns)
        .getChild("large")!
        .get(0),
    ).toBe(2n ** 40n);
  });

  it("codes stay text with their leading zeros (INSEE 01001, postal 01400, département 2A)", () => {
    const columns: ColumnSpec[] = [
      { name: "code_commune", type: "string" },
      { name: "code_postal", type: "string" },
      { name: "dep", type: "string" },
    ];
    const batch = rowsToBatch([{ code_commune: "01001", code_postal: "01400", dep: "2A" }], columns);
    expect([0, 1, 2].map((i) => batch.getChildAt(i)!.get(0))).toEqual(["01001", "01400", "2A"]);
  });

  it("dates as days, datetimes as milliseconds (naive ones read as UTC), booleans, floats", () => {
    const columns: ColumnSpec[] = [
      { name: "jour", type: "date" },
      { name: "instant", type: "datetime" },
      { name: "avec_zone", type: "datetime" },
      { name: "ok", type: "bool" },
      { name: "taux", type: "float" },
    ];
    const batch = rowsToBatch(
      [
        {
          jour: "2024-02-29",
          instant: "2024-02-29T12:30:00",
          avec_zone: "2024-02-29T12:30:00+02:00",
          ok: true,
          taux: 0.25,
        },
        { ok: false },
      ],
      columns,
    );
    expect(typeNames(columns, [])).toEqual({
      jour: "Date32<DAY>",
      instant: "Timestamp<MILLISECOND>",
      avec_zone: "Timestamp<MILLISECOND>",
      ok: "Bool",
      taux: "Float64",
    });
    expect(batch.getChild("jour")!.get(0)).toBe(Date.UTC(2024, 1, 29));
    expect(batch.getChild("instant")!.get(0)).toBe(Date.UTC(2024, 1, 29, 12, 30));
    expect(batch.getChild("avec_zone")!.get(0)).toBe(Date.UTC(2024, 1, 29, 10, 30));
    expect([batch.getChild("ok")!.get(0), batch.getChild("ok")!.get(1)]).toEqual([true, false]);
    expect(batch.getChild("taux")!.get(0)).toBe(0.25);
  });

  it("NULLs (JSON null, a missing key, an empty cell) are nulls in every type", () => {
    const types = ["int", "float", "bool", "date", "datetime", "string", "json"] as const;
    const columns = types.map((type): ColumnSpec => ({ name: type, type }));
    const batch = rowsToBatch([Object.fromEntries(types.map((t) => [t, null])), {}], columns);
    for (const type of types) expect(batch.getChild(type)!.nullCount).toBe(2);
    // an empty CSV cell reaches typed columns as "", which is no value either
    expect(rowsToBatch([{ int: "", date: "" }], columns).getChild("int")!.nullCount).toBe(1);
  });

  it("json columns keep their JSON text, objects and lists alike", () => {
    const batch = rowsToBatch(
      [{ liste: [0, 1, { a: "é" }] }, { liste: { k: null } }],
      [{ name: "liste", type: "json" }],
    );
    expect(String(batch.schema.fields[0].type)).toBe("Utf8");
    expect(JSON.parse(batch.getChild("liste")!.get(0))).toEqual([0, 1, { a: "é" }]);
    expect(JSON.parse(batch.getChild("liste")!.get(1))).toEqual({ k: null });
  });

  it("hostile column names (accents, dots, quotes, a newline, brackets) are kept exactly", () => {
    const names = [
      "Titre de l'œuvre",
      "nom.de.colonne",
      'nom "propre"',
      "date de\nnaissance",
      "[nom peu] commun]",
      "avec__des!",
    ];
    const columns = names.map((name): ColumnSpec => ({ name, type: "string" }));
    const batch = rowsToBatch([Object.fromEntries(names.map((n, i) => [n, `v${i}`]))], columns);
    expect(batch.schema.fields.map((f) => f.name)).toEqual(names);
    expect(names.map((n) => batch.getChild(n)!.get(0))).toEqual(names.map((_, i) => `v${i}`));
  });
});

describe("batches built as rows are appended", () => {
  const columns: ColumnSpec[] = [
    { name: "__id", type: "int", min: 1, max: 100 },
    { name: "big", type: "int" },
    { name: "x", type: "float" },
    { name: "ok", type: "bool" },
    { name: "day", type: "date" },
    { name: "at", type: "datetime" },
    { name: "label", type: "string" },
    { name: "doc", type: "json" },
  ];
  const rows = Array.from({ length: 37 }, (_, i) => ({
    __id: i + 1,
    big: i % 5 === 0 ? null : 2 ** 40 + i,
    x: i % 7 === 0 ? null : i / 4,
    ok: i % 6 === 0 ? null : i % 2 === 0,
    day: i % 9 === 0 ? null : `2024-01-${String(1 + (i % 28)).padStart(2, "0")}`,
    at: `2024-03-01T00:00:${String(i % 60).padStart(2, "0")}`,
    label: i % 4 === 0 ? null : `é${"x".repeat(i)}`,
    doc: i % 8 === 0 ? null : { i, list: [i, "a"] },
  }));
  const values = (batch: { numRows: number; getChild(name: string): { get(i: number): unknown } | null }) =>
    Array.from({ length: batch.numRows }, (_, i) => columns.map((c) => batch.getChild(c.name)!.get(i)));

  it("whatever the pieces they come in: full batches of the capacity, the rest by flush, the same values as one batch", () => {
    const builder = batchBuilder(columns, 8);
    const batches = [];
    for (const [from, to] of [
      [0, 3],
      [3, 3],
      [3, 20],
      [20, 21],
      [21, 37],
    ])
      batches.push(...builder.append(rows.slice(from, to)));
    batches.push(builder.flush()!);
    expect(builder.flush()).toBeUndefined();
    expect(batches.map((b) => b.numRows)).toEqual([8, 8, 8, 8, 5]);
    expect(batches.flatMap(values)).toEqual(values(rowsToBatch(rows, columns)));
    expect(batches.map((b) => b.getChild("big")!.nullCount)).toEqual([2, 2, 1, 2, 1]);
    expect(batches[4].getChild("label")!.get(3)).toBe(`é${"x".repeat(35)}`);
    expect(batches[4].getChild("label")!.get(4)).toBeNull();
  });
});
