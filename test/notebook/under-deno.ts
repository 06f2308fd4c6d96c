/**
 * Run by notebooks.test.ts as `deno run -A --node-modules-dir=manual`: the library, DuckDB and the notebook helpers
 * under Deno with the project's node_modules, as the Deno kernel runs them. Prints one JSON line for the test to check.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { DataGouv } from "datagouv-kit";
import { monthlyChart, show, table } from "datagouv-kit/notebook";

const dg = new DataGouv();
const query = dg.tabular("0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01").where("code_departement", "in", ["92", "93"]);
const arrow = await query.toArrow();
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
const loaded = await query.toDuckDB(connection, "communes");
const [[population]] = (await connection.runAndReadAll("SELECT sum(population)::DOUBLE FROM communes")).getRowsJS();
const chart = await monthlyChart(await dg.metrics("site").all(), ["monthly_visit_dataset"]);
await show([{ printed: "outside a kernel" }]);
console.log(
  JSON.stringify({
    arrowRows: arrow.numRows,
    arrowTable: table(arrow).bundle["text/plain"].split("\n")[0],
    duckdbRows: loaded,
    population,
    svg: (chart.bundle["image/svg+xml"] as string).slice(0, 4),
    chart: chart.bundle["text/plain"],
  }),
);
connection.closeSync();
instance.closeSync();
await dg.close();
