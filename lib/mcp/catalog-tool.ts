import { stat } from "node:fs/promises";
import { z } from "zod";
import { buildCatalogDatabase, CATALOG_QUERIES, catalogReport, type CatalogQuery } from "../duckdb/catalog-database.ts";
import { Duck } from "../duckdb/connection.ts";
import { boundRows, lines, rowsText, type Row } from "./bounds.ts";
import type { McpContext } from "./context.ts";
import { defineTool } from "./tool.ts";

const REPORTS = Object.keys(CATALOG_QUERIES) as [CatalogQuery, ...CatalogQuery[]];
const MAX_ROWS = 100;

export const catalogReportTool = defineTool({
  name: "catalog_report",
  title: "Questions over the whole catalog",
  description:
    "Answers questions over the whole catalog from the catalog database (`datagouv catalog`: the site-wide exports " +
    "of datasets, resources, organizations, reuses and dataservices, with the Metrics API's all-time totals). " +
    "Reports: top-datasets (most visited, with downloads), formats (resources by format), licences (datasets by " +
    "licence), freshness (datasets by how recently modified), quality (the quality score's distribution). The " +
    "database is built on first use (the exports are large: minutes on the live platform) and reused afterwards; " +
    "refresh=true rebuilds it (unchanged exports are not downloaded again).",
  long: true,
  input: z.strictObject({
    report: z.enum(REPORTS),
    refresh: z.boolean().default(false).describe("Rebuild the database from the current exports first"),
  }),
  output: z.object({
    report: z.string(),
    database: z.string(),
    built_at: z.string().describe("When the database was built"),
    columns: z.array(z.string()),
    rows: z.array(z.record(z.string(), z.unknown())),
    note: z.string().optional(),
  }),
  async run({ report, refresh }, { context }) {
    const builtAt = await catalogDatabase(context, refresh);
    const database = await Duck.open({ path: context.catalogDb, readOnly: true });
    try {
      const found = (await catalogReport(database, report)).map(plain);
      const bounded = boundRows(found.slice(0, MAX_ROWS));
      const columns = bounded.rows.length ? Object.keys(bounded.rows[0]) : [];
      const note = found.length > MAX_ROWS ? `${MAX_ROWS} of ${found.length} rows answered` : undefined;
      return {
        data: { report, database: context.catalogDb, built_at: builtAt, columns, rows: bounded.rows, note },
        text: lines(`${report} (catalog database built ${builtAt}):`, rowsText(bounded.rows, columns), note),
      };
    } finally {
      database.close();
    }
  },
});

const building = new Map<string, Promise<void>>();

/** Builds the database when it is missing or a refresh is asked, once at a time; answers when it was built. */
async function catalogDatabase(context: McpContext, refresh: boolean): Promise<string> {
  const present = await stat(context.catalogDb).catch(() => undefined);
  if (!present || refresh) {
    let build = building.get(context.catalogDb);
    if (!build) {
      build = buildCatalogDatabase(context.dg.http, context.catalogDb, { dir: context.cacheDir, refresh })
        .then(() => undefined)
        .finally(() => building.delete(context.catalogDb));
      building.set(context.catalogDb, build);
    }
    await build;
  }
  return (await stat(context.catalogDb)).mtime.toISOString();
}

function plain(row: Record<string, unknown>): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : v,
    ]),
  );
}
