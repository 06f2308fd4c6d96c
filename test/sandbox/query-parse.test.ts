import { describe, expect, it } from "vitest";
import {
  decodeQueryString,
  MalformedQuery,
  ParserCrash,
  parseQueryString,
  queryParam,
  UnauthorizedParameters,
} from "../../sandbox/src/query/parse.ts";

/** The parser's rules, as api-tabular's core/query.py applies them to a decoded query string. */

const spec = (query: string, options?: Parameters<typeof parseQueryString>[1]) => parseQueryString(query, options).spec;
const malformed = (query: string, detail: string) =>
  expect(() => parseQueryString(query)).toThrow(new MalformedQuery(detail));

describe("top-level parameters: split on '&', then on '='", () => {
  it("col__op=value is a filter, ANDed with the others", () => {
    expect(spec("a__exact=1&b__greater=2").where).toEqual([
      { type: "filter", column: "a", op: "exact", value: "1" },
      { type: "filter", column: "b", op: "greater", value: "2" },
    ]);
  });

  it("every operator of the API is read, the operator lowercased", () => {
    for (const op of [
      "exact",
      "differs",
      "contains",
      "notcontains",
      "less",
      "greater",
      "strictly_less",
      "strictly_greater",
    ]) {
      expect(spec(`c__${op.toUpperCase()}=v`).where).toEqual([{ type: "filter", column: "c", op, value: "v" }]);
    }
  });

  it("in and notin take a comma list; an empty one is the empty list", () => {
    expect(spec("a__in=1,2,3&b__notin=x").where).toEqual([
      { type: "filter", column: "a", op: "in", value: ["1", "2", "3"] },
      { type: "filter", column: "b", op: "notin", value: ["x"] },
    ]);
    expect(spec("a__in=").where).toEqual([{ type: "filter", column: "a", op: "in", value: [] }]);
  });

  it("col__op splits on the LAST '__' (hostile column names keep theirs)", () => {
    expect(spec("avec__des!__exact=1").where).toEqual([
      { type: "filter", column: "avec__des!", op: "exact", value: "1" },
    ]);
  });

  it("isnull and isnotnull are bare parameters (a value is ignored)", () => {
    expect(spec("a__isnull&b__isnotnull&c__isnull=x").where).toEqual([
      { type: "filter", column: "a", op: "isnull" },
      { type: "filter", column: "b", op: "isnotnull" },
      { type: "filter", column: "c", op: "isnull" },
    ]);
  });

  it("a bare isnull is recognised by the SECOND piece only: a column holding '__' cannot use it", () => {
    malformed("a__b__isnull", "argument 'a__b__isnull' could not be parsed");
  });

  it("the query is percent-decoded before splitting: '+' is a space, %26 splits like '&'", () => {
    expect(spec("nom__exact=Saint+%C3%89tienne").where).toEqual([
      { type: "filter", column: "nom", op: "exact", value: "Saint Étienne" },
    ]);
    expect(spec("a__exact=1%26b__exact=2").where.map((f) => f.type === "filter" && f.column)).toEqual(["a", "b"]);
    expect(decodeQueryString("a%ZZb%41")).toBe("a%ZZbA");
  });

  it("page and page_size are not filters; their first value is what the service reads", () => {
    expect(spec("page=2&page_size=5").where).toEqual([]);
    expect(queryParam("a__exact=1&page_size=5&page_size=9", "page_size")).toBe("5");
    expect(queryParam("page", "page")).toBe("");
    expect(queryParam("a__exact=1", "page")).toBeUndefined();
  });

  it("columns=a,b selects columns", () => {
    expect(spec("columns=a,b").columns).toEqual(["a", "b"]);
  });

  it("col__sort=asc|desc sets the one sort; another direction is left for PostgREST to refuse", () => {
    expect(spec("a__sort=desc").sort).toEqual({ column: "a", direction: "desc" });
    const parsed = parseQueryString("a__sort=up");
    expect(parsed.spec.sort).toBeUndefined();
    expect(parsed.unreadableSort).toEqual({ column: "a", direction: "up" });
  });
});

describe("malformed arguments: 400 'Malformed query: argument … could not be parsed'", () => {
  it("an unknown operator names the argument with its value", () => {
    malformed("score__near=1", "argument 'score__near=1' could not be parsed");
  });

  it("a filter without '__'", () => {
    malformed("score=1", "argument 'score=1' could not be parsed");
  });

  it("more than one '='", () => {
    malformed("a__exact=1=2", "argument 'a__exact=1=2' could not be parsed");
  });

  it("columns alongside aggregators", () => {
    malformed("columns=a&b__groupby", "the argument `columns` cannot be set alongside aggregators");
  });

  it("a bare argument that is no aggregator", () => {
    malformed("a__exact", "argument 'a__exact' could not be parsed");
  });
});

