import type { PythonType } from "../query/ast.ts";

/** One column as csv-detective detected it. */
export interface ColumnDetection {
  python_type: PythonType;
  /** e.g. uuid, int, float, booleen, date, datetime_naive, json, url, code_commune_insee, code_postal … */
  format: string;
  score: number;
  [key: string]: unknown;
}

/**
 * One of a column's most frequent values. Older csv-detective profiles (api-tabular's db/tables_index.csv among them)
 * swapped the two: `count` holds the value as text and `value` the number; `topValues` reads both kinds.
 */
export interface TopValue {
  count: number | string;
  value: unknown;
}

/** Per-column statistics; numeric ones carry min/max/mean/std. */
export interface ColumnStats {
  tops?: TopValue[];
  nb_distinct?: number;
  nb_missing_values?: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  std?: number | null;
  [key: string]: unknown;
}

/** csv-detective's output, as the Tabular API's `/profile/` carries it. Unknown keys are kept. */
export interface CsvProfile {
  /** Absent from some minimal profiles (api-tabular's own test tables); then the columns' keys give the order. */
  header?: string[];
  columns?: Record<string, ColumnDetection>;
  formats?: Record<string, string[]>;
  profile?: Record<string, ColumnStats>;
  encoding?: string;
  separator?: string;
  categorical?: string[];
  total_lines?: number;
  nb_duplicates?: number;
  columns_fields?: Record<string, unknown>;
  columns_labels?: Record<string, unknown>;
  header_row_idx?: number;
  heading_columns?: number;
  trailing_columns?: number;
  /** Excel files only. */
  engine?: string;
  sheet_name?: string;
  [key: string]: unknown;
}

/** `GET /api/resources/{rid}/profile/`. */
export interface ResourceProfile {
  profile: CsvProfile;
  deleted_at: string | null;
  dataset_id: string;
  /** Indexed columns (aggregation is then allowed only on them), or null. */
  indexes: string[] | null;
  [key: string]: unknown;
}

/** `GET /api/resources/{rid}/`. */
export interface TabularResource {
  created_at: string;
  url: string;
  links: { href: string; type: string; rel: "profile" | "data" | "swagger" | string }[];
  [key: string]: unknown;
}

/** A column's top values, each with its count as a number, whichever way round the profile wrote them. */
export function topValues(stats: ColumnStats | undefined): { value: unknown; count: number }[] {
  return (stats?.tops ?? []).map(({ value, count }) =>
    typeof count === "number"
      ? { value, count }
      : typeof value === "number"
        ? { value: count, count: value }
        : { value, count: Number(count) },
  );
}

/** Header names may carry surrounding double quotes in real profiles; this is the name the table uses. */
export function cleanColumnName(name: string): string {
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
}

export interface ProfiledColumn {
  name: string;
  type: PythonType;
  format: string;
  stats?: ColumnStats;
}

/** The profile's columns in header order, with clean names, types and statistics. */
export function profileColumns(profile: CsvProfile): ProfiledColumn[] {
  const columns = profile.columns ?? {};
  return (profile.header ?? Object.keys(columns)).map((raw) => {
    const name = cleanColumnName(raw);
    const detection = columns[raw] ?? columns[name];
    return {
      name,
      type: detection?.python_type ?? "string",
      format: detection?.format ?? "string",
      stats: profile.profile?.[raw] ?? profile.profile?.[name],
    };
  });
}

const PYTHON_TYPES = new Set(["string", "int", "float", "bool", "date", "datetime", "json"]);

/** Checks the parts of a profile the toolkit relies on; throws naming the field that does not fit. */
export function parseResourceProfile(value: unknown): ResourceProfile {
  const body = value as ResourceProfile;
  if (!body || typeof body !== "object") throw new TypeError("profile: expected an object");
  const profile = body.profile;
  if (!profile || typeof profile !== "object") throw new TypeError("profile.profile: expected an object");
  if (profile.header !== undefined && !Array.isArray(profile.header))
    throw new TypeError("profile.profile.header: expected an array of column names");
  if (profile.columns !== undefined && (!profile.columns || typeof profile.columns !== "object"))
    throw new TypeError("profile.profile.columns: expected an object");
  for (const [name, detection] of Object.entries(profile.columns ?? {})) {
    if (!PYTHON_TYPES.has(detection?.python_type)) {
      throw new TypeError(
        `profile.profile.columns[${JSON.stringify(name)}].python_type: unknown type ${JSON.stringify(detection?.python_type)}`,
      );
    }
  }
  if (body.indexes !== null && body.indexes !== undefined && !Array.isArray(body.indexes)) {
    // hydra stores indexes as an object {column: "index"}; expose the column names
    (body as { indexes: string[] | null }).indexes = Object.keys(body.indexes as object);
  }
  return body;
}
