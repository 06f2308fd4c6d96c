import { describe, expect, it } from "vitest";
import { QueryError } from "../../lib/http/errors.ts";
import { MetricsQuery } from "../../lib/metrics/index.ts";
import { and, eq, filter, gt, isNotNull, lt, or, OPERATORS } from "../../lib/query/index.ts";
import { TabularQuery } from "../../lib/tabular/index.ts";

const rid = "aaaaaaaa-1111-bbbb-2222-cccccccccccc";
const q = () => TabularQuery.of(rid);

describe("query strings, operator by operator (api-tabular core/query.py)", () => {
  const cases: [string, () => TabularQuery, string][] = [
    ["exact → col__exact=v (PostgREST eq)", () => q().where("score", "exact", 0.5), "score__exact=0.5"],
    [
      "differs → col__differs=v (IS DISTINCT FROM, NULLs kept)",
      () => q().where("decompte", "differs", 3),
      "decompte__differs=3",
    ],
    ["isnull takes no value: bare col__isnull", () => q().where("birth", "isnull"), "birth__isnull"],
    ["isnotnull takes no value: bare col__isnotnull", () => q().where("birth", "isnotnull"), "birth__isnotnull"],
    ["contains → col__contains=v (ILIKE)", () => q().where("commune", "contains", "saint"), "commune__contains=saint"],
    [
      "notcontains → col__notcontains=v",
      () => q().where("commune", "notcontains", "saint"),
      "commune__notcontains=saint",
    ],
    ["in → comma list", () => q().where("dep", "in", ["75", "92", "93"]), "dep__in=75,92,93"],
    ["notin → comma list", () => q().where("dep", "notin", ["75"]), "dep__notin=75"],
    ["less → col__less=v (inclusive lte)", () => q().where("population", "less", 100), "population__less=100"],
    [
      "greater → col__greater=v (inclusive gte)",
      () => q().where("population", "greater", 10_000),
      "population__greater=10000",
    ],
    ["strictly_less → lt", () => q().where("population", "strictly_less", 100), "population__strictly_less=100"],
    [
      "strictly_greater → gt",
      () => q().where("population", "strictly_greater", 100),
      "population__strictly_greater=100",
    ],
    ["sort → col__sort=asc|desc", () => q().sort("population", "desc"), "population__sort=desc"],
    ["columns → columns=a,b", () => q().columns(["code", "nom"]), "columns=code,nom"],
    [
      "aggregation: bare col__groupby and col__avg",
      () => q().groupBy("decompte").aggregate("score", "avg"),
      "decompte__groupby&score__avg",
    ],
    [
      "top-level params are ANDed with &",
      () => q().where("a", "exact", "1").where("b", "greater", 2),
      "a__exact=1&b__greater=2",
    ],
    ["booleans are written true/false", () => q().where("is_true", "exact", true), "is_true__exact=true"],
  ];
  for (const [fact, build, expected] of cases) it(fact, () => expect(build().toQueryString()).toBe(expected));

  it("every operator of the real API exists once", () => {
    expect(new Set(OPERATORS).size).toBe(12);
    for (const op of OPERATORS) {
      const value = op === "isnull" || op === "isnotnull" ? undefined : op === "in" || op === "notin" ? ["x"] : "x";
      expect(q().where("c", op, value).toQueryString()).toMatch(new RegExp(`^c__${op}`));
    }
  });
});

describe("encoding: the server decodes the whole query string before splitting it", () => {
  it("'#' is sent as %23 (data.gouv.fr #1622)", () => {
    expect(q().where("ref", "exact", "A#1").toQueryString()).toBe("ref__exact=A%231");
  });
  it("'+', spaces and accents are percent-encoded", () => {
    expect(q().where("nom", "exact", "Saint-Étienne du+Rouvray").toQueryString()).toBe(
      "nom__exact=Saint-%C3%89tienne%20du%2BRouvray",
    );
  });
  it("hostile column names survive: dots, accents, quotes, double underscores (split on the LAST __)", () => {
    expect(q().where("nom.de.colonne", "exact", "x").toQueryString()).toBe("nom.de.colonne__exact=x");
    expect(q().where("avec__des!", "exact", "x").toQueryString()).toBe("avec__des!__exact=x");
    expect(q().where('nom "propre"', "isnotnull").toQueryString()).toBe("nom%20%22propre%22__isnotnull");
  });
});

