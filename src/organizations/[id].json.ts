import { emitJson, organization, param } from "datagouv-kit/loaders";
import { readSelection } from "../../site/selection.ts";

await emitJson(async (dg) => organization(dg, param("id"), await readSelection()));
