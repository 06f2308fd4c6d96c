import { QueryError } from "../http/errors.ts";
import type { Condition, Filter, Group, QuerySpec } from "./ast.ts";
import { AGGREGATORS, escapeLike, isAggregator, isOperator, OPERATOR_TABLE, OPERATORS } from "./operators.ts";

/**
 * Encodes a query for the chain that reads it in production, so that PostgREST ends up reading what the query means:
 *
 * 1. aiohttp hands api-tabular the query string decoded once (yarl's `_Unquoter(qs=True)`: `%XX` decoded except
 *    `%2B %3D %26 %3B`, `+` a space); api-tabular splits it on "&", each piece on "=", or-groups on top-level commas
 *    and on "." (api_tabular/core/query.py).
 * 2. It builds PostgREST's URL from that text (columns in `"`, only `"` escaped), and the HTTP client requotes it,
 *    taking a "#" as a fragment and dropping tabs and line breaks (yarl `split_url`, `QUERY_REQUOTER`).
 * 3. PostgREST decodes it again and parses it with its grammar: quoted names and values with backslash escapes,
 *    `in.(…)` lists, logic trees whose bare values end at "," or ")".
 *
 * So the characters api-tabular or the URL would misread are sent encoded twice (`%2523` reaches api-tabular as
 * `%23` and PostgREST as "#"), names and values are quoted for PostgREST's grammar (backslashes and quotes escaped,
 * `in` elements one by one), and `contains` escapes what PostgreSQL's ILIKE would read as wildcards. Only what no
 * form can express is refused, before any request, saying why.
 */
