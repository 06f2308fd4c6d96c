import { emitBytes, explore } from "datagouv-kit/loaders";
import { CATALOG_DB } from "../../site/selection.ts";

await emitBytes(() => explore(CATALOG_DB));
