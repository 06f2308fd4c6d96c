import { explore } from "../../loaders/site-data.ts";

process.stdout.write(await explore());
