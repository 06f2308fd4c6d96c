import { AGGREGATORS, OPERATORS, type Aggregation, type Condition, type Filter, type Operator, type QuerySpec } from "../../tabular/ast.ts";

/**
 * The Tabular and Metrics APIs' query-string parser, rule for rule as api-tabular applies them
 * (api_tabular/core/query.py): the decoded query string is split on "&", each piece on "="; `col__op` splits on the
 * last "__"; `or=(…)` holds items `col__op.value`, nested `and(…)`/`or(…)`, and double quotes around a column or value.
 */

/** A query the server cannot parse: the API answers 400 "Invalid query string", "Malformed query: …". */
export class MalformedQuery extends Error {}

export interface ParsedQuery {
  spec: QuerySpec;
  page?: string;
  pageSize?: string;
}

/** yarl hands api-tabular the query already percent-decoded ("+" being a space). */
export function decodeQueryString(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

export function parseQueryString(rawQuery: string): ParsedQuery {
  const decoded = decodeQueryString(rawQuery);
  const spec: QuerySpec = { where: [], aggregations: [] };
  const result: ParsedQuery = { spec };
  const arguments_ = decoded === "" ? [] : decoded.split("&").filter((arg) => arg !== "");
  for (const arg of arguments_) {
    if (arg.startsWith("or=(")) {
      spec.where.push({ type: "or", items: parseGroupItems(arg, "or", true) });
      continue;
    }
    const split = arg.split("=");
    if (split.length === 2) {
      const [name, value] = split;
      if (name === "page") result.page = value;
      else if (name === "page_size") result.pageSize = value;
      else if (name === "columns") spec.columns = value.split(",");
      else addFilter(spec, name, value, arg);
    } else if (split.length === 1) {
      const pieces = arg.split("__");
      if (pieces.length < 2) throw new MalformedQuery(`argument '${arg}' could not be parsed`);
      if (pieces[1] === "isnull" || pieces[1] === "isnotnull") addFilter(spec, arg, undefined, arg);
      else spec.aggregations.push(parseAggregator(arg));
    } else {
      throw new MalformedQuery(`argument '${arg}' could not be parsed`);
    }
  }
  if (spec.columns && spec.aggregations.length > 0) throw new MalformedQuery("the argument `columns` cannot be set alongside aggregators");
  return result;
}

function columnAndOperator(argument: string): { column: string; op: string } {
  const pieces = argument.split("__");
  const op = pieces.pop()!.toLowerCase();
  return { column: pieces.join("__"), op };
}

function addFilter(spec: QuerySpec, argument: string, value: string | undefined, original: string): void {
  if (!argument.includes("__")) throw new MalformedQuery(`argument '${original}' could not be parsed`);
  const { column, op } = columnAndOperator(argument);
  if (op === "sort") {
    if (value !== "asc" && value !== "desc") throw new MalformedQuery(`argument '${original}' could not be parsed`);
    spec.sort = { column, direction: value };
    return;
  }
  spec.where.push(makeFilter(column, op, value, original));
}

function makeFilter(column: string, op: string, value: string | undefined, original: string): Filter {
  if (!(OPERATORS as readonly string[]).includes(op)) throw new MalformedQuery(`argument '${original}' could not be parsed`);
  const operator = op as Operator;
  if (operator === "isnull" || operator === "isnotnull") return { type: "filter", column, op: operator };
  if (value === undefined) throw new MalformedQuery(`argument '${original}' could not be parsed`);
  if (operator === "in" || operator === "notin") return { type: "filter", column, op: operator, value: value.split(",") };
  return { type: "filter", column, op: operator, value };
}

function parseAggregator(argument: string): Aggregation {
  const { column, op } = columnAndOperator(argument);
  if (!(AGGREGATORS as readonly string[]).includes(op)) throw new MalformedQuery(`argument '${argument}' could not be parsed`);
  return { column, op: op as Aggregation["op"] };
}

/** Splits on commas outside parentheses. */
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

function parseGroupItems(query: string, operator: "or" | "and", topLevel: boolean): Condition[] {
  const prefix = `${operator}${topLevel ? "=" : ""}(`;
  if (!query.startsWith(prefix) || !query.endsWith(")")) throw new MalformedQuery(`argument '${query}' could not be parsed`);
  const inner = query.slice(prefix.length, -1);
  return splitTopLevel(inner).map((param): Condition => {
    if (param.startsWith("and(") || param.startsWith("or(")) {
      const nested = param.startsWith("and(") ? "and" : "or";
      return { type: nested, items: parseGroupItems(param, nested, false) };
    }
    if (param.endsWith("__isnull") || param.endsWith("__isnotnull")) {
      const { column, op } = columnAndOperator(param.replaceAll('"', ""));
      return makeFilter(column, op, undefined, param);
    }
    const [argument, value] = findArgumentAndValue(param);
    if (!argument.includes("__")) throw new MalformedQuery(`argument '${param}' could not be parsed`);
    const { column, op } = columnAndOperator(argument);
    if (op === "sort") throw new MalformedQuery(`Argument \`${argument}\` can't be set within an operator`);
    return makeFilter(column, op, value, param);
  });
}

/** `col__op.val`, `"col.umn"__op.val`, `col__op."val.ue"` or `"col.umn"__op."val.ue"`: 0, 2 or 4 double quotes. */
function findArgumentAndValue(param: string): [string, string] {
  const quotes = (param.match(/"/g) ?? []).length;
  const fail = () => new MalformedQuery(`argument '${param}' could not be parsed`);
  if (![0, 2, 4].includes(quotes)) throw fail();
  const quotedColumn = /^"[^"]*"__[a-z_]+/.exec(param);
  const quotedValue = /\."[^"]*"$/.exec(param);
  if (quotes === 0) {
    const split = param.split(".");
    if (split.length !== 2) throw fail();
    return [split[0], split[1]];
  }
  if (quotes === 4) {
    if (!quotedColumn || !quotedValue) throw fail();
    return [quotedColumn[0].replaceAll('"', ""), quotedValue[0].slice(2, -1)];
  }
  if (!quotedColumn) {
    if (!quotedValue) throw fail();
    return [param.split(".")[0], quotedValue[0].slice(2, -1)];
  }
  const split = param.split(".");
  return [quotedColumn[0].replaceAll('"', ""), split[split.length - 1]];
}
