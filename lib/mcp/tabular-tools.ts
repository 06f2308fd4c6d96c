import { z } from "zod";
import { chooseMode, type ModeChoice } from "../duckdb/mode.ts";
import { DataGouvError } from "../http/errors.ts";
import { OPERATORS_BY_TYPE, type PythonType } from "../query/ast.ts";
import { querySql, quote, UnknownColumn } from "../query/sql.ts";
import { profileColumns, topValues } from "../tabular/profile.ts";
import { TABULAR_MAX_PAGE_SIZE, type TabularQuery } from "../tabular/query.ts";
import { boundRows, lines, rowsText, type Row } from "./bounds.ts";
import type { McpContext } from "./context.ts";
import { jsonRows, withLocalResource } from "./local.ts";
import { buildQuery, QUERY_SHAPE } from "./query-input.ts";
import { defineTool, ToolRefusal } from "./tool.ts";

/** The rows of tabular resources: their profile, a page of a query's rows, a query of any size into a file. */

const COLUMNS_SHOWN = 200;
const TOPS_SHOWN = 5;

export const getResourceProfile = defineTool({
  name: "get_resource_profile",
  title: "Profile a tabular resource",
  description:
    "Whether the Tabular API serves a resource's rows, and its profile: row count, each column's type (int, float, " +
    "string, bool, date, datetime, json), detected format (e.g. code_departement), missing and distinct values, " +
    "min/max/mean, most frequent values; which operators each type takes and whether the API aggregates it. Read " +
    "it before query_tabular to name columns and values right.",
  input: z.strictObject({ resource_id: z.string().min(1).describe("The resource's id (a UUID)") }),
  output: z.object({
    resource_id: z.string(),
    served: z.boolean().describe("Whether the Tabular API serves its rows"),
    rows: z.int().optional(),
    aggregation_allowed: z.boolean().optional().describe("Whether the Tabular API aggregates it (else run locally)"),
    indexes: z.array(z.string()).optional(),
    columns: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        format: z.string(),
        missing: z.number().optional(),
        distinct: z.number().optional(),
        min: z.unknown().optional(),
        max: z.unknown().optional(),
        mean: z.number().optional(),
        top: z.array(z.object({ value: z.unknown(), count: z.number() })).optional(),
      }),
    ),
    operators: z.record(z.string(), z.array(z.string())).describe("Filters, sort and aggregators each type takes"),
    note: z.string().optional(),
  }),
  async run({ resource_id }, { context }) {
    const api = context.dg.tabularApi;
    const profile = await api.profile(resource_id).catch((error: unknown) => {
      if (error instanceof DataGouvError && (error.status === 404 || error.status === 410)) return undefined;
      throw error;
    });
    if (!profile) {
      const note =
        "The Tabular API does not serve this resource: query_tabular and sql_resource run on its CSV file locally " +
        "(downloaded once and cached)";
      return {
        data: { resource_id, served: false, columns: [], operators: {}, note },
        text: note,
      };
    }
    const all = profileColumns(profile.profile);
    const columns = all.slice(0, COLUMNS_SHOWN).map((c) => {
      const stats = c.stats ?? {};
      return {
        name: c.name,
        type: c.type,
        format: c.format,
        missing: stats.nb_missing_values,
        distinct: stats.nb_distinct,
        min: stats.min ?? undefined,
        max: stats.max ?? undefined,
        mean: stats.mean ?? undefined,
        top: stats?.tops ? topValues(stats).slice(0, TOPS_SHOWN) : undefined,
      };
    });
    const types = [...new Set(all.map((c) => c.type))] as PythonType[];
    const aggregation = await api.aggregationAllowed(resource_id);
    const note =
      all.length > COLUMNS_SHOWN ? `${COLUMNS_SHOWN} of ${all.length} columns shown (the first ones)` : undefined;
    const rows = profile.profile.total_lines;
    return {
      data: {
        resource_id,
        served: true,
        rows,
        aggregation_allowed: aggregation,
        indexes: profile.indexes ?? undefined,
        columns,
        operators: Object.fromEntries(types.map((t) => [t, [...OPERATORS_BY_TYPE[t]]])),
        note,
      },
      text: lines(
        `Served by the Tabular API: ${rows ?? "?"} rows, ${all.length} columns; aggregation ` +
          (aggregation ? "allowed." : "not allowed remotely (query_tabular runs it locally)."),
        rowsText(
          columns.map((c) => ({ ...c, top: c.top?.map((t) => t.value).join(" | ") })),
          ["name", "type", "format", "missing", "distinct", "min", "max", "top"],
        ),
        note,
      ),
    };
  },
});

export const RUN = z
  .enum(["auto", "remote", "local"])
  .default("auto")
  .describe(
    "remote: the Tabular API; local: DuckDB on the resource's downloaded CSV (for resources the API does not " +
      "serve, and aggregations it refuses); auto: the API when it serves the query, local otherwise",
  );

