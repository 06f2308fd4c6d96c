import { explore } from "../../loaders/site-catalog.ts";

process.stdout.write(await explore());
