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
