import type { Condition, Filter, Group, Operator } from "./ast.ts";

/** Values are sent as text; numbers, booleans and dates are written the way the API reads them. */
export type Value = string | number | boolean | Date;

export function text(value: Value): string {
  if (value instanceof Date) return value.toISOString().replace(/\.000Z$/, "Z");
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** One condition: `filter("population", "greater", 10000)`, `filter("dep", "in", ["75", "92"])`, `filter("x", "isnull")`. */
export function filter(column: string, op: Operator, value?: Value | readonly Value[]): Filter {
  if (value === undefined) return { type: "filter", column, op };
  return { type: "filter", column, op, value: Array.isArray(value) ? value.map(text) : text(value as Value) };
}

/** Any of the conditions (the API's `or=(…)`); nest `and(…)` and `or(…)` freely. */
export function or(...items: Condition[]): Group {
  return { type: "or", items };
}

export function and(...items: Condition[]): Group {
  return { type: "and", items };
}

export const eq = (column: string, value: Value): Filter => filter(column, "exact", value);
export const ne = (column: string, value: Value): Filter => filter(column, "differs", value);
export const lt = (column: string, value: Value): Filter => filter(column, "strictly_less", value);
export const lte = (column: string, value: Value): Filter => filter(column, "less", value);
export const gt = (column: string, value: Value): Filter => filter(column, "strictly_greater", value);
export const gte = (column: string, value: Value): Filter => filter(column, "greater", value);
export const contains = (column: string, value: Value): Filter => filter(column, "contains", value);
export const isIn = (column: string, values: readonly Value[]): Filter => filter(column, "in", values);
export const isNull = (column: string): Filter => filter(column, "isnull");
export const isNotNull = (column: string): Filter => filter(column, "isnotnull");
