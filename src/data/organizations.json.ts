import { emitJson } from "../../loaders/site.ts";
import { organizations } from "../../loaders/site-pages.ts";

await emitJson(organizations);
