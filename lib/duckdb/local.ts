import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HttpClient } from "../http/client.ts";
import { QueryError } from "../http/errors.ts";
import { Datasets } from "../catalog/datasets.ts";
import { profileColumns } from "../tabular/profile.ts";
import type { PythonType } from "../query/ast.ts";
import type { ExportableTabular, ExportOptions } from "../tabular/export-engine.ts";
import type { ColumnSpec } from "../arrow/columns.ts";
import { cachedDownload, type CacheOptions } from "./cache.ts";
import type { Duck } from "./connection.ts";
import { loadCsv } from "./ingest.ts";
import { querySql, quote, SQL_TYPES, type Sql } from "../query/sql.ts";
import { profileOnce, servedProfile, type ProfileOnce } from "./placement.ts";
import { bound, outputColumns, say, type Rows } from "./rows.ts";

/**
 * Running a Tabular query locally: the resource's file is downloaded (cached, revalidated), loaded into DuckDB as the
 * Tabular API loads it, and the query runs there with the same meaning. For resources the API does not serve and for
 * aggregations it refuses.
 */
export interface LocalTable {
  table: string;
  types: Record<string, PythonType>;
  /** Where the file came from, and whether it was fetched again. */
  url: string;
  download: "downloaded" | "revalidated";
}

export async function loadResource(
  http: HttpClient,
  resourceId: string,
  duck: Duck,
  options: CacheOptions & {
    table?: string;
    /** The resource's profile as the caller already asked for it (by default, asked here). */
    profile?: ProfileOnce;
  } = {},
): Promise<LocalTable> {
  const { resource } = await new Datasets(http).resource(resourceId);
  if (!/csv/i.test(`${resource.format ?? ""} ${resource.mime ?? ""} ${resource.url}`)) {
    throw new QueryError(
      `resource ${resourceId} is ${resource.format ?? "of an unknown format"}, not CSV: local runs read CSV ` +
        `files alone, and other formats can be queried only where the Tabular API serves them; the file itself is ` +
        `at ${resource.url}`,
    );
  }
  const cached = await cachedDownload(http, resource.url, options);
  // the Tabular API's profile types the columns when it has one; otherwise the content does
  const served = await servedProfile(options.profile ?? profileOnce(http, resourceId));
  const known = served
    ? (Object.fromEntries(profileColumns(served.profile).map((c) => [c.name, c.type])) as Record<string, PythonType>)
    : undefined;
  const table = options.table ?? `resource_${resourceId.replace(/\W/g, "")}`;
  const { columns } = await loadCsv(duck, cached.file, table, known);
  return {
    table,
    types: Object.fromEntries([["__id", "int"], ...columns.map((c) => [c.name, c.type])]),
    url: resource.url,
    download: cached.status,
  };
}

/** The query as SQL over a locally loaded resource. */
export function localSql(query: ExportableTabular, local: LocalTable): Sql {
  return querySql(query.spec, quote(local.table), local.types);
}

/**
 * The query's rows computed on `duck` from the resource's file. Outputs are cast to the types the remote path gives
 * them (DuckDB would widen an integer sum to 128 bits), so both modes write the same schema and values.
 */
export async function localRows(
  query: ExportableTabular,
  duck: Duck,
  options: ExportOptions,
  profile: ProfileOnce,
): Promise<Rows> {
  const http = bound(query);
  const scratch = await mkdtemp(join(tmpdir(), "datagouv-local-"));
  const table = `datagouv_local_${scratch.slice(-6).replace(/\W/g, "_")}`;
  const dispose = async () => {
    await duck.run(`DROP TABLE IF EXISTS ${quote(table)}`);
    await rm(scratch, { recursive: true, force: true });
  };
  try {
    let bytes = 0;
    const local = await loadResource(http, query.resourceId, duck, {
      dir: options.cacheDir,
      refresh: options.refresh,
      signal: options.signal,
      table,
      profile,
      onBytes: (n) => options.progress?.({ bytes: (bytes += n), label: query.resourceId }),
    });
    say(
      options.logger ?? http.logger,
      `${local.download === "revalidated" ? "using the cached file (unchanged on the server)" : "downloaded the file"}: ${local.url}`,
    );
    const all = await withRanges(duck, local);
    const typeOf = (name: string): ColumnSpec => all.find((c) => c.name === name) ?? { name, type: "string" };
    const columns = outputColumns(query.spec, typeOf, all);
    const { sql, params } = localSql(query, local);
    // JSON comes back from the API without spaces; json() writes the file's text the same way
    const typed = columns.map(
      (c) =>
        `${c.type === "json" ? `json(${quote(c.name)})` : `CAST(${quote(c.name)} AS ${SQL_TYPES[c.type]})`} AS ${quote(c.name)}`,
    );
    return { sql: `SELECT ${typed.join(", ")} FROM (${sql})`, params, columns, scratch, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The table's columns, ints with their range (as the profile's stats give it remotely, to choose 32 or 64 bits). */
async function withRanges(duck: Duck, local: LocalTable): Promise<ColumnSpec[]> {
  const columns = Object.entries(local.types).map(([name, type]): ColumnSpec => ({ name, type }));
  const ints = columns.filter((c) => c.type === "int");
  if (!ints.length) return columns;
  const ranges = ints.map((c, i) => `min(${quote(c.name)})::DOUBLE AS lo${i}, max(${quote(c.name)})::DOUBLE AS hi${i}`);
  const [found] = await duck.all<Record<string, number | null>>(
    `SELECT ${ranges.join(", ")} FROM ${quote(local.table)}`,
  );
  ints.forEach((c, i) => {
    c.min = found[`lo${i}`] ?? undefined;
    c.max = found[`hi${i}`] ?? undefined;
  });
  return columns;
}
