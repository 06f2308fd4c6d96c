import { describe, expect, it } from "vitest";
import { QueryError } from "../../lib/http/errors.ts";
import { MetricsQuery } from "../../lib/metrics/index.ts";
import { and, contains, eq, filter, gt, isNotNull, lt, or, OPERATORS } from "../../lib/query/index.ts";
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
    [
      "in → comma list, each element quoted for PostgREST's list grammar",
      () => q().where("dep", "in", ["75", "92", "93"]),
      "dep__in=%2275%22%2C%2292%22%2C%2293%22",
    ],
    ["notin → comma list", () => q().where("dep", "notin", ["75"]), "dep__notin=%2275%22"],
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
      "contains escapes %, _ and \\ (PostgreSQL's LIKE would read them as wildcards and escape); * stays the wildcard",
      () => q().where("taux", "contains", "50%_a\\*"),
      "taux__contains=50%5C%2525%5C_a%5C%5C*",
    ],
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

describe("encoding for the chain: decoded once by aiohttp, requoted for PostgREST, decoded again", () => {
  it("'#' is sent as %2523: decoded once it is %23, which the PostgREST URL keeps (a bare '#' would cut it)", () => {
    expect(q().where("ref", "exact", "A#1").toQueryString()).toBe("ref__exact=A%25231");
  });
  it("'&', '=' and ';' as %26 %3D %3B, which the first decoding keeps", () => {
    expect(q().where("a", "exact", "R&D=x;y").toQueryString()).toBe("a__exact=R%26D%3Dx%3By");
  });
  it("'%', tabs and line breaks are encoded twice (once would be decoded by aiohttp, or dropped by the URL)", () => {
    expect(q().where("a", "exact", "50%\t\n").toQueryString()).toBe("a__exact=50%2525%2509%250A");
  });
  it("a backslash in a column name is doubled (PostgREST reads a quoted name's backslash as an escape)", () => {
    expect(q().where("date/de\\naissance", "exact", "1").toQueryString()).toBe("date%2Fde%5C%5Cnaissance__exact=1");
  });
  it("a name holding '__' hides its underscores from the bare isnull check, which reads the second '__' piece", () => {
    expect(q().where("a__b", "isnull").toQueryString()).toBe("a%255F%255Fb__isnull");
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
  it("a dot, a quote, a comma or a parenthesis is encoded twice, so that api-tabular sees none (no quoted column)", () => {
    expect(decodeURIComponent(q().or(eq("is true", true), lt("nom.de.colonne", "0.1")).toQueryString())).toBe(
      "or=(is true__exact.true,nom%2Ede%2Ecolonne__strictly_less.0%2E1)",
    );
  });
  it("values PostgREST's logic trees would end early are quoted for it; in lists work inside groups", () => {
    expect(
      decodeURIComponent(
        q()
          .or(eq("a", "x,y"), filter("b", "in", ["1", "2"]))
          .toQueryString(),
      ),
    ).toBe("or=(a__exact.%22x%2Cy%22,b__in.%221%22%2C%222%22)");
  });
  it("a one-item or-group is sent as its item, at the top level", () => {
    expect(q().or(eq("a", "1")).toQueryString()).toBe("a__exact=1");
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
      "a contains value with a comma inside a several-item or-group (PostgREST ends a bare value there)",
      () => q().or(contains("a", "x,y"), eq("b", 1)).toQueryString(),
      /comma or a closing parenthesis/,
    ],
    ["a NUL character (PostgreSQL's text cannot hold it)", () => q().where("a", "exact", "x\0").toQueryString(), /NUL/],
    [
      "a group-by without an aggregate (PostgREST would return every row's value)",
      () => q().groupBy("a").toQueryString(),
      /without an aggregate/,
    ],
    ["an empty in list", () => q().where("a", "in", []), /at least one value/],
    ["a value on isnull", () => q().where("a", "isnull", "x"), /takes no value/],
    ["no value on exact", () => q().where("a", "exact"), /needs a value/],
    ["a list on exact", () => q().where("a", "exact", ["1", "2"]), /use "in"/],
    ["a second sort (the API honours one)", () => q().sort("a").sort("b"), /one column/],
    ["an unknown aggregation", () => q().aggregate("a", "median" as never), /unknown aggregation/],
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
