import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { literal } from "datagouv-kit/duckdb";
import type { Duck } from "datagouv-kit/duckdb";

/**
 * api-tabular's own test database (db/initdb in its repository), copied under seed/tabular-api: which table holds
 * which resource (tables_index.csv), which resources have indexes (exceptions.csv), and the rows, read out of the
 * COPY blocks of the init SQL. It is data, not code to run.
 */

const seedFile = (name: string) => fileURLToPath(new URL(`../../seed/tabular-api/${name}`, import.meta.url));

export interface TestResource {
  resourceId: string;
  datasetId: string;
  /** The file name of the resource's URL. */
  title: string;
  table: string;
  deletedAt: string | null;
  /** Indexed columns (resources exceptions), or null. */
  indexes: string[] | null;
}

/** Every resource of the test database, with its table and indexes. */
export async function testResources(db: Duck): Promise<TestResource[]> {
  const index = await db.all<{
    resource_id: string;
    dataset_id: string;
    url: string;
    parsing_table: string;
    deleted_at: string | null;
  }>(
    `SELECT resource_id, dataset_id, url, parsing_table, deleted_at FROM read_csv(${literal(seedFile("tables_index.csv"))}, header = true, all_varchar = true)`,
  );
  const exceptions = await db.all<{ resource_id: string; table_indexes: string }>(
    `SELECT resource_id, table_indexes FROM read_csv(${literal(seedFile("exceptions.csv"))}, header = true, all_varchar = true)`,
  );
  const indexesOf = new Map(
    exceptions.map((e) => [e.resource_id, Object.keys(JSON.parse(e.table_indexes) as Record<string, string>)]),
  );
  return index.map((row) => ({
    resourceId: row.resource_id,
    datasetId: row.dataset_id,
    title: row.url.slice(row.url.lastIndexOf("/") + 1),
    table: row.parsing_table,
    deletedAt: row.deleted_at && postgresTextToIso(row.deleted_at),
    indexes: indexesOf.get(row.resource_id) ?? null,
  }));
}

/** `2023-12-01 00:00:00+00` (PostgreSQL's timestamptz text) as an ISO instant. */
function postgresTextToIso(text: string): string {
  return new Date(text.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00")).toISOString();
}

/**
 * Writes the rows of the test tables as CSV files (header without `__id`, NULL as an empty field), for the same
 * ingestion as an upload. Returns the files by table name and a function removing them.
 */
export async function testTableFiles(
  tables: string[],
): Promise<{ files: Map<string, string>; dispose(): Promise<void> }> {
  const sql = await readFile(seedFile("test_tables.sql"), "utf8");
  const dir = await mkdtemp(join(tmpdir(), "datagouv-seed-"));
  const files = new Map<string, string>();
  for (const table of tables) {
    const block = copyBlock(sql, table);
    if (!block) continue;
    const keep = block.columns.map((name, i) => (name === "__id" ? -1 : i)).filter((i) => i >= 0);
    const file = join(dir, `${table}.csv`);
    await writeFile(
      file,
      toCsv(
        keep.map((i) => block.columns[i]),
        block.rows.map((row) => keep.map((i) => row[i])),
      ),
    );
    files.set(table, file);
  }
  return { files, dispose: () => rm(dir, { recursive: true, force: true }) };
}

interface CopyBlock {
  columns: string[];
  rows: (string | null)[][];
}

function copyBlock(sql: string, table: string): CopyBlock | undefined {
  const start = sql.indexOf(`COPY "csvapi".${table} (`);
  if (start < 0) return undefined;
  const headerEnd = sql.indexOf(") FROM stdin;\n", start);
  const columns = parseIdentifiers(sql.slice(sql.indexOf("(", start) + 1, headerEnd));
  const bodyStart = headerEnd + ") FROM stdin;\n".length;
  const bodyEnd = sql.indexOf("\n\\.\n", bodyStart);
  const rows = sql
    .slice(bodyStart, bodyEnd)
    .split("\n")
    .map((line) => line.split("\t").map(unescapeCopy));
  return { columns, rows };
}

/** `a, "b c", "d ""e"""`: identifiers, quoted ones with doubled quotes. */
function parseIdentifiers(text: string): string[] {
  const names: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)))
    names.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]);
  return names;
}

/** PostgreSQL's COPY text format: `\N` is NULL, backslash escapes. */
function unescapeCopy(field: string): string | null {
  if (field === "\\N") return null;
  return field.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r", "\\": "\\" })[c] ?? c);
}

function toCsv(columns: string[], rows: (string | null)[][]): string {
  const cell = (value: string | null) =>
    value === null ? "" : /[",\n\r]/.test(value) || value === "" ? `"${value.replaceAll('"', '""')}"` : value;
  return [columns.map(cell), ...rows.map((row) => row.map(cell))].map((r) => r.join(",")).join("\n") + "\n";
}
