// The communes of Paris from the Tabular API (DATAGOUV_SANDBOX_URL points the client at a sandbox).
import { DataGouv } from "datagouv-kit";

const COMMUNES = "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01";
const dg = new DataGouv();
try {
  const paris = dg.tabular(COMMUNES).where("code_departement", "exact", "75").columns(["code_commune", "nom_commune"]);
  process.stdout.write(JSON.stringify(await paris.all()));
} finally {
  await dg.close();
}
