import { emitJson } from "../../loaders/site.ts";
import { home } from "../../loaders/site-catalog.ts";

await emitJson(home);
