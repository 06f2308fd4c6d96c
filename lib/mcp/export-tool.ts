import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { z } from "zod";
import { Duck, literal } from "../duckdb/connection.ts";
import { toFile } from "../duckdb/export.ts";
import { lines } from "./bounds.ts";
import { outputPath } from "./output-folder.ts";
import { buildQuery, QUERY_SHAPE } from "./query-input.ts";
import { RUN, whereToRun } from "./tabular-tools.ts";
import { defineTool, ToolRefusal } from "./tool.ts";

const FORMATS = ["parquet", "csv"] as const;
type ExportFormat = (typeof FORMATS)[number];

export const exportTabular = defineTool({
  name: "export_tabular",
  title: "Export a query's rows to a file",
  description:
    "Writes every row of a query (the arguments of query_tabular, any size: past the API's 50,000-row stream cap " +
    "the rows are fetched in __id windows and assembled in order) to a Parquet or CSV file in the server's output " +
    "folder, atomically and in bounded memory. Answers the file's path, row count and columns, never the rows. " +
    "Paths outside the output folder are refused.",
  long: true,
  input: z.strictObject({
    ...QUERY_SHAPE,
    path: z
      .string()
      .min(1)
      .describe('A file name, or subfolder/name, inside the output folder: e.g. "communes-84.parquet"'),
    format: z.enum(FORMATS).optional().describe("Default: from the path's extension, else parquet"),
    run: RUN,
  }),
  output: z.object({
    path: z.string().describe("The file written (absolute)"),
    format: z.enum(FORMATS),
    rows: z.int(),
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    bytes: z.int(),
    mode: z.enum(["remote", "local"]),
    reason: z.string(),
    query: z.string().describe("The query as the Tabular API receives it"),
  }),
  async run(args, { context, signal }) {
    const query = buildQuery(context.dg.tabular(args.resource_id), args);
    const format = exportFormat(args.path, args.format);
    const requested = extname(args.path) ? args.path : `${args.path}.${format}`;
    const path = await outputPath(context.outputDir, requested);
    const choice = await whereToRun(query, args.run);
    const rows = await toFile(query, path, format, { mode: choice.mode, cacheDir: context.cacheDir, signal });
    const columns = await describeFile(path, format);
    const { size } = await stat(path);
    return {
      data: {
        path,
        format,
        rows,
        columns,
        bytes: size,
        mode: choice.mode,
        reason: choice.reason,
        query: query.toQueryString(),
      },
      text: lines(
        `Wrote ${rows.toLocaleString("en")} rows (${(size / 1e6).toFixed(1)} MB) to ${path}`,
        `Columns: ${columns.map((c) => `${c.name} ${c.type}`).join(", ")}`,
        `Ran ${choice.mode === "remote" ? "on the Tabular API" : "locally with DuckDB"} (${choice.reason}): ${query}`,
      ),
    };
  },
});

function exportFormat(path: string, asked: ExportFormat | undefined): ExportFormat {
  const extension = extname(path).slice(1).toLowerCase();
  const fromPath = (FORMATS as readonly string[]).includes(extension) ? (extension as ExportFormat) : undefined;
  if (asked && extension && fromPath !== asked)
    throw new ToolRefusal(`the path ends in .${extension} but the format asked is ${asked}: make them agree`);
  if (!asked && extension && !fromPath)
    throw new ToolRefusal(`.${extension} is not a format this tool writes: use .parquet or .csv`);
  return asked ?? fromPath ?? "parquet";
}

/** The columns as DuckDB reads the file back (Parquet keeps its types; CSV's are what a reader would infer). */
async function describeFile(path: string, format: ExportFormat): Promise<{ name: string; type: string }[]> {
  const duck = await Duck.memory();
  try {
    const reader = format === "parquet" ? `read_parquet(${literal(path)})` : `read_csv(${literal(path)})`;
    const rows = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${reader}`);
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  } finally {
    duck.close();
  }
}
