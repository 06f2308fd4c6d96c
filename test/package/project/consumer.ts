// A TypeScript user's program over every entry point, type-checked by the test under strict consumer flags
// (noUncheckedIndexedAccess, exactOptionalPropertyTypes, no skipLibCheck). Values that may be undefined, such as
// environment variables and argv, go straight into options, as users write them.
import { DataGouv, DataGouvError, TabularQuery, type DatasetV2, type DataGouvOptions, type Row } from "datagouv-kit";
import { and, eq, gt, isNotNull, or, type QuerySpec } from "datagouv-kit/query";
import { arrowSchema, columnsFromProfile } from "datagouv-kit/arrow";
import { Duck, loadResource, type ExportOptions } from "datagouv-kit/duckdb";
import { monthlyChart, show, table } from "datagouv-kit/notebook";
import { formatPlan, publish, type Plan } from "datagouv-kit/publish";
import { emitJson, loaderClient, param } from "datagouv-kit/loaders";

const env = process.env;
const options: DataGouvOptions = {
  sandboxUrl: env.DATAGOUV_SANDBOX_URL,
  apiKey: env.DATAGOUV_API_KEY,
  timeoutMs: env.TIMEOUT_MS ? Number(env.TIMEOUT_MS) : undefined,
};

export async function report(search = process.argv[2], organization = env.ORGANIZATION): Promise<string[]> {
  const dg = new DataGouv(options);
  const lines: string[] = [];
  try {
    const found: DatasetV2[] = [];
    for await (const dataset of dg.datasets.search({ q: search, organization }, { limit: 5 })) found.push(dataset);
    const first = found[0];
    if (!first) return lines;
    lines.push(`${first.title}: ${first.resources.total} resources`);
    for await (const resource of dg.datasets.resources(first.id, { type: env.RESOURCE_TYPE })) {
      const profile = await dg.tabularApi.profile(resource.id);
      lines.push(`${resource.title}: ${arrowSchema(columnsFromProfile(profile.profile)).fields.length} columns`);
      const query = dg
        .tabular(resource.id)
        .where(or(eq("dep", "75"), and(gt("population", 10_000), isNotNull("nom"))))
        .sort("population", "desc")
        .columns(["dep", "nom", "population"]);
      const exportOptions: ExportOptions = { memoryLimit: env.MEMORY_LIMIT ?? "256MB" };
      const arrow = await query.toArrow(exportOptions);
      await query.toParquet("communes.parquet", exportOptions);
      const duck = await Duck.memory();
      await query.toDuckDB(duck.connection, "communes");
      const [top] = await duck.all<{ nom: string }>("SELECT nom FROM communes LIMIT 1");
      lines.push(`${arrow.numRows} rows, first ${top?.nom ?? "none"}`);
      duck.close();
      for await (const row of query.rows<Row>({ limit: 3, pageSize: Number(env.PAGE_SIZE) || undefined })) {
        lines.push(String(row.nom));
      }
      await show(table(arrow, { maxRows: 10, title: env.TITLE }));
    }
    const visits = await dg.metrics("datasets").where("dataset_id", "exact", first.id).months("2025-01").all();
    lines.push(`${visits.reduce((sum, row) => sum + (row.monthly_visit ?? 0), 0)} visits`);
    const chartOptions = { title: env.TITLE, width: Number(env.WIDTH) || undefined };
    await show(await monthlyChart(visits, ["monthly_visit", "monthly_download_resource"], chartOptions));
    const { plan }: { plan: Plan } = await publish(dg, "publish.yaml", { dryRun: true, signal: undefined });
    lines.push(formatPlan(plan));
  } catch (error) {
    if (error instanceof DataGouvError) lines.push(`${error.status ?? "no status"}: ${error.message}`);
    else throw error;
  } finally {
    await dg.close();
  }
  return lines;
}

// A query is a value: build it apart from any client, read its spec.
export const spec: QuerySpec = TabularQuery.of("rid").where("dep", "in", ["75", "92"]).spec;

export async function local(resourceId: string): Promise<string[]> {
  const dg = await loaderClient();
  const duck = await Duck.memory();
  try {
    const loaded = await loadResource(dg.http, resourceId, duck, { table: "local_rows" });
    return Object.keys(loaded.types);
  } finally {
    duck.close();
    await dg.close();
  }
}

export const loader = () => emitJson(async (dg) => dg.tabular(param("id")).first(5));
