import type { HttpClient } from "../http/client.ts";
import { DataGouvError } from "../http/errors.ts";
import { Datasets } from "../catalog/datasets.ts";
import { TabularApi } from "../tabular/api.ts";
import { profileColumns } from "../tabular/profile.ts";
import type { PythonType } from "../tabular/ast.ts";
import type { TabularQuery } from "../tabular/query.ts";
import { cachedDownload, type CacheOptions } from "./cache.ts";
import type { Duck } from "./connection.ts";
import { loadCsv } from "./ingest.ts";
import { querySql, type Sql } from "./query-sql.ts";

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

export async function loadResource(http: HttpClient, resourceId: string, duck: Duck, options: CacheOptions = {}): Promise<LocalTable> {
  const { resource } = await new Datasets(http).resource(resourceId);
  if (!/csv/i.test(`${resource.format ?? ""} ${resource.mime ?? ""} ${resource.url}`)) {
    throw new TypeError(`resource ${resourceId} is ${resource.format ?? "of an unknown format"}, not CSV: local queries read CSV files`);
  }
  const cached = await cachedDownload(http, resource.url, options);
  // the Tabular API's profile types the columns when it has one; otherwise the content does
  const known = await new TabularApi(http).profile(resourceId).then(
    ({ profile }) => Object.fromEntries(profileColumns(profile).map((c) => [c.name, c.type])) as Record<string, PythonType>,
    (error: unknown) => {
      if (error instanceof DataGouvError && (error.status === 404 || error.status === 410)) return undefined;
      throw error;
    },
  );
  const table = `resource_${resourceId.replace(/\W/g, "")}`;
  const { columns } = await loadCsv(duck, cached.file, table, known);
  return { table, types: Object.fromEntries([["__id", "int"], ...columns.map((c) => [c.name, c.type])]), url: resource.url, download: cached.status };
}

/** The query as SQL over a locally loaded resource. */
export function localSql(query: TabularQuery, local: LocalTable): Sql {
  return querySql(query.spec, `"${local.table}"`, local.types);
}
