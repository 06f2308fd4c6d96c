import { readFile } from "node:fs/promises";
import { SELECTION_FILE, type Selection } from "../../loaders/site.ts";

// which platform the site was built from, and whether its metrics are synthetic (the sandbox's are)
const { target, synthetic } = JSON.parse(await readFile(SELECTION_FILE, "utf8")) as Selection;
process.stdout.write(JSON.stringify({ target, synthetic }));
