import { emitJson } from "../../loaders/site.ts";
import { home } from "../../loaders/site-data.ts";

await emitJson(home);
