/**
 * api-tabular's query builder (api_tabular/core/query.py `build_sql_query_string`, 0.4.1), line for line: the once
 * decoded query string's pieces (app.py splits it on "&") become the PostgREST query string it sends. Its errors are
 * kept as it raises them: ValueError (a 400), PermissionError (a 403) and the IndexErrors nobody catches (a 500).
 */

/** ValueError: the API answers 400 "Invalid query string", detail "Malformed query: …". */
export class MalformedQuery extends Error {}

/** PermissionError: the API answers 403 "Unauthorized parameters" with this message as detail. */
export class UnauthorizedParameters extends Error {}

/** An IndexError nobody catches: aiohttp's bare 500. */
export class ParserCrash extends Error {}

export interface BuildOptions {
  /** Tabular: the resource whose aggregation allow-list applies. Absent for Metrics, where aggregators pass. */
  resourceId?: string;
  aggregationAllowed?: boolean;
  /** Indexed columns (hydra's resources exceptions): aggregators are refused on any other column. */
  indexes?: readonly string[] | null;
  pageSize?: number;
  offset?: number;
}

const AGGREGATORS = ["avg", "count", "max", "min", "sum", "groupby"];

export function buildSqlQueryString(args: readonly string[], options: BuildOptions = {}): string {
  const query: string[] = [];
  const aggregators = new Map<string, string[]>();
  let sorted = false;
  for (const arg of args) {
    if (arg.startsWith("or=(")) {
      query.push(parseOperator(arg, "or", true));
      continue;
    }
    const split = arg.split("=");
    if (split.length === 2) {
      const [filter, isSort] = addFilter(split[0], split[1]);
      if (filter) {
        sorted ||= isSort;
        query.push(filter);
      }
    } else if (split.length === 1) {
      const second = split[0].split("__")[1];
      if (second === undefined) throw new ParserCrash(`list index out of range: '${arg}'`);
      if (second === "isnull" || second === "isnotnull") query.push(addFilter(split[0], "")[0]!);
      else {
        const [column, operator] = addAggregator(split[0], options.indexes);
        if (!aggregators.has(operator)) aggregators.set(operator, []);
        aggregators.get(operator)!.push(column);
      }
    } else throw new MalformedQuery(`argument '${arg}' could not be parsed`);
  }
  if (aggregators.size > 0) {
    if (options.resourceId && !options.aggregationAllowed)
      throw new UnauthorizedParameters(
        `Aggregation parameters \`${[...aggregators.keys()].join("`, `")}\` are not allowed for resource '${options.resourceId}'`,
      );
    let select = "select=";
    for (const [operator, columns] of aggregators) {
      if (operator === "groupby") select += `${columns.join(",")},`;
      else for (const column of columns) select += `"${column.slice(1, -1)}__${operator}":${column}.${operator}(),`;
    }
    query.push(select.slice(0, -1));
  }
  if (options.pageSize) query.push(`limit=${options.pageSize}`);
  if ((options.offset ?? 0) >= 1) query.push(`offset=${options.offset}`);
  if (!sorted && aggregators.size === 0) query.push("order=__id.asc");
  const q = query.join("&");
  if (q.split("select=").length - 1 > 1)
    throw new MalformedQuery("the argument `columns` cannot be set alongside aggregators");
  return q;
}

/** `col__op`: split on every "__", the last piece the operator (lowercased); the column quoted with `"` escaped as `\"`. */
export function columnAndOperator(argument: string): [string, string] {
  const pieces = argument.split("__");
  const comparator = pieces.pop()!;
  return [`"${pieces.join("__").replaceAll('"', '\\"')}"`, comparator.toLowerCase()];
}

const POSTGREST: Record<string, (value: string) => string> = {
  exact: (v) => `eq.${v}`,
  differs: (v) => `isdistinct.${v}`,
  isnull: () => "is.null",
  isnotnull: () => "not.is.null",
  contains: (v) => `ilike.*${v}*`,
  notcontains: (v) => `not.ilike.*${v}*`,
  in: (v) => `in.(${v})`,
  notin: (v) => `not.in.(${v})`,
  less: (v) => `lte.${v}`,
  greater: (v) => `gte.${v}`,
  strictly_less: (v) => `lt.${v}`,
  strictly_greater: (v) => `gt.${v}`,
};

