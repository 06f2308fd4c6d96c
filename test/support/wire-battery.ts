import { and, contains, eq, filter, gt, gte, isIn, isNotNull, isNull, lt, lte, ne, or } from "../../lib/query/index.ts";
import type { Condition, Operator, QuerySpec } from "../../lib/query/index.ts";

/**
 * A battery of hostile but legitimate queries for the wire tests: every operator over values and column names that
 * the real chain misreads unless they are encoded for it, sorts, `columns`, or-groups with nested and, aggregations.
 */

/** api-tabular's own hostile names (db/initdb), names holding "__" and names starting with "page". */
export const HOSTILE_COLUMNS = [
  "Titre de l'œuvre",
  "nom.de.colonne",
  "%dès_àccênts?",
  'nom "propre"',
  "date/de\\naissance",
  "[nom peu] commun]",
  "avec__des!",
  "Taux de logements vacants* (en %)",
  "a__b",
  "page_type",
  "pageviews",
];

export const TEXTS = [
  "Ardèche",
  "Ardennes",
  "Côte-d'Or",
  "Creuse",
  "a,b",
  "(x)",
  '"q"',
  "#h",
  "%41",
  "50%",
  "a_b",
  "a+b",
  "a/b",
  "a?b",
  "a\\b",
  "tab\there",
  "line\nbreak",
  "😀 emoji",
  "R&D",
  "x=y",
  "a;b",
  "it's",
  "a.b",
  " lead",
];

const BIG = "9007199254740993";

/** The CSV: one row per text, numbers, dates, booleans with ties, the hostile columns holding small integers. */
export function batteryCsv(): string {
  const header = ["nom", "n", "x", "ok", "jour", "quand", ...HOSTILE_COLUMNS];
  const cell = (v: string) => (/[",\n\r]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [header.map(cell).join(",")];
  TEXTS.forEach((text, i) => {
    const n = i === 0 ? BIG : String((i % 7) * 10);
    const x = ["1e15", "0.00001", "2.5", "1.5e30", "0.1"][i % 5];
    const ok = i % 3 === 0 ? "" : i % 2 === 0 ? "true" : "false";
    const jour = `2024-0${1 + (i % 9)}-1${i % 10}`;
    const quand = `2024-01-0${1 + (i % 9)} 10:00:0${i % 10}.${"123456"}`;
    lines.push(
      [text, n, x, ok, jour, quand, ...HOSTILE_COLUMNS.map((_, k) => String((i + k) % 5))].map(cell).join(","),
    );
  });
  return `${lines.join("\n")}\n`;
}

export interface Case {
  name: string;
  spec: QuerySpec;
}

const q = (where: Condition[], more: Partial<QuerySpec> = {}): QuerySpec => ({ where, aggregations: [], ...more });

export function battery(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, spec: QuerySpec) => cases.push({ name, spec });
  const text = (op: Operator, v: string) => filter("nom", op, v);
  for (const v of TEXTS) {
    for (const op of ["exact", "differs", "contains", "notcontains", "less", "strictly_greater"] as const)
      add(`nom ${op} ${JSON.stringify(v)}`, q([text(op, v)]));
    add(`nom in [${JSON.stringify(v)}, Creuse]`, q([isIn("nom", [v, "Creuse"])]));
    add(`nom notin [${JSON.stringify(v)}]`, q([filter("nom", "notin", [v])]));
    add(
      `or(nom exact ${JSON.stringify(v)}, and(n less 20, ok isnull))`,
      q([or(eq("nom", v), and(lte("n", 20), isNull("ok")))]),
    );
    add(`or(nom in [${JSON.stringify(v)}], n exact 30)`, q([or(isIn("nom", [v]), eq("n", 30))]));
  }
  for (const column of HOSTILE_COLUMNS) {
    add(`${JSON.stringify(column)} greater 2`, q([gte(column, 2)]));
    add(`${JSON.stringify(column)} isnull`, q([isNull(column)]));
    add(`${JSON.stringify(column)} isnotnull`, q([isNotNull(column)]));
    add(
      `or(${JSON.stringify(column)} strictly_less 1, ${JSON.stringify(column)} exact 4)`,
      q([or(lt(column, 1), eq(column, 4))]),
    );
    add(`${JSON.stringify(column)} in [1, 3]`, q([isIn(column, [1, 3])]));
    add(`sort ${JSON.stringify(column)} desc`, q([], { sort: { column, direction: "desc" } }));
    add(`columns nom, ${JSON.stringify(column)}`, q([ne(column, 0)], { columns: ["nom", column] }));
    add(`group by ${JSON.stringify(column)}, count`, {
      where: [],
      aggregations: [
        { column, op: "groupby" },
        { column, op: "count" },
      ],
    });
  }
  add("n exact 2^53 + 1", q([eq("n", BIG)]));
  add("n greater 2^53", q([gt("n", "9007199254740992")]));
  add("x exact 1e15", q([eq("x", "1e15")]));
  add("x less 0.0001", q([lte("x", "0.0001")]));
  add("jour greater 2024-05-01", q([gte("jour", "2024-05-01")]));
  add("quand strictly_less 2024-01-05T10:00:04.1234565", q([lt("quand", "2024-01-05T10:00:04.1234565")]));
  add("ok exact true", q([eq("ok", true)]));
  add("contains with * wildcard", q([contains("nom", "a*e")]));
  add("sort nom asc (en_US.UTF-8)", q([], { sort: { column: "nom", direction: "asc" } }));
  add("sort ok desc (ties)", q([], { sort: { column: "ok", direction: "desc" } }));
  add("sort x asc, nom contains a", q([contains("nom", "a")], { sort: { column: "x", direction: "asc" } }));
  add("group by ok, sum n, avg x", {
    where: [],
    aggregations: [
      { column: "ok", op: "groupby" },
      { column: "n", op: "sum" },
      { column: "x", op: "avg" },
    ],
  });
  return cases;
}
