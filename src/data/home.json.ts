import { emitJson, home } from "datagouv-kit/loaders";
import { CATALOG_DB, readSelection } from "../../site/selection.ts";

await emitJson(async (dg) => home(dg, CATALOG_DB, await readSelection()));