export function encodeQuerySpec(spec: QuerySpec): string {
  validateSpec(spec);
  const refusal = wireRefusal(spec);
  if (refusal) throw new QueryError(refusal);
  const parts: string[] = [];
  for (const condition of spec.where) parts.push(...topLevel(condition));
  if (spec.columns) parts.push(`columns=${spec.columns.map((column) => wire(quotedText(column), `",`)).join(",")}`);
  if (spec.sort) parts.push(`${topColumn(spec.sort.column)}__sort=${spec.sort.direction}`);
  for (const { column, op } of spec.aggregations) {
    // a bare argument whose second "__" piece is isnull/isnotnull is read as that filter: hide its underscores
    const hide = ["isnull", "isnotnull"].includes(`${column}__${op}`.split("__")[1]) ? "_" : "";
    parts.push(`${topColumn(column, hide)}__${op}`);
  }
  return parts.join("&");
}

/** A condition at the top level: a filter, an or-group, or an and-group's items side by side. */
function topLevel(condition: Condition): string[] {
  if (condition.type === "filter") return [topFilter(condition)];
  // one item needs no group: the top level has none of the or-groups' limits
  if (condition.items.length === 1) return topLevel(condition.items[0]);
  if (condition.type === "and") return condition.items.flatMap(topLevel);
  return [`or=(${condition.items.map(groupItem).join(",")})`];
}

function topFilter(filter: Filter): string {
  const { arity } = OPERATOR_TABLE[filter.op];
  // the bare isnull/isnotnull argument is recognised by its second "__" piece: a name's own "__" is hidden
  if (arity === "none") return `${topColumn(filter.column, filter.column.includes("__") ? "_" : "")}__${filter.op}`;
  return `${topColumn(filter.column)}__${filter.op}=${wire(valueText(filter, false), "")}`;
}

/** Inside or(…)/and(…): `col__op.value` with no quote, dot, comma or parenthesis left for api-tabular to see. */
function groupItem(condition: Condition): string {
  if (condition.type !== "filter") return `${condition.type}(${condition.items.map(groupItem).join(",")})`;
  const column = wire(quotedText(condition.column), GROUP_HIDDEN);
  if (condition.value === undefined) return `${column}__${condition.op}`;
  return `${column}__${condition.op}.${wire(valueText(condition, true), GROUP_HIDDEN)}`;
}

const GROUP_HIDDEN = `".,()`;

/** The name as api-tabular writes it: inside `"…"`, with `"` escaped by api-tabular and `\` doubled here. */
function topColumn(column: string, hide = ""): string {
  return wire(column.replaceAll("\\", "\\\\"), hide);
}

/** Text inside PostgREST's `"…"`: a backslash takes the next character as it is. */
function quotedText(text: string): string {
  return text.replace(/["\\]/g, "\\$&");
}

/** The value as PostgREST must read it: as it is at the top level, quoted in logic trees, quoted elements in lists. */
function valueText(filter: Filter, inGroup: boolean): string {
  const { op } = filter;
  if (OPERATOR_TABLE[op].arity === "list") {
    const values = filter.value as string[];
    // PostgREST runs a list of one empty element as the empty list: the same element twice means the same
    const elements = values.length === 1 && values[0] === "" ? ["", ""] : values;
    return elements.map((v) => `"${quotedText(v)}"`).join(",");
  }
  if (op === "contains" || op === "notcontains") return containsText(filter);
  const value = filter.value as string;
  // a bare value in a logic tree ends at "," or ")", and one starting with '"' is read as quoted
  return inGroup && /^"|[,)]/.test(value) ? `"${quotedText(value)}"` : value;
}

/** What api-tabular wraps in `*…*` for ILIKE: the value with `%`, `_` and `\` escaped, or the pattern's middle. */
function containsText(filter: Filter): string {
  if (filter.pattern === undefined) return escapeLike(filter.value as string);
  return filter.pattern.slice(1, -1);
}

/**
 * The text api-tabular must receive, as the client sends it: `& = + ;` as `%26 %3D %2B %3B` (which the first
 * decoding keeps), what the chain would misread (`%`, `#`, tabs and line breaks, and `hide`) as `%25XX` (decoded
 * once, for PostgREST to decode), anything else percent-encoded once.
 */
function wire(text: string, hide: string): string {
  let out = "";
  for (const char of text) {
    if ("&=+;".includes(char)) out += `%${hex(char)}`;
    else if ("%#\t\r\n".includes(char) || hide.includes(char)) out += `%25${hex(char)}`;
    else out += encodeURIComponent(char);
  }
  return out;
}

const hex = (char: string) => char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");

/** Percent-encoding of one piece as a URL component (a resource id, a path segment). */
export const encodeComponent = encodeURIComponent;

/**
 * Why the Tabular API cannot be sent this query, or undefined when it can: what the chain has no form for. Such a
 * query still runs locally, with its meaning.
 */
export function wireRefusal(spec: QuerySpec): string | undefined {
  if (spec.aggregations.length > 0 && spec.aggregations.every((a) => a.op === "groupby"))
    return (
      "a group-by without an aggregate cannot be sent: PostgREST groups only when something is aggregated, and " +
      "would return every row's value (add a count, or run the query locally)"
    );
  const names = [
    ...(spec.columns ?? []),
    ...(spec.sort ? [spec.sort.column] : []),
    ...spec.aggregations.map((a) => a.column),
  ];
  for (const name of names) {
    const problem = textRefusal(name, `the column name ${JSON.stringify(name)}`);
    if (problem) return problem;
  }
  const visit = (condition: Condition, depth: number): string | undefined => {
    if (condition.type !== "filter") {
      const inner = depth > 0 || (condition.type === "or" && condition.items.length > 1) ? depth + 1 : 0;
      for (const item of condition.items) {
        const problem = visit(item, inner);
        if (problem) return problem;
      }
      return undefined;
    }
    const { column, op, value } = condition;
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const text of [column, ...values, ...(condition.pattern ? [condition.pattern] : [])]) {
      const problem = textRefusal(text, `${JSON.stringify(text)} (on ${JSON.stringify(column)})`);
      if (problem) return problem;
    }
    const like = condition.pattern ?? (op === "contains" || op === "notcontains" ? escapeLike(value as string) : "");
    if (depth > 0 && /[,)]/.test(like))
      return (
        `the ${op} value ${JSON.stringify(value ?? condition.pattern)} holds a comma or a closing parenthesis, which an ` +
        "or-group cannot carry (PostgREST's logic trees end a bare value there, and api-tabular puts this one " +
        "outside quotes): filter on it at the top level, on another part of the text, or run the query locally"
      );
    return undefined;
  };
  for (const condition of spec.where) {
    const problem = visit(condition, 0);
    if (problem) return problem;
  }
  return undefined;
}

/** PostgreSQL's text holds no NUL, and a lone surrogate has no UTF-8: neither can reach the database. */
function textRefusal(text: string, what: string): string | undefined {
  if (text.includes("\0")) return `${what} holds a NUL character, which PostgreSQL's text cannot hold`;
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text))
    return `${what} holds a lone UTF-16 surrogate, which has no UTF-8 form to send`;
  return undefined;
}

