import { emitJson, param, resource } from "datagouv-kit/loaders";
import { readSelection } from "../../site/selection.ts";

await emitJson(async (dg) => resource(dg, param("id"), await readSelection()));