function addFilter(argument: string, value: string, inOperator = false): [string | undefined, boolean] {
  if (argument === "page" || argument === "page_size") {
    if (inOperator) throw new MalformedQuery(`Argument \`${argument}\` can't be set within an operator`);
    return [undefined, false];
  }
  if (argument === "columns") {
    if (inOperator) throw new MalformedQuery(`Argument \`${argument}\` can't be set within an operator`);
    if (value.includes('"')) throw new MalformedQuery('Forbidden character `"` in a column name');
    return [
      `select=${value
        .split(",")
        .map((c) => `"${c}"`)
        .join(",")}`,
      false,
    ];
  }
  if (argument.includes("__")) {
    const [column, comparator] = columnAndOperator(argument);
    const op = inOperator ? "." : "=";
    if (comparator === "sort") {
      if (inOperator) throw new MalformedQuery(`Argument \`${argument}\` can't be set within an operator`);
      return [`order=${column}.${value}`, true];
    }
    if (Object.hasOwn(POSTGREST, comparator)) return [`${column}${op}${POSTGREST[comparator](value)}`, false];
  }
  throw new MalformedQuery(`argument '${argument}=${value}' could not be parsed`);
}

function addAggregator(argument: string, indexes: readonly string[] | null | undefined): [string, string] {
  let column = "";
  let operator: string | undefined;
  if (argument.includes("__")) {
    [column, operator] = columnAndOperator(argument);
    if (indexes && !indexes.includes(column.slice(1, -1)))
      throw new UnauthorizedParameters(
        `${column.slice(1, -1)} is not among the allowed columns: {${indexes.map((c) => `'${c}'`).join(", ")}}`,
      );
  }
  if (operator !== undefined && AGGREGATORS.includes(operator)) return [column, operator];
  throw new MalformedQuery(`argument '${argument}' could not be parsed`);
}

/** Splits on commas outside parentheses, counting every parenthesis (quotes are not looked at). */
export function splitTopLevel(text: string): string[] {
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

/** `find_arg_val`: `col__op.val`, `"col.umn"__op.val`, `col__op."val.ue"` or `"col.umn"__op."val.ue"`. */
function findArgVal(param: string): [string, string] {
  const quotes = param.split('"').length - 1;
  const fail = () => new MalformedQuery(`argument '${param}' could not be parsed`);
  if (quotes !== 0 && quotes !== 2 && quotes !== 4) throw fail();
  const columnOperator: string[] = param.match(/^"[^"]*"__[a-z]+/g) ?? [];
  const value: string[] = param.match(/\."[^"]*"$/g) ?? [];
  if (quotes === 0) {
    const split = param.split(".");
    if (split.length !== 2) throw fail();
    return [split[0], split[1]];
  }
  if (quotes === 4) {
    if (columnOperator.length !== 1 || value.length !== 1) throw fail();
    return [columnOperator[0].replaceAll('"', ""), value[0].slice(1)];
  }
  if (columnOperator.length === 0) {
    if (value.length === 0) throw new ParserCrash(`list index out of range: '${param}'`);
    return [param.split(".")[0]!, value[0]!.slice(1)];
  }
  return [columnOperator[0]!.replaceAll('"', ""), param.split(".").at(-1)!];
}

function parseOperator(query: string, operator: string, topLevel = false): string {
  if (!query.endsWith(")")) throw new MalformedQuery(`argument '${query}' could not be parsed`);
  // Python's "." stops at a line feed only (JavaScript's at CR and the line separators too)
  const inner = new RegExp(`^${operator}${topLevel ? "=" : ""}\\(([^\\n]*)\\)$`).exec(query);
  if (!inner) throw new ParserCrash(`list index out of range: '${query}'`);
  const params: string[] = [];
  for (const param of splitTopLevel(inner[1])) {
    if (param.startsWith("and(") || param.startsWith("or(")) params.push(parseOperator(param, param.split("(")[0]));
    else if (param.endsWith("__isnull") || param.endsWith("__isnotnull"))
      params.push(addFilter(param.replaceAll('"', ""), "", true)[0]!);
    else {
      const [argument, value] = findArgVal(param);
      params.push(addFilter(argument, value, true)[0]!);
    }
  }
  return `${operator}${topLevel ? "=" : ""}(${params.join(",")})`;
}
