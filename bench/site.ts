import { readFile, rm } from "node:fs/promises";
import { startSandbox } from "datagouv-kit-sandbox";
import { buildSite } from "../site/build.ts";
import { CACHE, SELECTION_FILE, siteConfig, type Selection } from "../site/selection.ts";

/**
 * How the demo build's time grows with the number of dataset pages: clean builds against one sandbox with 5, 10 and 20
 * dataset pages (organization and resource pages as configured), each time and its ratio to the smallest printed.
 * Run with `npx tsx bench/site.ts [counts…]`; it overwrites dist/.
 */
const counts = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const sizes = counts.length ? counts : [5, 10, 20];
const config = await siteConfig();
const sandbox = await startSandbox({ tabular: { bigRows: 200_000 }, apiKeys: ["bench-key-not-for-production"] });
process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
const results: { datasets: number; pages: number; seconds: number }[] = [];
try {
  for (const datasets of sizes) {
    await rm(CACHE, { recursive: true, force: true });
    const started = performance.now();
    await buildSite(() => {}, { ...config, datasets });
    const seconds = (performance.now() - started) / 1000;
    const chosen = JSON.parse(await readFile(SELECTION_FILE, "utf8")) as Selection;
    const pages = 3 + chosen.organizations.length + chosen.datasets.length + chosen.resources.length;
    results.push({ datasets: chosen.datasets.length, pages, seconds });
    process.stderr.write(
      `bench: ${chosen.datasets.length} dataset pages (${pages} pages in all): ${seconds.toFixed(1)} s\n`,
    );
  }
} finally {
  await sandbox.close();
}
const [first] = results;
process.stdout.write("dataset pages  pages  seconds  time ratio  page ratio\n");
for (const r of results) {
  process.stdout.write(
    `${String(r.datasets).padStart(13)}  ${String(r.pages).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}  ${(r.seconds / first.seconds).toFixed(2).padStart(10)}  ${(r.pages / first.pages).toFixed(2).padStart(10)}\n`,
  );
}
