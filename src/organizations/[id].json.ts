import { emitJson, param } from "../../loaders/site.ts";
import { organization } from "../../loaders/site-pages.ts";

await emitJson((dg) => organization(dg, param("id")));
