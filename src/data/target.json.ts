import { readSelection } from "../../site/selection.ts";

// which platform the site was built from, and whether its metrics are synthetic (the sandbox's are)
const { target, synthetic } = await readSelection();
process.stdout.write(JSON.stringify({ target, synthetic }));
