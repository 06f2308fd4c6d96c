import {
  isAggregator,
  isOperator,
  OPERATOR_TABLE,
  UNARY_OPERATORS,
  type Aggregation,
  type Condition,
  type Filter,
  type QuerySpec,
} from "datagouv-kit/query";

/**
 * The Tabular and Metrics APIs' query-string parser, rule for rule as api-tabular applies them
 * (api_tabular/core/query.py `build_sql_query_string`): the decoded query string is split on "&", each piece on "=";
 * `col__op` splits on the last "__"; `or=(…)` holds items `col__op.value`, nested `and(…)`/`or(…)`, and double quotes
 * around a column or value. Its quirks are kept, since clients meet them in production.
 */

/** The real parser's ValueError: the API answers 400 "Invalid query string", detail "Malformed query: …". */
export class MalformedQuery extends Error {}

/** The real parser's PermissionError: the API answers 403 "Unauthorized parameters" with this message as detail. */
export class UnauthorizedParameters extends Error {}

/** Input on which the real parser crashes (an IndexError nobody catches): the API answers a bare 500. */
export class ParserCrash extends Error {}

export interface ParseOptions {
  /** Tabular: the resource whose aggregation allow-list applies. Absent for Metrics, where aggregators pass. */
  resourceId?: string;
  aggregationAllowed?: boolean;
  /** Indexed columns of the resource (hydra's resources exceptions): aggregators are refused on any other column. */
  indexes?: readonly string[] | null;
}

export interface ParsedQuery {
  spec: QuerySpec;
  /** A `__sort` direction other than asc/desc: passed through to PostgREST, which cannot read it. */
  unreadableSort?: { column: string; direction: string };
}

