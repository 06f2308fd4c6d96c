// One export in its own process, so its peak memory is its own: prints {"rows", "seconds", "maxRssMB"} on stdout.
import { DataGouv } from "../lib/client.ts";

const [sandboxUrl, resourceId, lessThan, target, memoryLimit] = process.argv.slice(2);
const dg = new DataGouv({ sandboxUrl }, {});
const started = performance.now();
const rows = await dg
  .tabular(resourceId)
  .where("__id", "strictly_less", Number(lessThan))
  .toParquet(target, { memoryLimit });
const seconds = (performance.now() - started) / 1000;
await dg.close();
process.stdout.write(`${JSON.stringify({ rows, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