export function validateSpec(spec: QuerySpec): void {
  if (spec.columns && spec.aggregations.length > 0) {
    throw new QueryError(
      "`columns` cannot be combined with aggregation (the Tabular API answers 400): group-by columns are returned anyway",
    );
  }
  if (spec.columns) {
    if (spec.columns.length === 0) throw new QueryError("`columns` needs at least one column");
    for (const column of spec.columns) checkName(column, "columns");
  }
  if (spec.sort) {
    checkName(spec.sort.column, "sort");
    if (spec.sort.direction !== "asc" && spec.sort.direction !== "desc")
      throw new QueryError(`sort direction must be "asc" or "desc", not ${JSON.stringify(spec.sort.direction)}`);
  }
  for (const aggregation of spec.aggregations) {
    checkName(aggregation.column, "aggregation");
    if (!isAggregator(aggregation.op)) {
      throw new QueryError(
        `unknown aggregation ${JSON.stringify(aggregation.op)}: use one of ${AGGREGATORS.join(", ")}`,
      );
    }
  }
  for (const condition of spec.where) validateCondition(condition);
}

function validateCondition(condition: Condition): void {
  if (condition.type !== "filter") {
    if (condition.items.length === 0)
      throw new QueryError(`an ${condition.type}(…) group needs at least one condition`);
    for (const item of condition.items) validateCondition(item);
    return;
  }
  const { column, op, value } = condition;
  checkName(column, "filter");
  if (!isOperator(op)) {
    throw new QueryError(
      `unknown operator ${JSON.stringify(op)} on ${JSON.stringify(column)}: use one of ${OPERATORS.join(", ")}`,
    );
  }
  const { arity } = OPERATOR_TABLE[op];
  const unary = arity === "none";
  if (condition.pattern !== undefined) validatePattern(condition);
  else {
    if (unary && value !== undefined) throw new QueryError(`${op} takes no value (on ${JSON.stringify(column)})`);
    if (!unary && value === undefined) throw new QueryError(`${op} needs a value (on ${JSON.stringify(column)})`);
  }
  const list = arity === "list";
  if (list && !Array.isArray(value))
    throw new QueryError(`${op} takes a list of values (on ${JSON.stringify(column)})`);
  if (!list && Array.isArray(value))
    throw new QueryError(`${op} takes one value, not a list (on ${JSON.stringify(column)}); use "in" for several`);
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (list && values.length === 0)
    throw new QueryError(`${op} needs at least one value (on ${JSON.stringify(column)})`);
}

/** A raw ILIKE pattern passes when api-tabular's `*…*` and PostgREST's `*` → `%` can give it back. */
function validatePattern(filter: Filter): void {
  const pattern = filter.pattern!;
  if (filter.op !== "contains" && filter.op !== "notcontains")
    throw new QueryError(`a LIKE pattern is for contains and notcontains, not ${filter.op}`);
  if (!pattern.startsWith("%") || !pattern.endsWith("%") || pattern.length < 2 || pattern.includes("*"))
    throw new QueryError(
      `the LIKE pattern ${JSON.stringify(pattern)} cannot be sent: the Tabular API wraps the value in %…% and turns every * into %`,
    );
}

function checkName(column: string, where: string): void {
  if (typeof column !== "string" || column.length === 0) throw new QueryError(`${where}: a column name is required`);
}

export function isGroup(condition: Condition): condition is Group {
  return condition.type !== "filter";
}
