import { StatementType, type DuckDBPreparedStatement } from "@duckdb/node-api";
import { z } from "zod";
import type { Duck } from "../duckdb/connection.ts";
import { boundRows, lines, rowsText } from "./bounds.ts";
import { jsonRows, withLocalResource } from "./local.ts";
import { defineTool, ToolRefusal } from "./tool.ts";

const TABLE = "resource";

export const sqlResource = defineTool({
  name: "sql_resource",
  title: "SQL over a resource, locally",
  description:
    `Runs one read-only SQL SELECT (DuckDB's dialect) over a CSV resource loaded locally as the table "${TABLE}" ` +
    "(downloaded once and cached; columns typed as the Tabular API types them, plus __id, the row number). For what " +
    "the API cannot do: joins with itself, window functions, several sorts, expressions, HAVING. Anything but a " +
    "single SELECT is refused; the database cannot read other files or the network, and runs within a time and " +
    "memory limit. Answers at most max_rows rows.",
  long: true,
  input: z.strictObject({
    resource_id: z.string().min(1).describe("The resource's id (a UUID); its file must be CSV"),
    sql: z
      .string()
      .min(1)
      .max(20_000)
      .describe(`One SELECT over the table ${TABLE}, e.g. SELECT dep, count(*) FROM ${TABLE} GROUP BY dep`),
    max_rows: z.int().min(1).max(1_000).default(100).describe("Rows to answer at most"),
  }),
  output: z.object({
    resource_id: z.string(),
    table: z.string(),
    table_columns: z.array(z.object({ name: z.string(), type: z.string() })),
    columns: z.array(z.string()),
    rows: z.array(z.record(z.string(), z.unknown())),
    returned: z.int(),
    more: z.boolean().describe("Whether the result has more rows than returned"),
    note: z.string().optional(),
  }),
  async run({ resource_id, sql, max_rows }, { context, signal }) {
    return withLocalResource(
      context,
      resource_id,
      signal,
      async (duck, local) => {
        const statement = await singleSelect(duck, sql);
        const reader = await withinTime(duck, context.sqlTimeoutMs, () => statement.streamAndReadUntil(max_rows + 1));
        const { rows, columns } = jsonRows(reader);
        const more = rows.length > max_rows;
        const bounded = boundRows(rows.slice(0, max_rows));
        const note = lines(
          more && `The result has more than ${max_rows} rows: aggregate, add a LIMIT, or raise max_rows (up to 1,000)`,
          bounded.dropped > 0 && `${bounded.dropped} rows were left out to stay under 100,000 characters`,
          bounded.shortened && "Values longer than 1,000 characters were shortened",
        );
        return {
          data: {
            resource_id,
            table: TABLE,
            table_columns: Object.entries(local.types).map(([name, type]) => ({ name, type })),
            columns,
            rows: bounded.rows,
            returned: bounded.rows.length,
            more,
            note: note || undefined,
          },
          text: lines(
            `${bounded.rows.length} rows${more ? " (more exist)" : ""}:`,
            rowsText(bounded.rows, columns),
            note,
          ),
        };
      },
      { table: TABLE, sealed: true },
    );
  },
});

/** The statement, prepared, if it is exactly one SELECT; reading another file fails here, at binding. */
async function singleSelect(duck: Duck, sql: string): Promise<DuckDBPreparedStatement> {
  try {
    const extracted = await duck.connection.extractStatements(sql);
    if (extracted.count !== 1)
      throw new ToolRefusal(`the SQL holds ${extracted.count} statements: send exactly one SELECT`);
    const statement = await extracted.prepare(0);
    if (statement.statementType !== StatementType.SELECT)
      throw new ToolRefusal(
        `${StatementType[statement.statementType]} statements are not run: sql_resource runs one read-only SELECT`,
      );
    return statement;
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (/^Permission Error/.test(message))
      throw new ToolRefusal(
        `the SQL reaches outside the table ${TABLE}: files and the network are closed to it ` +
          `(DuckDB: ${message.split("\n")[0]})`,
      );
    throw error;
  }
}

async function withinTime<T>(duck: Duck, ms: number, work: () => Promise<T>): Promise<T> {
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    duck.connection.interrupt();
  }, ms);
  try {
    return await work();
  } catch (error) {
    if (late) throw new ToolRefusal(`the statement ran past ${Math.round(ms / 1000)} s and was interrupted`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
