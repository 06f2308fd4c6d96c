import { describe, expect, it } from "vitest";
import {
  buildSqlQueryString,
  MalformedQuery,
  ParserCrash,
  UnauthorizedParameters,
} from "../../sandbox/src/query/api-tabular.ts";
import { parsePostgrest, PostgrestParseError } from "../../sandbox/src/query/postgrest.ts";
import { queryParam, readRequest } from "../../sandbox/src/query/parse.ts";
import { queryString, requoteQuery, sentQuery } from "../../sandbox/src/query/yarl.ts";

/**
 * The request chain of the Tabular and Metrics APIs, fact by fact, each named with its source (yarl 1.22.0, aiohttp
 * 3.14.1, api-tabular 0.4.1, PostgREST v14.3): what the sandbox reads is what production reads, misreadings included.
 */

const spec = (query: string, options?: Parameters<typeof readRequest>[1]) => readRequest(query, options).spec;
const malformed = (query: string, detail: string) =>
  expect(() => readRequest(query)).toThrow(new MalformedQuery(detail));

describe("aiohttp's request.query_string is yarl's query decoded once (web_request.py:517-522, yarl _url.py:898-904)", () => {
  it("%XX becomes the character, '+' a space, but %2B %3D %26 %3B stay encoded (_quoting_py.py:172)", () => {
    expect(queryString("a__exact=Saint+%C3%89tienne")).toBe("a__exact=Saint Étienne");
    expect(queryString("a__exact=R%26D%3Dx%2By%3Bz")).toBe("a__exact=R%26D%3Dx%2By%3Bz");
    expect(queryString("a%ZZb%41%C3")).toBe("a%ZZbA%C3");
  });

  it("so text that looks encoded is decoded twice: %2541 reaches PostgREST as 'A'", () => {
    expect(spec("a__exact=%2541").where).toEqual([{ type: "filter", column: "a", op: "exact", value: "A" }]);
  });

  it("'&' and '=' survive as %26/%3D: a value holding them is read whole", () => {
    expect(spec("a__exact=R%26D%3D1").where).toEqual([{ type: "filter", column: "a", op: "exact", value: "R&D=1" }]);
  });

  it("page and page_size come from request.query, fully decoded (yarl _parse.py query_to_pairs)", () => {
    expect(queryParam("a__exact=1&page_size=5&page_size=9", "page_size")).toBe("5");
    expect(queryParam("page", "page")).toBe("");
    expect(queryParam("a__exact=1", "page")).toBeUndefined();
  });
});

describe("the PostgREST URL is requoted by aiohttp's client (client.py:531-535, yarl _parse.py split_url)", () => {
  it("tab, CR and LF are dropped (_parse.py:19), everything after '#' is a fragment never sent (_parse.py:78)", () => {
    expect(sentQuery("http://h/t?a=eq.x\ty\nz")).toBe("a=eq.xyz");
    expect(sentQuery("http://h/t?a=eq.x#y&order=__id.asc&limit=20")).toBe("a=eq.x");
  });

  it("QUERY_REQUOTER keeps valid escapes, escapes a stray '%', writes a space as '+' (_quoters.py:13)", () => {
    expect(requoteQuery("a=eq.%41 b%zz%2C")).toBe("a=eq.A+b%25zz,");
  });

  it("a '#' in a value cuts the query there: PostgREST sees a shorter value, and no limit", () => {
    const read = readRequest("a__exact=x%23y&b__exact=1", { pageSize: 20 });
    expect(read.spec.where).toEqual([{ type: "filter", column: "a", op: "exact", value: "x" }]);
    expect(read.limit).toBeUndefined();
    expect(read.unordered).toBe(true);
  });

  it("a tab in a value vanishes; a line break inside an or-group crashes api-tabular's regex (query.py:204): 500", () => {
    expect(spec("a__exact=x%09y").where).toEqual([{ type: "filter", column: "a", op: "exact", value: "xy" }]);
    expect(() => readRequest("or=(a__exact.x%0Ay,b__exact.1)")).toThrow(ParserCrash);
  });
});

