import { emitJson, param } from "../../loaders/site.ts";
import { resource } from "../../loaders/site-data.ts";

await emitJson((dg) => resource(dg, param("id")));
