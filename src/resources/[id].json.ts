import { emitJson, param } from "../../loaders/site.ts";
import { resource } from "../../loaders/site-pages.ts";

await emitJson((dg) => resource(dg, param("id")));
