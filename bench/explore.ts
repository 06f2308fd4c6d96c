import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { serveSite } from "../site/preview.ts";
import { launchChromium } from "../test/support/browser.ts";

/**
 * Explore over a built site (dist/ by default): the size of its Arrow file, and the time from asking for the page to
 * its first table row in Debian's Chromium at 1280×900, each time in a fresh context (nothing cached), best of three.
 */
export async function exploreFigures(dist = "dist"): Promise<{ arrowBytes: number; seconds: number }> {
  const dir = join(dist, "_file", "data");
  const arrow = readdirSync(dir).find((name) => name.startsWith("explore.") && name.endsWith(".arrow"));
  if (!arrow) throw new Error(`no explore Arrow file in ${dir}: build the site first`);
  const arrowBytes = statSync(join(dir, arrow)).size;
  const { url, server } = await serveSite(dist);
  const browser = await launchChromium();
  try {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(`${url}/explore`);
        await page.waitForSelector("#observablehq-main form table tbody tr", { timeout: 120_000 });
        best = Math.min(best, (performance.now() - started) / 1000);
      } finally {
        await context.close();
      }
    }
    return { arrowBytes, seconds: best };
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { arrowBytes, seconds } = await exploreFigures(process.argv[2]);
  process.stdout.write(
    `explore: Arrow file ${(arrowBytes / 1e6).toFixed(1)} MB, first table row in Chromium after ${seconds.toFixed(1)} s (best of 3, nothing cached)\n`,
  );
}
