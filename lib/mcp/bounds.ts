/**
 * Every answer has a stated size: an assistant's context is small and a table can be huge. Rows are cut to a number
 * and to a character budget, long values to a length, and each cut is said in a note with the way to get the rest.
 */
export const LIMITS = {
  /** Characters of the rows in the structured answer. */
  dataChars: 100_000,
  /** Characters of the text rendering. */
  textChars: 12_000,
  /** Characters of one value (a long description, a JSON cell). */
  valueChars: 1_000,
  /** Characters of one cell in the text rendering. */
  cellChars: 80,
};

export type Row = Record<string, unknown>;

export interface BoundRows {
  rows: Row[];
  /** Rows dropped to stay within the character budget. */
  dropped: number;
  /** Whether some values were shortened. */
  shortened: boolean;
}

/** The rows within the structured budget: long strings shortened, rows dropped from the end past the budget. */
export function boundRows(rows: Row[], budget = LIMITS.dataChars, valueChars = LIMITS.valueChars): BoundRows {
  const kept: Row[] = [];
  let used = 2;
  let shortened = false;
  for (const row of rows) {
    const bounded: Row = {};
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === "string" && value.length > valueChars) {
        bounded[key] = `${value.slice(0, valueChars)}…`;
        shortened = true;
      } else bounded[key] = value;
    }
    used += JSON.stringify(bounded).length + 1;
    if (used > budget && kept.length > 0) break;
    kept.push(bounded);
  }
  return { rows: kept, dropped: rows.length - kept.length, shortened };
}

/** A string cut to `n` characters, with an ellipsis when cut. */
export function shorten(text: string | null | undefined, n: number): string | undefined {
  if (text === null || text === undefined) return undefined;
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

/** The rows as a small CSV for the text rendering, cells cut to `cellChars`, the whole cut to `maxChars`. */
export function rowsText(rows: Row[], columns: string[], maxChars = LIMITS.textChars): string {
  const cell = (value: unknown): string => {
    const text =
      value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
    const short = text.length > LIMITS.cellChars ? `${text.slice(0, LIMITS.cellChars)}…` : text;
    return /[",\n\r]/.test(short) ? `"${short.replaceAll('"', '""').replace(/[\r\n]+/g, " ")}"` : short;
  };
  const lines = [columns.map(cell).join(",")];
  let used = lines[0].length;
  for (let i = 0; i < rows.length; i++) {
    const line = columns.map((c) => cell(rows[i][c])).join(",");
    if (used + line.length + 1 > maxChars) {
      lines.push(`… ${rows.length - i} more rows in the structured answer (text cut at ${maxChars} characters)`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join("\n");
}

/** Text cut to the rendering's budget. */
export function boundText(text: string, maxChars = LIMITS.textChars): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (cut at ${maxChars} characters)` : text;
}

/** Joins the lines that are present. */
export function lines(...parts: (string | undefined | false | null)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p.length > 0).join("\n");
}