describe("api-tabular's query builder (core/query.py)", () => {
  it("col__op splits on the LAST '__' (query.py:71-77): a name's own '__' is kept", () => {
    expect(spec("avec__des!__exact=1").where).toEqual([
      { type: "filter", column: "avec__des!", op: "exact", value: "1" },
    ]);
  });

  it("a bare isnull is recognised by the SECOND '__' piece (query.py:32): a name holding '__' gets a 400", () => {
    malformed("a__b__isnull", "argument 'a__b__isnull' could not be parsed");
    // the same name with its underscores encoded twice reaches the check without '__'
    expect(spec("a%255F%255Fb__isnull").where).toEqual([{ type: "filter", column: "a__b", op: "isnull" }]);
  });

  it("names go inside '\"' with only '\"' escaped (query.py:76): a backslash is lost unless doubled", () => {
    expect(spec("a%5Cb__exact=1").where[0]).toMatchObject({ column: "ab" });
    expect(spec("a%5C%5Cb__exact=1").where[0]).toMatchObject({ column: "a\\b" });
    expect(spec("nom%20%22propre%22__isnotnull").where).toEqual([
      { type: "filter", column: 'nom "propre"', op: "isnotnull" },
    ]);
  });

  it("in/notin put the list inside in.(…) unquoted (query.py:118): quoted elements are read, commas included", () => {
    expect(spec("a__in=x,(y").where[0]).toMatchObject({ value: ["x", "(y"] });
    expect(spec("a__in=x),y").where[0]).toMatchObject({ value: ["x"] });
    expect(spec('a__in="x,y",%22%5C%22q%22').where[0]).toMatchObject({ value: ["x,y", '"q'] });
  });

  it('in.() and in.("") are PostgREST\'s empty list (SqlFragment.hs:416): nothing matches', () => {
    expect(spec("a__in=").where[0]).toMatchObject({ value: [] });
    expect(spec("a__in=%22%22").where[0]).toMatchObject({ value: [] });
    expect(spec("a__in=%22%22,%22%22").where[0]).toMatchObject({ value: ["", ""] });
  });

  it("contains is ilike.*v* (query.py): PostgREST turns '*' into '%' (SqlFragment.hs:422)", () => {
    expect(spec("a__contains=x*y").where).toEqual([
      { type: "filter", column: "a", op: "contains", value: "*x*y*", pattern: "%x%y%" },
    ]);
  });

  it("or-groups: the operator after a quoted column is [a-z]+ (query.py:168): strictly_* cannot follow one", () => {
    malformed('or=("a.b"__strictly_less.5)', "argument 'a.b__strictly=5' could not be parsed");
    // the same column with its dot encoded twice needs no quotes
    expect(spec("or=(a%252Eb__strictly_less.5,c__isnull)").where[0]).toEqual({
      type: "or",
      items: [
        { type: "filter", column: "a.b", op: "strictly_less", value: "5" },
        { type: "filter", column: "c", op: "isnull" },
      ],
    });
  });

  it("or-group splitting ignores quotes (query.py:142): a quoted value with a comma gets a 400", () => {
    malformed('or=(a__exact."x,y",b__exact.1)', `argument 'a__exact."x' could not be parsed`);
    expect(spec("or=(a__exact.%2522x%252Cy%2522,b__exact.1)").where[0]).toMatchObject({
      items: [{ value: "x,y" }, { value: "1" }],
    });
  });

  it("sort, page, page_size and columns cannot be set within an operator", () => {
    malformed("or=(a__sort.asc)", "Argument `a__sort` can't be set within an operator");
    malformed("or=(page.2)", "Argument `page` can't be set within an operator");
  });

  it("filter columns named columns, or and page are read as filters", () => {
    expect(
      spec("columns__exact=1&or__exact=2&page__exact=3").where.map((f) => f.type === "filter" && f.column),
    ).toEqual(["columns", "or", "page"]);
  });

  it("malformed arguments: an unknown operator, no '__', more than one '=', columns with aggregators", () => {
    malformed("score__near=1", "argument 'score__near=1' could not be parsed");
    malformed("score=1", "argument 'score=1' could not be parsed");
    malformed("a__exact=1=2", "argument 'a__exact=1=2' could not be parsed");
    malformed("columns=a&b__groupby", "the argument `columns` cannot be set alongside aggregators");
    malformed('columns=a"b', 'Forbidden character `"` in a column name');
  });

  it("a bare argument without '__', or a trailing '&', crashes the parser (an IndexError): 500", () => {
    expect(() => readRequest("score")).toThrow(ParserCrash);
    expect(() => readRequest("a__exact=1&")).toThrow(ParserCrash);
  });

  it("aggregators: listed operator by operator in PostgREST's select, a resource off the allow-list 403", () => {
    expect(spec("score__avg&decompte__groupby&id__avg").aggregations).toEqual([
      { column: "score", op: "avg" },
      { column: "id", op: "avg" },
      { column: "decompte", op: "groupby" },
    ]);
    expect(() =>
      readRequest("a__groupby&b__count&c__groupby", { resourceId: "rid", aggregationAllowed: false }),
    ).toThrow(
      new UnauthorizedParameters("Aggregation parameters `groupby`, `count` are not allowed for resource 'rid'"),
    );
    expect(() => readRequest("birth__groupby", { resourceId: "r", aggregationAllowed: true, indexes: ["id"] })).toThrow(
      new UnauthorizedParameters("birth is not among the allowed columns: {'id'}"),
    );
  });

  it("a group-by without an aggregate is no GROUP BY for PostgREST (SqlFragment.hs groupF): every row's value", () => {
    expect(spec("decompte__groupby").columns).toEqual(["decompte"]);
  });

  it("the query string built has limit, offset and the default order=__id.asc (query.py:58-64)", () => {
    expect(buildSqlQueryString(["a__exact=1"], { pageSize: 20, offset: 40 })).toBe(
      '"a"=eq.1&limit=20&offset=40&order=__id.asc',
    );
  });
});

describe("PostgREST's grammar (ApiRequest/QueryParams.hs)", () => {
  it("pairs are cut on '&' AND ';', '+' a space (parseQueryReplacePlus True, line 149)", () => {
    expect(parsePostgrest('"a"=eq.x;"b"=gt.1+2').filters).toEqual([
      { type: "filter", field: "a", not: false, operation: { kind: "op", op: "eq", value: "x" } },
      { type: "filter", field: "b", not: false, operation: { kind: "op", op: "gt", value: "1 2" } },
    ]);
  });

  it("quoted names and values take a backslash's next character as it is (pQuotedValue, line 689)", () => {
    expect(parsePostgrest('or=("a\\\\b".eq."x\\"y",c.is.null)').logic[0].items[0]).toEqual({
      type: "filter",
      field: "a\\b",
      not: false,
      operation: { kind: "op", op: "eq", value: 'x"y' },
    });
  });

  it("a bare value in a logic tree ends at ',' or ')' (pLogicSingleVal, line 831): contains' `*x,y*` is PGRST100", () => {
    expect(parsePostgrest('or=("a".ilike.*x*,"b".eq.1)').logic[0].items).toHaveLength(2);
    expect(() => parsePostgrest('or=("a".ilike.*x,y*)')).toThrow(PostgrestParseError);
  });

  it("an order it cannot read is PGRST100", () => {
    expect(() => parsePostgrest('order="a".up')).toThrow(PostgrestParseError);
  });
});
