import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startSandbox, type Sandbox } from "../../sandbox/src/index.ts";
import { buildSite } from "../../site/build.ts";
import { serveSite } from "../../site/preview.ts";
import { launchChromium } from "../support/browser.ts";

/** The dashboard site, built from a clean state against a sandbox, then opened page by page in Debian's Chromium. */

const SHOTS = join(process.cwd(), "test-results", "site");
let sandbox: Sandbox;
const requests: string[] = [];
let buildSeconds = 0;
let pages: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    tabular: { bigRows: 30_000 },
    apiKeys: ["site-test-key-0001"],
    onRequest: (method, path) => requests.push(`${method} ${path}`),
  });
  process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
  rmSync("src/.observablehq/cache", { recursive: true, force: true });
  rmSync("dist", { recursive: true, force: true });
  const started = Date.now();
  await buildSite(() => {});
  buildSeconds = (Date.now() - started) / 1000;
  const selection = JSON.parse(readFileSync("src/.observablehq/cache/selection.json", "utf8"));
  pages = [
    "/",
    "/organizations/",
    "/explore",
    ...selection.organizations.map((id: string) => `/organizations/${id}`),
    ...selection.datasets.map((id: string) => `/datasets/${id}`),
    ...selection.resources.map((id: string) => `/resources/${id}`),
  ];
}, 600_000);

afterAll(async () => {
  delete process.env.DATAGOUV_SANDBOX_URL;
  await sandbox.close();
});

describe("the dashboard site", () => {
  it("builds every page, dynamic ones included", () => {
    expect(pages.length).toBeGreaterThan(15);
    for (const page of pages)
      expect(existsSync(join("dist", page.endsWith("/") ? `${page}index.html` : `${page}.html`)), page).toBe(true);
    process.stderr.write(`site build: ${pages.length} pages in ${buildSeconds.toFixed(0)} s\n`);
  });

  it("loads every page in Chromium with no console error, no request leaving 127.0.0.1, and charts drawn with data", async () => {
    const { url, server } = await serveSite("dist");
    let browser: Browser | undefined;
    mkdirSync(SHOTS, { recursive: true });
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      const problems: string[] = [];
      const outside: string[] = [];
      page.on("console", (message) => message.type() === "error" && problems.push(`${page.url()}: ${message.text()}`));
      page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
      page.on(
        "request",
        (request) =>
          !request.url().startsWith("http://127.0.0.1") &&
          !request.url().startsWith("data:") &&
          outside.push(request.url()),
      );
      for (const path of pages) {
        await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
        await page.waitForSelector("#observablehq-main h1", { timeout: 15_000 });
        if (path !== "/explore") {
          const marks = await page.locator("#observablehq-main svg [aria-label] > *").count();
          expect(marks, `${path} has chart marks`).toBeGreaterThan(0);
        } else {
          expect(await page.locator("#observablehq-main table tbody tr").count()).toBeGreaterThan(5);
        }
        const warnings = await page.locator("#observablehq-main svg > text", { hasText: "\u26a0" }).count();
        expect(warnings, `${path} draws no chart with a Plot warning`).toBe(0);
        expect(await page.locator(".note.synthetic").count(), `${path} says its metrics are synthetic`).toBe(1);
        await page.screenshot({ path: join(SHOTS, `${path.replace(/\W+/g, "_") || "index"}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser?.close();
      server.close();
    }
  }, 240_000);

  it("the explore page searches the whole catalog", async () => {
    const { url, server } = await serveSite("dist");
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/explore`, { waitUntil: "networkidle" });
      const before = await page.locator("#observablehq-main table tbody tr").count();
      await page.locator("input[type=search]").fill("communes");
      await page.waitForTimeout(500);
      const after = await page.locator("#observablehq-main table tbody tr").count();
      expect(after).toBeGreaterThan(0);
      expect(after).toBeLessThan(before);
    } finally {
      await browser.close();
      server.close();
    }
  }, 60_000);

  it("a rebuild with unchanged data downloads nothing again", async () => {
    requests.length = 0;
    const started = Date.now();
    await buildSite(() => {});
    const data = requests.filter(
      (r) => /\/data\/|\/site\/\w+\.csv|\/sandbox\/files\//.test(r) || r.includes("/api/1/datasets/"),
    );
    expect(data).toEqual([]);
    process.stderr.write(
      `site rebuild: ${((Date.now() - started) / 1000).toFixed(0)} s, ${requests.length} requests (${requests.join(", ")})\n`,
    );
  }, 300_000);

  it("without network, the build stops at once and points to npm run demo", async () => {
    const closed = await startSandbox({ tabular: { bigRows: 1_000 }, apiKeys: ["site-test-key-0003"] });
    const unreachable = closed.url;
    await closed.close();
    process.env.DATAGOUV_SANDBOX_URL = unreachable;
    try {
      const started = Date.now();
      await expect(buildSite(() => {})).rejects.toThrow(/cannot reach .* run `npm run demo`/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
    }
  });

  it("keeps the cache for the same target and selection, and clears it when the page selection changes", async () => {
    const { claimCache, siteConfig } = await import("../../site/selection.ts");
    const config = await siteConfig();
    const lines: string[] = [];
    await claimCache(`${sandbox.url}/`, config, (line) => lines.push(line));
    expect(lines).toEqual([]);
    expect(existsSync("src/.observablehq/cache/selection.json")).toBe(true);
    await claimCache(`${sandbox.url}/`, { ...config, datasets: config.datasets + 1 }, (line) => lines.push(line));
    expect(lines.join()).toMatch(/clearing it/);
    expect(existsSync("src/.observablehq/cache/selection.json")).toBe(false);
  });

  it("never reuses loader outputs built against another target", async () => {
    const other = await startSandbox({ tabular: { bigRows: 1_000 }, apiKeys: ["site-test-key-0002"] });
    try {
      process.env.DATAGOUV_SANDBOX_URL = other.url;
      const { claimCache, siteConfig } = await import("../../site/selection.ts");
      const lines: string[] = [];
      await claimCache(`${other.url}/`, await siteConfig(), (line) => lines.push(line));
      expect(lines.join()).toMatch(/clearing it/);
      expect(readdirSync("src/.observablehq/cache")).toEqual(["claim.json"]);
    } finally {
      process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
      await other.close();
    }
  });
});
