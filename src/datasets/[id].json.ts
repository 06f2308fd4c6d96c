import { dataset, emitJson, param } from "datagouv-kit/loaders";
import { readSelection } from "../../site/selection.ts";

await emitJson(async (dg) => dataset(dg, param("id"), await readSelection()));
