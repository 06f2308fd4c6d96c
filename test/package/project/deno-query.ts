// Deno running the installed package from node_modules (deno run --node-modules-dir=manual).
import { DataGouv } from "datagouv-kit";

const [resourceId, column, value] = process.argv.slice(2);
if (!resourceId || !column || !value) throw new Error("usage: deno-query.ts RESOURCE COLUMN VALUE");
const dg = new DataGouv(); // DATAGOUV_SANDBOX_URL points it at the sandbox
try {
  const query = dg.tabular(resourceId).where(column, "exact", value);
  const rows = await query.all();
  const table = await query.toArrow();
  console.log(JSON.stringify({ rows: rows.length, arrowRows: table.numRows, first: rows[0] }));
} finally {
  await dg.close();
}
