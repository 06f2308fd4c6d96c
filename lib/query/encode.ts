import { QueryError } from "../http/errors.ts";
import type { Condition, Filter, Group, QuerySpec } from "./ast.ts";
import { AGGREGATORS, isAggregator, isOperator, OPERATOR_TABLE, OPERATORS } from "./operators.ts";

/**
 * Encodes a query the way api-tabular parses it (api_tabular/core/query.py): the decoded query string is split on "&",
 * then each piece on "=", so a value containing "&" or "=" can never be expressed, however it is encoded. Everything
 * the server would reject or misread is refused here, before any request.
 */
export function encodeQuerySpec(spec: QuerySpec): string {
  validateSpec(spec);
  const parts: string[] = [];
  for (const condition of spec.where) {
    if (condition.type === "filter") parts.push(encodeTopFilter(condition));
    else if (condition.type === "or") parts.push(`or=(${condition.items.map(encodeGroupItem).join(",")})`);
    // a top-level AND group is the same as its items side by side
    else
      for (const item of condition.items)
        parts.push(item.type === "filter" ? encodeTopFilter(item) : `or=(${encodeGroupItem(item)})`);
  }
  if (spec.columns) parts.push(`columns=${spec.columns.map(encodeComponent).join(",")}`);
  if (spec.sort) parts.push(`${encodeComponent(spec.sort.column)}__sort=${spec.sort.direction}`);
  for (const aggregation of spec.aggregations) parts.push(`${encodeComponent(aggregation.column)}__${aggregation.op}`);
  return parts.join("&");
}

function encodeTopFilter(filter: Filter): string {
  const key = `${encodeComponent(filter.column)}__${filter.op}`;
  if (filter.value === undefined) return key;
  const value = Array.isArray(filter.value)
    ? filter.value.map(encodeComponent).join(",")
    : encodeComponent(filter.value);
  return `${key}=${value}`;
}

/** Inside or(...)/and(...): `col__op.value`, with `"` around a column or value holding a dot or another special. */
function encodeGroupItem(condition: Condition): string {
  if (condition.type !== "filter") return `${condition.type}(${condition.items.map(encodeGroupItem).join(",")})`;
  const column = needsQuotes(condition.column) ? `"${condition.column}"` : condition.column;
  const key = `${encodeComponent(column)}__${condition.op}`;
  if (condition.value === undefined) return key;
  const raw = Array.isArray(condition.value) ? condition.value.join(",") : condition.value;
  const value = needsQuotes(raw) ? `"${raw}"` : raw;
  return `${key}.${encodeComponent(value)}`;
}

/** The OR parser splits items on "." and on top-level "," and counts parentheses: such characters need quoting. */
function needsQuotes(text: string): boolean {
  return /[.,()\s]/.test(text);
}

/** Percent-encoding: the server decodes the whole query string before splitting it, so only the decoded text matters ("#" and "+" must be encoded). */
export const encodeComponent = encodeURIComponent;

const RESERVED_COLUMNS = new Set(["page", "page_size", "columns", "or"]);

export function validateSpec(spec: QuerySpec): void {
  if (spec.columns && spec.aggregations.length > 0) {
    throw new QueryError(
      "`columns` cannot be combined with aggregation (the Tabular API answers 400): group-by columns are returned anyway",
    );
  }
  if (spec.columns) {
    if (spec.columns.length === 0) throw new QueryError("`columns` needs at least one column");
    for (const column of spec.columns) {
      checkName(column, "columns");
      if (column.includes('"'))
        throw new QueryError(
          `column ${JSON.stringify(column)} contains a double quote, which \`columns\` cannot express`,
        );
      if (column.includes(","))
        throw new QueryError(`column ${JSON.stringify(column)} contains a comma, which \`columns\` cannot express`);
    }
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
  for (const condition of spec.where) validateCondition(condition, false);
}

function validateCondition(condition: Condition, inGroup: boolean): void {
  if (condition.type !== "filter") {
    if (condition.items.length === 0)
      throw new QueryError(`an ${condition.type}(…) group needs at least one condition`);
    for (const item of condition.items) validateCondition(item, true);
    return;
  }
  const { column, op, value } = condition;
  checkName(column, "filter");
  if (!isOperator(op)) {
    throw new QueryError(
      `unknown operator ${JSON.stringify(op)} on ${JSON.stringify(column)}: use one of ${OPERATORS.join(", ")}`,
    );
  }
  if (RESERVED_COLUMNS.has(column) && !inGroup) {
    throw new QueryError(
      `a column named ${JSON.stringify(column)} cannot be filtered: the API reads that name as its own parameter`,
    );
  }
  const { arity } = OPERATOR_TABLE[op];
  const unary = arity === "none";
  if (unary && value !== undefined) throw new QueryError(`${op} takes no value (on ${JSON.stringify(column)})`);
  if (!unary && value === undefined) throw new QueryError(`${op} needs a value (on ${JSON.stringify(column)})`);
  const list = arity === "list";
  if (list && inGroup)
    throw new QueryError(
      `${op} cannot be used inside an or-group (its syntax has no lists): write or(eq(…), eq(…)) instead`,
    );
  if (list && !Array.isArray(value))
    throw new QueryError(`${op} takes a list of values (on ${JSON.stringify(column)})`);
  if (!list && Array.isArray(value))
    throw new QueryError(`${op} takes one value, not a list (on ${JSON.stringify(column)}); use "in" for several`);
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (list && values.length === 0)
    throw new QueryError(`${op} needs at least one value (on ${JSON.stringify(column)})`);
  for (const v of values) {
    if (/[&=]/.test(v)) {
      throw new QueryError(
        `the value ${JSON.stringify(v)} contains "&" or "=", which the Tabular API cannot receive (it splits the decoded query on them); filter on another part of the value with "contains"`,
      );
    }
    if (list && v.includes(","))
      throw new QueryError(
        `the ${op} value ${JSON.stringify(v)} contains a comma, which the API's comma list cannot express`,
      );
    if (inGroup && v.includes('"'))
      throw new QueryError(`the value ${JSON.stringify(v)} contains a double quote, which or-groups cannot express`);
  }
  if (inGroup && column.includes('"'))
    throw new QueryError(
      `the column ${JSON.stringify(column)} contains a double quote, which or-groups cannot express`,
    );
  if (/[&=]/.test(column))
    throw new QueryError(`the column name ${JSON.stringify(column)} contains "&" or "=", which the API cannot receive`);
}

function checkName(column: string, where: string): void {
  if (typeof column !== "string" || column.length === 0) throw new QueryError(`${where}: a column name is required`);
}

export function isGroup(condition: Condition): condition is Group {
  return condition.type !== "filter";
}
