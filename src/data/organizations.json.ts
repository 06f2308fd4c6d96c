import { emitJson } from "../../loaders/site.ts";
import { organizations } from "../../loaders/site-data.ts";

await emitJson(organizations);