describe("inputs the real parser crashes on (an unhandled IndexError: a 500)", () => {
  it("a bare argument without '__', or an empty one from a trailing '&'", () => {
    expect(() => parseQueryString("score")).toThrow(ParserCrash);
    expect(() => parseQueryString("a__exact=1&")).toThrow(ParserCrash);
  });

  it("an or-group spanning a newline", () => {
    expect(() => parseQueryString("or=(a__exact.1,%0Ab__exact.2)")).toThrow(ParserCrash);
  });
});

describe("or-groups: or=(col__op.value,…), nested and(…)/or(…)", () => {
  it("items are col__op.value, nested groups keep their commas", () => {
    expect(spec("or=(a__exact.1,and(b__less.5,c__isnotnull,or(d__exact.x,e__exact.y)))").where).toEqual([
      {
        type: "or",
        items: [
          { type: "filter", column: "a", op: "exact", value: "1" },
          {
            type: "and",
            items: [
              { type: "filter", column: "b", op: "less", value: "5" },
              { type: "filter", column: "c", op: "isnotnull" },
              {
                type: "or",
                items: [
                  { type: "filter", column: "d", op: "exact", value: "x" },
                  { type: "filter", column: "e", op: "exact", value: "y" },
                ],
              },
            ],
          },
        ],
      },
    ]);
  });

  it("double quotes around a column or a value holding a dot: 2 or 4 of them", () => {
    expect(spec('or=("is true"__exact.true,score__strictly_less."0.1","a.b"__exact."c.d")').where[0]).toEqual({
      type: "or",
      items: [
        { type: "filter", column: "is true", op: "exact", value: "true" },
        { type: "filter", column: "score", op: "strictly_less", value: "0.1" },
        { type: "filter", column: "a.b", op: "exact", value: "c.d" },
      ],
    });
  });

  it("an odd number of double quotes, or a dot left unquoted, cannot be parsed", () => {
    malformed('or=(a__exact."1)', `argument 'a__exact."1' could not be parsed`);
    malformed("or=(a__exact.1.5)", "argument 'a__exact.1.5' could not be parsed");
  });

  it("after a quoted column the operator must be letters only: strictly_* cannot follow one", () => {
    malformed('or=("a.b"__strictly_less.5)', "argument 'a.b__strictly=5' could not be parsed");
  });

  it("sort, page, page_size and columns cannot be set within an operator", () => {
    malformed("or=(a__sort.asc)", "Argument `a__sort` can't be set within an operator");
    malformed("or=(page.2)", "Argument `page` can't be set within an operator");
  });

  it("a group that does not end with ')'", () => {
    malformed("or=(a__exact.1", "argument 'or=(a__exact.1' could not be parsed");
  });
});

describe("aggregation: bare col__groupby, col__count|avg|min|max|sum", () => {
  it("aggregators are listed operator by operator, in the order each first appears (PostgREST's select)", () => {
    expect(spec("score__avg&decompte__groupby&id__avg").aggregations).toEqual([
      { column: "score", op: "avg" },
      { column: "id", op: "avg" },
      { column: "decompte", op: "groupby" },
    ]);
  });

  it("a resource off the allow-list: 403 naming the operators", () => {
    expect(() =>
      parseQueryString("a__groupby&b__count&c__groupby", { resourceId: "rid", aggregationAllowed: false }),
    ).toThrow(
      new UnauthorizedParameters("Aggregation parameters `groupby`, `count` are not allowed for resource 'rid'"),
    );
  });

  it("without a resource (Metrics) aggregators pass", () => {
    expect(spec("a__groupby").aggregations).toEqual([{ column: "a", op: "groupby" }]);
  });

  it("with indexes, aggregators only on indexed columns (403, checked as each argument is read); filters on every column", () => {
    expect(() =>
      parseQueryString("birth__groupby", { resourceId: "rid", aggregationAllowed: true, indexes: ["id", "decompte"] }),
    ).toThrow(new UnauthorizedParameters("birth is not among the allowed columns: {'id', 'decompte'}"));
    expect(
      spec("decompte__groupby", { resourceId: "rid", aggregationAllowed: true, indexes: ["decompte"] }).aggregations,
    ).toHaveLength(1);
    expect(
      spec("birth__exact=x", { resourceId: "rid", aggregationAllowed: true, indexes: ["decompte"] }).where,
    ).toHaveLength(1);
  });
});
