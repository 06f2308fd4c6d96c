import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./exit.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type WithHelp<T extends Options> = T & { help: { type: "boolean"; short: "h" } };
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: WithHelp<T>; allowPositionals: boolean; strict: true }>
>;

/** `util.parseArgs`, with its errors turned into usage errors a person can read. */
export function parseCommandLine<T extends Options>(argv: string[], options: T, allowPositionals = true): Parsed<T> {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

/** Writes JSON to stdout: pretty on a terminal, one line in a pipe. */
export function printJson(value: unknown, out: NodeJS.WriteStream = process.stdout): void {
  out.write(`${JSON.stringify(value, null, out.isTTY ? 2 : undefined)}\n`);
}

/** A short aligned table for a terminal. */
export function printTable(
  rows: Record<string, unknown>[],
  columns: string[],
  out: NodeJS.WritableStream = process.stdout,
): void {
  const cell = (value: unknown) =>
    value === null || value === undefined ? "" : String(value).replace(/\s+/g, " ").slice(0, 60);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  out.write(`${line(columns)}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
  for (const row of rows) out.write(`${line(columns.map((column) => cell(row[column])))}\n`);
}
