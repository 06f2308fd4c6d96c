/**
 * The candidate ways of loading spooled `/data/json/` bytes, measured against each other by `npm run bench`: DuckDB's
 * own read_json (what the loaders use), DuckDB's appender fed row by row from the streaming parser, and the Arrow
 * builders (what toArrow/toIpc use).
 */
import { createReadStream } from "node:fs";
import { dateValue, timestampValue, type DuckDBAppender } from "@duckdb/node-api";
import { jsonStreamToBatches } from "../lib/arrow/batches.ts";
import type { ColumnSpec } from "../lib/arrow/columns.ts";
import { jsonArrayRows } from "../lib/arrow/json-array.ts";
import type { Duck } from "../lib/duckdb/connection.ts";
import { quote, SQL_TYPES } from "../lib/query/sql.ts";

const DAY_MS = 86_400_000;

/** One appender call per column type; values arrive as JSON gives them. */
function appendValue(appender: DuckDBAppender, column: ColumnSpec): (value: unknown) => void {
  const nullable = (append: (value: never) => void) => (value: unknown) =>
    value === null || value === undefined ? appender.appendNull() : append(value as never);
  switch (column.type) {
    case "int":
      return nullable((v: number) => appender.appendBigInt(BigInt(v)));
    case "float":
      return nullable((v: number) => appender.appendDouble(v));
    case "bool":
      return nullable((v: boolean) => appender.appendBoolean(v));
    case "date":
      return nullable((v: string) => appender.appendDate(dateValue(Date.parse(v) / DAY_MS)));
    case "datetime":
      return nullable((v: string) => appender.appendTimestamp(timestampValue(BigInt(Date.parse(`${v}Z`)) * 1000n)));
    case "json":
      return nullable((v: unknown) => appender.appendVarchar(JSON.stringify(v)));
    default:
      return nullable((v: string) => appender.appendVarchar(String(v)));
  }
}

/** DuckDB's appender, fed from the streaming JSON-array parser. Returns the rows loaded. */
export async function appenderPath(duck: Duck, files: string[], columns: ColumnSpec[], table: string): Promise<number> {
  await duck.run(
    `CREATE OR REPLACE TABLE ${quote(table)} (${columns.map((c) => `${quote(c.name)} ${SQL_TYPES[c.type]}`).join(", ")})`,
  );
  const appender = await duck.connection.createAppender(table);
  const appenders = columns.map((c) => appendValue(appender, c));
  let rows = 0;
  for (const file of files) {
    for await (const batch of jsonArrayRows(createReadStream(file), 10_000)) {
      for (const row of batch) {
        for (let c = 0; c < columns.length; c++) appenders[c]((row as Record<string, unknown>)[columns[c].name]);
        appender.endRow();
      }
      rows += batch.length;
    }
  }
  appender.closeSync();
  return rows;
}

/** The Arrow builders, decoding alone (no insert: @duckdb/node-api takes no Arrow input). Returns the rows decoded. */
export async function arrowPath(files: string[], columns: ColumnSpec[]): Promise<number> {
  let rows = 0;
  for (const file of files)
    for await (const batch of jsonStreamToBatches(createReadStream(file), columns)) rows += batch.numRows;
  return rows;
}
