import { emitJson, organizations } from "datagouv-kit/loaders";
import { readSelection } from "../../site/selection.ts";

await emitJson(async (dg) => organizations(dg, await readSelection()));
