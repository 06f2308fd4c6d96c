import { z } from "zod";
import { AGGREGATORS, OPERATORS, type Condition } from "../query/ast.ts";
import { and, filter, or } from "../query/conditions.ts";
import type { TabularQuery } from "../tabular/query.ts";

/**
 * A Tabular query as tool arguments: the query model's filters, or-groups, sort, columns and aggregation, in JSON.
 * The model itself checks what the server can express, so a refusal says why before any request.
 */

const OPERATOR_MEANINGS =
  "exact (=), differs (≠, rows where the column is empty are kept), isnull, isnotnull (no value), contains and " +
  "notcontains (case-insensitive substring, * is a wildcard; text and date columns), in and notin (a list), less " +
  "(≤), greater (≥), strictly_less (<), strictly_greater (>)";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const filterInput = z.strictObject({
  column: z.string().min(1),
  op: z.enum(OPERATORS),
  value: z
    .union([scalar, z.array(z.union([z.string(), z.number()])).min(1)])
    .optional()
    .describe("One value; a list for in/notin; none for isnull/isnotnull"),
});

const andInput = z.strictObject({ and: z.array(filterInput).min(1).describe("All of these") });
const orInput = z.strictObject({
  or: z
    .array(z.union([filterInput, andInput]))
    .min(1)
    .describe("Any of these (in/notin cannot be used inside: list the values as exact filters)"),
});

export const QUERY_SHAPE = {
  resource_id: z.string().min(1).describe("The resource's id (a UUID)"),
  where: z
    .array(z.union([filterInput, orInput]))
    .default([])
    .describe(
      "Conditions {column, op, value}, all required; an {or: […]} item matches rows meeting any of its conditions. " +
        `Operators: ${OPERATOR_MEANINGS}`,
    ),
  sort: z
    .strictObject({ column: z.string().min(1), direction: z.enum(["asc", "desc"]).default("asc") })
    .optional()
    .describe("One sort column (the API sorts by one)"),
  columns: z.array(z.string().min(1)).min(1).optional().describe("The columns to return (not with aggregation)"),
  group_by: z.array(z.string().min(1)).optional().describe("Columns to group by (their values are returned)"),
  aggregate: z
    .array(
      z.strictObject({
        column: z.string().min(1),
        op: z.enum(AGGREGATORS.filter((a) => a !== "groupby") as ["count", "avg", "min", "max", "sum"]),
      }),
    )
    .optional()
    .describe("Aggregates per group, returned as column__op"),
};

const queryObject = z.object(QUERY_SHAPE);
export type QueryArgs = z.output<typeof queryObject>;

type FilterArgs = z.output<typeof filterInput>;
type AndArgs = z.output<typeof andInput>;
type OrArgs = z.output<typeof orInput>;

function condition(item: FilterArgs | AndArgs | OrArgs): Condition {
  if ("or" in item) return or(...item.or.map(condition));
  if ("and" in item) return and(...item.and.map(condition));
  return filter(item.column, item.op, item.value);
}

/** The arguments applied to a query of the resource; the builder refuses, with its reason, what the API cannot take. */
export function buildQuery(base: TabularQuery, args: QueryArgs): TabularQuery {
  let query = base;
  for (const item of args.where) query = query.where(condition(item));
  if (args.sort) query = query.sort(args.sort.column, args.sort.direction);
  if (args.columns) query = query.columns(args.columns);
  if (args.group_by?.length) query = query.groupBy(...args.group_by);
  for (const { column, op } of args.aggregate ?? []) query = query.aggregate(column, op);
  return query;
}
