import type { DuckDBResultReader } from "@duckdb/node-api";
import { Duck } from "../duckdb/connection.ts";
import { loadResource, type LocalTable } from "../duckdb/local.ts";
import type { McpContext } from "./context.ts";
import { ToolRefusal } from "./tool.ts";
import type { Row } from "./bounds.ts";

/**
 * A resource's file loaded into a DuckDB database of the call's own (downloaded once, then revalidated from the
 * cache), within the server's memory budget; a deadline or a cancellation interrupts whatever DuckDB is running.
 * `sealed` then closes the database off from every file and the network, and locks its settings, before `work` runs
 * SQL an assistant wrote.
 */
export async function withLocalResource<T>(
  context: McpContext,
  resourceId: string,
  signal: AbortSignal,
  work: (duck: Duck, local: LocalTable) => Promise<T>,
  options: { table?: string; sealed?: boolean } = {},
): Promise<T> {
  const duck = await Duck.memory(context.sqlMemoryLimit);
  const interrupt = () => duck.connection.interrupt();
  signal.addEventListener("abort", interrupt, { once: true });
  try {
    signal.throwIfAborted();
    const local = await loadResource(context.dg.http, resourceId, duck, {
      dir: context.cacheDir,
      table: options.table,
    });
    if (options.sealed) {
      await duck.run("SET max_temp_directory_size = '2GB'");
      await duck.run("SET enable_external_access = false");
      await duck.run("SET lock_configuration = true");
    }
    signal.throwIfAborted();
    return await work(duck, local);
  } catch (error) {
    if (/^Out of Memory Error/.test(String((error as Error)?.message)))
      throw new ToolRefusal(
        `DuckDB needed more than its memory budget of ${context.sqlMemoryLimit} (the server's --memory-limit): ` +
          "aggregate further, select fewer columns, or filter first",
      );
    throw error;
  } finally {
    signal.removeEventListener("abort", interrupt);
    duck.close();
  }
}

const WIDE_NUMBERS = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/;

/** A result's rows as JSON values: dates as ISO text, 64-bit integers and decimals as numbers when they fit. */
export function jsonRows(reader: DuckDBResultReader, limit = Infinity): { rows: Row[]; columns: string[] } {
  const columns = reader.columnNames();
  const wide = new Set(columns.filter((_, i) => WIDE_NUMBERS.test(String(reader.columnType(i)))));
  const rows = (reader.getRowObjectsJson() as Row[]).slice(0, limit);
  if (wide.size)
    for (const row of rows)
      for (const column of wide) {
        const value = row[column];
        if (typeof value === "string" && Number.isSafeInteger(Math.trunc(Number(value)))) row[column] = Number(value);
      }
  return { rows, columns };
}
