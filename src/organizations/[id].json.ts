import { emitJson, param } from "../../loaders/site.ts";
import { organization } from "../../loaders/site-data.ts";

await emitJson((dg) => organization(dg, param("id")));