export async function whereToRun(query: TabularQuery, run: "auto" | "remote" | "local"): Promise<ModeChoice> {
  if (run !== "auto") return { mode: run, reason: `run="${run}" was asked` };
  return chooseMode(query);
}

const pageShape = {
  page: z.int().min(1).default(1).describe("Page of rows, from 1"),
  page_size: z.int().min(1).max(TABULAR_MAX_PAGE_SIZE).default(20).describe("Rows a page (at most 200)"),
};

export const queryTabular = defineTool({
  name: "query_tabular",
  title: "Query a tabular resource's rows",
  description:
    "Rows of a CSV/XLSX resource, a page at a time, with any number of filters (every operator of the Tabular API), " +
    "or-groups, one sort, a choice of columns, or grouping with count/avg/min/max/sum. Runs on the Tabular API, or " +
    "locally with DuckDB on the resource's file when the API does not serve the resource or refuses the " +
    "aggregation (same meaning either way). A query the API cannot express is refused before any request, with " +
    "the reason. Answers the matching row count and the page; export_tabular writes every row to a file. Read " +
    "get_resource_profile first for the column names and types.",
  input: z.strictObject({ ...QUERY_SHAPE, ...pageShape, run: RUN }),
  output: z.object({
    resource_id: z.string(),
    query: z.string().describe("The query as the Tabular API receives it"),
    mode: z.enum(["remote", "local"]),
    reason: z.string(),
    total: z.int().optional().describe("Matching rows (groups, for a local aggregation)"),
    page: z.int(),
    page_size: z.int(),
    returned: z.int(),
    columns: z.array(z.string()),
    rows: z.array(z.record(z.string(), z.unknown())),
    note: z.string().optional(),
  }),
  async run(args, { context, signal }) {
    const query = buildQuery(context.dg.tabular(args.resource_id), args);
    const choice = await whereToRun(query, args.run);
    const found =
      choice.mode === "remote"
        ? await remotePage(query, args.page, args.page_size, signal)
        : await localPage(context, query, args.page, args.page_size, signal);
    const bounded = boundRows(found.rows);
    const first = (args.page - 1) * args.page_size + 1;
    const last = first + bounded.rows.length - 1;
    const more = found.total !== undefined ? found.total > last : found.rows.length === args.page_size;
    const note = lines(
      bounded.dropped > 0 &&
        `${bounded.dropped} rows of this page were left out to stay under 100,000 characters: ` +
          "ask for fewer columns or a smaller page_size",
      bounded.shortened && "Values longer than 1,000 characters were shortened",
      more &&
        `Rows ${first}-${last}${found.total !== undefined ? ` of ${found.total}` : ""}: call again with ` +
          `page=${args.page + 1} for more, or export_tabular to write all of them to a file`,
    );
    const data = {
      resource_id: args.resource_id,
      query: query.toQueryString(),
      mode: choice.mode,
      reason: choice.reason,
      total: found.total,
      page: args.page,
      page_size: args.page_size,
      returned: bounded.rows.length,
      columns: found.columns,
      rows: bounded.rows,
      note: note || undefined,
    };
    return {
      data,
      text: lines(
        `${String(query)} (${choice.mode === "remote" ? "Tabular API" : "local DuckDB"}: ${choice.reason})`,
        `${found.total ?? "?"} ${query.isAggregation ? "groups" : "matching rows"}; rows ${first}-${last}:`,
        rowsText(bounded.rows, found.columns),
        note,
      ),
    };
  },
});

interface FoundPage {
  rows: Row[];
  columns: string[];
  total?: number;
}

async function remotePage(
  query: TabularQuery,
  page: number,
  pageSize: number,
  signal: AbortSignal,
): Promise<FoundPage> {
  const { value } = await query.pages({ page, pageSize, signal }).next();
  const rows = (value?.data ?? []) as Row[];
  return { rows, columns: rows.length ? Object.keys(rows[0]) : [], total: value?.meta.total };
}

async function localPage(
  context: McpContext,
  query: TabularQuery,
  page: number,
  pageSize: number,
  signal: AbortSignal,
): Promise<FoundPage> {
  return withLocalResource(context, query.resourceId, signal, async (duck, local) => {
    const from = quote(local.table);
    try {
      const paged = querySql(query.spec, from, local.types, { limit: pageSize, offset: (page - 1) * pageSize });
      const whole = querySql(query.spec, from, local.types);
      const reader = await duck.connection.runAndReadAll(paged.sql, paged.params);
      const [{ n }] = await duck.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM (${whole.sql})`, whole.params);
      return { ...jsonRows(reader), columns: paged.columns, total: n };
    } catch (error) {
      if (error instanceof UnknownColumn) {
        const known = Object.keys(local.types).filter((c) => c !== "__id");
        throw new ToolRefusal(`${error.message}: the resource's columns are ${known.join(", ")}`);
      }
      throw error;
    }
  });
}

export const TABULAR_TOOLS = [getResourceProfile, queryTabular];