describe("or-groups: or=(a__op.v,and(…)) with the double-quote rules", () => {
  it("a flat OR group", () => {
    expect(q().or(eq("a", 1), gt("b", 2)).toQueryString()).toBe("or=(a__exact.1,b__strictly_greater.2)");
  });
  it("nested and(…)/or(…) have no '='", () => {
    expect(
      q()
        .or(eq("a", 1), and(lt("c", 5), isNotNull("d"), or(eq("e", "x"), eq("f", "y"))))
        .toQueryString(),
    ).toBe("or=(a__exact.1,and(c__strictly_less.5,d__isnotnull,or(e__exact.x,f__exact.y)))");
  });
  it("a column or value holding a dot is wrapped in double quotes", () => {
    expect(decodeURIComponent(q().or(eq("is true", true), eq("score", "0.1")).toQueryString())).toBe(
      'or=("is true"__exact.true,score__exact."0.1")',
    );
    expect(decodeURIComponent(q().or(eq("nom.de.colonne", "a.b")).toQueryString())).toBe(
      'or=("nom.de.colonne"__exact."a.b")',
    );
  });
  it("an OR group is ANDed with the other filters", () => {
    expect(q().where("dep", "exact", "75").or(eq("a", 1), eq("b", 2)).toQueryString()).toBe(
      "dep__exact=75&or=(a__exact.1,b__exact.2)",
    );
  });
});

describe("refused before any request, with a message saying what to do", () => {
  const refusals: [string, () => unknown, RegExp][] = [
    ["an unknown operator", () => q().where("a", "equals" as never, "1"), /unknown operator "equals".*use one of/],
    [
      "columns with aggregation (the API answers 400)",
      () => q().columns(["a"]).groupBy("b"),
      /cannot be combined with aggregation/,
    ],
    [
      "a value containing '&' (the server splits on it even encoded)",
      () => q().where("a", "exact", "R&D"),
      /"&" or "="/,
    ],
    ["a value containing '='", () => q().where("a", "exact", "x=1"), /"&" or "="/],
    ["an in value containing a comma", () => q().where("a", "in", ["Paris, 1er"]), /comma/],
    ["an empty in list", () => q().where("a", "in", []), /at least one value/],
    ["a value on isnull", () => q().where("a", "isnull", "x"), /takes no value/],
    ["no value on exact", () => q().where("a", "exact"), /needs a value/],
    ["a list on exact", () => q().where("a", "exact", ["1", "2"]), /use "in"/],
    ["a double quote inside an or-group value", () => q().or(eq("a", 'say "hi"')), /double quote/],
    ["a second sort (the API honours one)", () => q().sort("a").sort("b"), /one column/],
    ["an unknown aggregation", () => q().aggregate("a", "median" as never), /unknown aggregation/],
    [
      "filtering a column named page (read as the API's own parameter)",
      () => q().where("page", "exact", "1"),
      /cannot be filtered/,
    ],
    [
      "in inside an or-group (the OR syntax has no lists)",
      () => q().or(filter("a", "in", ["1", "2"])),
      /inside an or-group/,
    ],
    ["an empty or-group", () => q().or(), /at least one condition/],
  ];
  for (const [what, build, message] of refusals) {
    it(what, () => {
      expect(build).toThrow(QueryError);
      expect(build).toThrow(message);
    });
  }
});

describe("queries are values", () => {
  it("each call returns a new query; the original is unchanged", () => {
    const base = q().where("dep", "exact", "75");
    const sorted = base.sort("population", "desc");
    expect(base.toQueryString()).toBe("dep__exact=75");
    expect(sorted.toQueryString()).toBe("dep__exact=75&population__sort=desc");
    expect(Object.isFrozen(base.spec)).toBe(true);
  });
  it("prints readably", () => {
    expect(String(q().where("nom", "contains", "é"))).toBe(`tabular ${rid}?nom__contains=é`);
  });
  it("an unbound query says how to run it", async () => {
    await expect(q().all()).rejects.toThrow(/not bound to a client/);
    // the export engine comes from the client, not from the query's own module
    await expect(q().toArrow()).rejects.toThrow(/no export engine: use dg\.tabular\(rid\)/);
  });
});

describe("metrics queries share the model", () => {
  it("months(from, to) is inclusive on metric_month (YYYY-MM compares in order)", () => {
    expect(
      MetricsQuery.of("datasets")
        .where("dataset_id", "exact", "abc")
        .months("2025-01", "2025-12")
        .sort("metric_month", "desc")
        .toQueryString(),
    ).toBe("dataset_id__exact=abc&metric_month__greater=2025-01&metric_month__less=2025-12&metric_month__sort=desc");
    expect(() => MetricsQuery.of("site").months("2025-1")).toThrow(/YYYY-MM/);
  });
});
