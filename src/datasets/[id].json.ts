import { emitJson, param } from "../../loaders/site.ts";
import { dataset } from "../../loaders/site-pages.ts";

await emitJson((dg) => dataset(dg, param("id")));
