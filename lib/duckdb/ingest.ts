import type { PythonType } from "../query/ast.ts";
import { castExpression, detectColumns, type DetectedColumn, type Queryable } from "./detect.ts";
import { literal } from "./connection.ts";
import { quote, SQL_TYPES } from "../query/sql.ts";

export interface Runnable extends Queryable {
  run(sql: string, params?: unknown[]): Promise<void>;
}

/**
 * Loads a CSV file as hydra does for the Tabular API: read as text, typed column by column (from known types, or from
 * the content), numbered from 1 in `__id`. The same code loads the sandbox's uploads and the files queried locally, so
 * a query means the same thing on both.
 */
export async function loadCsv(
  db: Runnable,
  file: string,
  table: string,
  known?: Record<string, PythonType>,
): Promise<{ columns: DetectedColumn[]; separator: string }> {
  const staging = `${table}__text`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${quote(staging)} AS SELECT * FROM read_csv(${literal(file)}, header = true, ` +
      `all_varchar = true, auto_detect = true, normalize_names = false)`,
  );
  try {
    const [{ separator }] = await db
      .all<{ separator: string }>(`SELECT Delimiter AS separator FROM sniff_csv(${literal(file)})`)
      .catch(() => [{ separator: "," }]);
    const names = (
      await db.all<{ name: string }>(
        `SELECT column_name AS name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index`,
        [staging],
      )
    ).map((c) => c.name);
    const detected = known ? undefined : await detectColumns(db, staging, names);
    const columns = names.map(
      (name, i): DetectedColumn =>
        detected?.[i] ?? { name, type: known?.[name] ?? "string", format: known?.[name] ?? "string" },
    );
    const definition = ["__id BIGINT", ...columns.map((c) => `${quote(c.name)} ${SQL_TYPES[c.type]}`)].join(", ");
    await db.run(`CREATE OR REPLACE TABLE ${quote(table)} (${definition})`);
    await db.run(
      `INSERT INTO ${quote(table)} SELECT (rowid + 1)::BIGINT, ${columns.map(castExpression).join(", ")} FROM ${quote(staging)} ORDER BY rowid`,
    );
    return { columns, separator };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${quote(staging)}`);
  }
}
