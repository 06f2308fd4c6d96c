import { Dictionary, Float64, Int32, Table, Utf8, Bool, tableToIPC, vectorFromArray } from "apache-arrow";
import type { Duck } from "../lib/duckdb/connection.ts";
import { metricsTable } from "../lib/duckdb/catalog-database.ts";

/**
 * Every dataset of the catalog as one Arrow IPC file, for searching and filtering in the browser. Organizations,
 * licences and frequencies repeat across tens of thousands of rows: dictionary-encoded, they cost an index each.
 */
export async function exploreTable(duck: Duck, pages: { datasets: Set<string> }): Promise<Uint8Array> {
  const rows = await duck.all<Record<string, string | number | null>>(
    `SELECT d.id, d.title, coalesce(d.organization, '') AS organization, coalesce(d.license, '') AS license,
      coalesce(d.frequency, '') AS frequency, try_cast(d.resources_count AS INTEGER) AS resources,
      try_cast(d.quality_score AS DOUBLE) AS quality, substr(CAST(d.last_modified AS VARCHAR), 1, 10) AS modified,
      coalesce(t.visit, 0)::DOUBLE AS visits
    FROM datasets d LEFT JOIN ${metricsTable("datasets_total")} t ON t.dataset_id = d.id ORDER BY visits DESC, d.title, d.id`,
  );
  const column = <T>(name: string) => rows.map((r) => r[name] as T);
  // ids given, or apache-arrow numbers dictionaries from a global counter and the same table's bytes vary
  const words = (id: number) => new Dictionary(new Utf8(), new Int32(), id);
  return tableToIPC(
    new Table({
      id: vectorFromArray(column<string>("id"), new Utf8()),
      title: vectorFromArray(column<string>("title"), new Utf8()),
      organization: vectorFromArray(column<string>("organization"), words(0)),
      license: vectorFromArray(column<string>("license"), words(1)),
      frequency: vectorFromArray(column<string>("frequency"), words(2)),
      resources: vectorFromArray(column<number | null>("resources"), new Int32()),
      quality: vectorFromArray(column<number | null>("quality"), new Float64()),
      modified: vectorFromArray(column<string | null>("modified"), new Utf8()),
      visits: vectorFromArray(column<number>("visits"), new Float64()),
      page: vectorFromArray(
        rows.map((r) => pages.datasets.has(String(r.id))),
        new Bool(),
      ),
    }),
    "file",
  );
}
