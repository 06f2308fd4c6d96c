// A plain Node script, as a user writes one: search the catalog, export a tabular resource's rows to Parquet, count
// them back with DuckDB. Usage: node search-export.mjs SEARCH COLUMN VALUE[,VALUE…] OUTPUT.parquet
import { DataGouv, isTabularResource } from "datagouv-kit";
import { Duck, literal } from "datagouv-kit/duckdb";

const [search, column, values, output] = process.argv.slice(2);
const dg = new DataGouv(); // DATAGOUV_SANDBOX_URL points it at the sandbox
const duck = await Duck.memory();
try {
  let found;
  for await (const dataset of dg.datasets.search({ q: search }, { limit: 20 })) {
    for await (const resource of dg.datasets.resources(dataset.id)) {
      if (isTabularResource(resource)) found ??= { dataset: dataset.id, resource: resource.id };
    }
    if (found) break;
  }
  if (!found) throw new Error(`no dataset found for ${JSON.stringify(search)} has a tabular resource`);
  const query = dg.tabular(found.resource).where(column, "in", values.split(","));
  await query.toParquet(output);
  const [{ rows }] = await duck.all(`SELECT count(*)::INTEGER AS rows FROM read_parquet(${literal(output)})`);
  console.log(JSON.stringify({ ...found, query: String(query), rows }));
} finally {
  duck.close();
  await dg.close();
}