/** yarl hands api-tabular the query already percent-decoded ("+" being a space); broken escapes stay as they are. */
export function decodeQueryString(raw: string): string {
  return raw.replace(/\+/g, " ").replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The first value of a parameter as the request's multidict reads it from the raw query string (`page`, `page_size`). */
export function queryParam(rawQuery: string, name: string): string | undefined {
  for (const piece of rawQuery.split("&")) {
    const equals = piece.indexOf("=");
    const key = decodeQueryString(equals < 0 ? piece : piece.slice(0, equals));
    if (key === name) return equals < 0 ? "" : decodeQueryString(piece.slice(equals + 1));
  }
  return undefined;
}

export function parseQueryString(rawQuery: string, options: ParseOptions = {}): ParsedQuery {
  const decoded = decodeQueryString(rawQuery);
  const spec: QuerySpec = { where: [], aggregations: [] };
  const result: ParsedQuery = { spec };
  let selects = 0;
  for (const arg of decoded === "" ? [] : decoded.split("&")) {
    if (arg.startsWith("or=(")) {
      spec.where.push({ type: "or", items: parseGroup(arg, "or", true) });
      continue;
    }
    const split = arg.split("=");
    if (split.length === 2) {
      const [name, value] = split;
      if (name === "page" || name === "page_size") continue;
      if (name === "columns") {
        selects++;
        spec.columns = value.split(",");
        continue;
      }
      const { column, op } = columnAndOperator(name, value);
      if (op === "sort") {
        if (value === "asc" || value === "desc") spec.sort = { column, direction: value };
        else result.unreadableSort = { column, direction: value };
        continue;
      }
      spec.where.push(makeFilter(column, op, value, `${name}=${value}`));
    } else if (split.length === 1) {
      // the real parser reads the piece after the FIRST "__", not lowercased: `a__ISNULL` is read as an aggregator
      const second = arg.split("__")[1];
      if (second === undefined) throw new ParserCrash(`list index out of range: '${arg}'`);
      if (isUnary(second)) {
        const { column, op } = columnAndOperator(arg, undefined);
        spec.where.push(makeFilter(column, op, undefined, arg));
      } else spec.aggregations.push(aggregator(arg, options.indexes));
    } else {
      throw new MalformedQuery(`argument '${arg}' could not be parsed`);
    }
  }
  if (spec.aggregations.length > 0) {
    spec.aggregations = byOperator(spec.aggregations);
    if (options.resourceId !== undefined && !options.aggregationAllowed) {
      const operators = [...new Set(spec.aggregations.map((a) => a.op))];
      throw new UnauthorizedParameters(
        `Aggregation parameters \`${operators.join("`, `")}\` are not allowed for resource '${options.resourceId}'`,
      );
    }
    selects++;
  }
  // two `select=` reach PostgREST: columns with aggregators, or columns given twice
  if (selects > 1) throw new MalformedQuery("the argument `columns` cannot be set alongside aggregators");
  return result;
}

/** `col__op`: the operator is what follows the last "__", lowercased. Without "__" the argument cannot be read. */
function columnAndOperator(argument: string, value: string | undefined): { column: string; op: string } {
  if (!argument.includes("__"))
    throw new MalformedQuery(`argument '${argument}=${value ?? "None"}' could not be parsed`);
  const pieces = argument.split("__");
  const op = pieces.pop()!.toLowerCase();
  return { column: pieces.join("__"), op };
}

function isUnary(op: string): boolean {
  return (UNARY_OPERATORS as readonly string[]).includes(op);
}

/** A value given to an operator that takes none is dropped, as the real parser drops it. */
function makeFilter(column: string, op: string, value: string | undefined, shown: string): Filter {
  if (!isOperator(op)) throw new MalformedQuery(`argument '${shown}' could not be parsed`);
  const text = value ?? "";
  switch (OPERATOR_TABLE[op].arity) {
    case "none":
      return { type: "filter", column, op };
    case "list":
      // PostgREST reads `in.()` as an empty list
      return { type: "filter", column, op, value: text === "" ? [] : text.split(",") };
    case "one":
      return { type: "filter", column, op, value: text };
  }
}

function aggregator(argument: string, indexes: readonly string[] | null | undefined): Aggregation {
  const { column, op } = columnAndOperator(argument, undefined);
  if (indexes && !indexes.includes(column)) {
    throw new UnauthorizedParameters(
      `${column} is not among the allowed columns: {${indexes.map((c) => `'${c}'`).join(", ")}}`,
    );
  }
  if (!isAggregator(op)) throw new MalformedQuery(`argument '${argument}' could not be parsed`);
  return { column, op };
}

/** PostgREST's select lists the aggregators operator by operator, in the order each operator first appears. */
function byOperator(aggregations: Aggregation[]): Aggregation[] {
  const operators = [...new Set(aggregations.map((a) => a.op))];
  return operators.flatMap((op) => aggregations.filter((a) => a.op === op));
}

/** Splits on commas outside parentheses; an empty piece in the middle is kept (and then fails to parse). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  for (const char of text) {
    if (char === "(") depth++;
    else if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  if (current) parts.push(current);
  return parts;
}

function parseGroup(query: string, operator: string, topLevel: boolean): Condition[] {
  if (!query.endsWith(")")) throw new MalformedQuery(`argument '${query}' could not be parsed`);
  // the real pattern's "." does not cross a newline: no match, and the parser crashes
  const inner = new RegExp(`^${operator}${topLevel ? "=" : ""}\\((.*)\\)$`).exec(query);
  if (!inner) throw new ParserCrash(`list index out of range: '${query}'`);
  return splitTopLevel(inner[1]).map((param): Condition => {
    if (param.startsWith("and(") || param.startsWith("or(")) {
      const nested = param.slice(0, param.indexOf("("));
      return { type: nested as "and" | "or", items: parseGroup(param, nested, false) };
    }
    if (UNARY_OPERATORS.some((op) => param.endsWith(`__${op}`))) {
      const { column, op } = columnAndOperator(param.replaceAll('"', ""), undefined);
      return makeFilter(column, op, undefined, param);
    }
    const [argument, value] = argumentAndValue(param);
    if (argument === "page" || argument === "page_size" || argument === "columns")
      throw new MalformedQuery(`Argument \`${argument}\` can't be set within an operator`);
    const { column, op } = columnAndOperator(argument, value);
    if (op === "sort") throw new MalformedQuery(`Argument \`${argument}\` can't be set within an operator`);
    return makeFilter(column, op, unquote(value), `${argument}=${value}`);
  });
}

/**
 * `col__op.val`, `"col.umn"__op.val`, `col__op."val.ue"` or `"col.umn"__op."val.ue"`: 0, 2 or 4 double quotes. The
 * quoted column's operator is matched by `[a-z]+`, so `strictly_*` cannot follow a quoted column (production refuses
 * it too).
 */
function argumentAndValue(param: string): [string, string] {
  const quotes = (param.match(/"/g) ?? []).length;
  const fail = () => new MalformedQuery(`argument '${param}' could not be parsed`);
  if (quotes !== 0 && quotes !== 2 && quotes !== 4) throw fail();
  const quotedColumn = /^"[^"]*"__[a-z]+/.exec(param)?.[0];
  const quotedValue = /\."[^"]*"$/.exec(param)?.[0];
  if (quotes === 0) {
    const split = param.split(".");
    if (split.length !== 2) throw fail();
    return [split[0], split[1]];
  }
  if (quotes === 4) {
    if (!quotedColumn || !quotedValue) throw fail();
    return [quotedColumn.replaceAll('"', ""), quotedValue.slice(1)];
  }
  if (!quotedColumn) {
    if (!quotedValue) throw new ParserCrash(`list index out of range: '${param}'`);
    return [param.split(".")[0], quotedValue.slice(1)];
  }
  return [quotedColumn.replaceAll('"', ""), param.split(".").at(-1)!];
}

/** PostgREST reads a double-quoted value in a logic tree as the text between the quotes. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
