import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startSandbox, type Sandbox } from "../../sandbox/src/index.ts";
import { buildSite, type BuildReport } from "../../site/build.ts";
import { serveSite } from "../../site/preview.ts";
import { launchChromium, readingProblems, screenshot, VIEWPORTS, watchedPage } from "../support/browser.ts";

/**
 * The dashboard site, built from a clean state against a sandbox, then opened page by page in Debian's Chromium at a
 * laptop's and a phone's width, as a reader sees it; then rebuilt, unchanged and changed; then built over a mid-size
 * synthetic catalog with a page for every organization.
 */

const SHOTS = join(process.cwd(), "test-results", "site");
const CACHE = join(process.cwd(), "src", ".observablehq", "cache");
const KEY = "site-test-key-0001";
const quiet = () => {};

function builtPages(): string[] {
  const selection = JSON.parse(readFileSync(join(CACHE, "selection.json"), "utf8"));
  return [
    "/",
    "/organizations/",
    "/explore",
    ...selection.organizations.map((id: string) => `/organizations/${id}`),
    ...selection.datasets.map((id: string) => `/datasets/${id}`),
    ...selection.resources.map((id: string) => `/resources/${id}`),
  ];
}

const htmlOf = (page: string) => join("dist", page.endsWith("/") ? `${page}index.html` : `${page}.html`);

function clean(): void {
  rmSync(CACHE, { recursive: true, force: true });
  rmSync("dist", { recursive: true, force: true });
}

describe("the dashboard site over the sandbox's catalog", () => {
  let sandbox: Sandbox;
  let first: BuildReport;
  let pages: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({
      tabular: { bigRows: 30_000 },
      apiKeys: [KEY],
      onRequest: (method, path) => requests.push(`${method} ${path}`),
    });
    process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
    clean();
    first = await buildSite(quiet);
    pages = builtPages();
  }, 900_000);

  afterAll(async () => {
    delete process.env.DATAGOUV_SANDBOX_URL;
    await sandbox.close();
  });

  it("builds every page, dynamic ones included, and says what it fetched", () => {
    expect(pages.length).toBeGreaterThan(15);
    for (const page of pages) expect(existsSync(htmlOf(page)), page).toBe(true);
    expect(first.requests).toBeGreaterThan(0);
    expect(first.bytes).toBeGreaterThan(0);
    process.stderr.write(
      `site build: ${pages.length} pages in ${first.seconds.toFixed(0)} s, ${first.requests} requests\n`,
    );
  });

  it("reads well in Chromium at 1280×900 and 390×844: nothing drawn over anything, no sideways scroll, styled tables, titled and labelled charts, no console error, nothing fetched off 127.0.0.1", async () => {
    const { url, server } = await serveSite("dist");
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const found: string[] = [];
      const everywhere = { problems: [] as string[], outside: [] as string[] };
      for (const viewport of VIEWPORTS) {
        const { page, problems, outside } = await watchedPage(browser, viewport);
        for (const path of pages) {
          await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
          await page.waitForSelector("#observablehq-main h1", { timeout: 15_000 });
          if (path === "/explore") await page.waitForSelector("#observablehq-main form table tbody tr");
          await screenshot(page, join(SHOTS, `${viewport.width}`), path);
          for (const problem of await readingProblems(page)) found.push(`${path} at ${viewport.width} px: ${problem}`);
          const charts = await page.locator("#observablehq-main svg[class^='plot-']").count();
          const marks = await page.locator("#observablehq-main svg[class^='plot-'] g[aria-label] > *").count();
          if (charts) expect(marks, `${path} draws its charts' marks`).toBeGreaterThan(0);
          const warnings = await page.locator("#observablehq-main svg > text", { hasText: "\u26a0" }).count();
          expect(warnings, `${path} draws no chart with a Plot warning`).toBe(0);
          expect(await page.locator(".note.synthetic").count(), `${path} says what is synthetic`).toBe(1);
        }
        everywhere.problems.push(...problems);
        everywhere.outside.push(...outside);
        await page.close();
      }
      expect(found).toEqual([]);
      expect(everywhere.problems).toEqual([]);
      expect(everywhere.outside).toEqual([]);
    } finally {
      await browser?.close();
      server.close();
    }
  }, 600_000);

  it("the explore page searches the whole catalog", async () => {
    const { url, server } = await serveSite("dist");
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/explore`, { waitUntil: "networkidle" });
      const before = await page.locator("#observablehq-main form table tbody tr").count();
      await page.locator("input[type=search]").fill("communes");
      await page.waitForTimeout(500);
      const after = await page.locator("#observablehq-main form table tbody tr").count();
      expect(after).toBeGreaterThan(0);
      expect(after).toBeLessThan(before);
    } finally {
      await browser.close();
      server.close();
    }
  }, 60_000);

  it("a rebuild with unchanged data downloads nothing and runs no page's loader again", async () => {
    const outputs = readdirSync(join(CACHE, "organizations")).map((f) => join(CACHE, "organizations", f));
    const before = outputs.map((f) => statSync(f).mtimeMs);
    requests.length = 0;
    const again = await buildSite(quiet);
    expect(again.bytes).toBe(0);
    expect(again.changed).toBe(0);
    expect(requests.filter((r) => /\/data\/|\/profile\/|\/api\/1\/datasets\//.test(r))).toEqual([]);
    expect(outputs.map((f) => statSync(f).mtimeMs)).toEqual(before);
    process.stderr.write(
      `site rebuild: ${again.seconds.toFixed(0)} s, ${again.requests} requests (${requests.join(", ")})\n`,
    );
  }, 600_000);

  it("after a change in the catalog, rebuilds the pages it changes and only those", async () => {
    const selection = JSON.parse(readFileSync(join(CACHE, "selection.json"), "utf8"));
    // a dataset of an organization the key administers, with a page, in an organization with a page
    const datasets = await Promise.all(
      selection.datasets.map(async (id: string) => (await fetch(`${sandbox.url}/api/1/datasets/${id}/`)).json()),
    );
    const changed = datasets.find(
      (d) =>
        ["Insee", "La Poste"].some((name) => d.organization?.name?.includes(name)) &&
        selection.organizations.includes(d.organization.id),
    );
    expect(changed, "a dataset the test key may edit").toBeDefined();
    const other = selection.organizations.find((id: string) => id !== changed.organization.id);
    const otherOutput = join(CACHE, "organizations", `${other}.json`);
    const before = statSync(otherOutput).mtimeMs;
    const title = `${changed.title} (revised)`;
    const put = await fetch(`${sandbox.url}/api/1/datasets/${changed.id}/`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-api-key": KEY },
      body: JSON.stringify({ title }),
    });
    expect(put.status).toBe(200);
    const report = await buildSite(quiet);
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.changed).toBeGreaterThan(0);
    expect(report.changed).toBeLessThan(pages.length / 2);
    expect(statSync(otherOutput).mtimeMs).toBe(before);
    expect(readFileSync(join(CACHE, "datasets", `${changed.id}.json`), "utf8")).toContain(title);
    expect(readFileSync(join(CACHE, "organizations", `${changed.organization.id}.json`), "utf8")).toContain(title);
  }, 600_000);

  it("without network, the build stops at once and points to npm run demo", async () => {
    const closed = await startSandbox({ tabular: { bigRows: 1_000 }, apiKeys: ["site-test-key-0003"] });
    const unreachable = closed.url;
    await closed.close();
    process.env.DATAGOUV_SANDBOX_URL = unreachable;
    try {
      const started = Date.now();
      await expect(buildSite(quiet)).rejects.toThrow(/cannot reach .* run `npm run demo`/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
    }
  });

  it("never reuses loader outputs or downloads made against another target", async () => {
    const { claimCache } = await import("../../site/selection.ts");
    const lines: string[] = [];
    await claimCache(`${sandbox.url}/`, () => {});
    await claimCache(`${sandbox.url}/`, (line) => lines.push(line));
    expect(lines).toEqual([]);
    await claimCache("http://127.0.0.1:1/", (line) => lines.push(line));
    expect(lines.join()).toMatch(/clearing it/);
    expect(readdirSync(CACHE)).toEqual(["claim.json"]);
  });
});

describe("the dashboard site over a mid-size synthetic catalog, a page for every organization", () => {
  let sandbox: Sandbox;
  let report: BuildReport;

  beforeAll(async () => {
    sandbox = await startSandbox({ catalog: 5_000, tabular: { bigRows: 1_000 }, apiKeys: [KEY] });
    process.env.DATAGOUV_SANDBOX_URL = sandbox.url;
    clean();
    report = await buildSite(quiet, { organizations: "all", datasets: 4, resources: 2 });
  }, 1_800_000);

  afterAll(async () => {
    delete process.env.DATAGOUV_SANDBOX_URL;
    await sandbox.close();
    clean();
  });

  it("builds a page for every organization of the catalog", async () => {
    const lines = (await (await fetch(`${sandbox.url}/api/1/site/organizations.csv`)).text()).trimEnd().split("\r\n");
    const ids = lines.slice(1).map((line) => line.split(";")[0].replaceAll('"', ""));
    expect(ids.length).toBeGreaterThan(300);
    for (const id of ids) expect(existsSync(htmlOf(`/organizations/${id}`)), id).toBe(true);
    process.stderr.write(
      `mid-size build: ${report.pages} pages in ${report.seconds.toFixed(0)} s, ${report.requests} requests (${(report.requests / report.pages).toFixed(3)} a page)\n`,
    );
  });

  it("shows on its home page the catalog's own counts, and says the catalog is synthetic", async () => {
    const site = (await (await fetch(`${sandbox.url}/api/1/site/`)).json()).metrics;
    const { url, server } = await serveSite("dist");
    const browser = await launchChromium();
    try {
      const { page, problems, outside } = await watchedPage(browser, VIEWPORTS[0]);
      await page.goto(url, { waitUntil: "networkidle" });
      const cards = Object.fromEntries(
        (await page.locator("#observablehq-main .cards .card").allInnerTexts()).map((text) => {
          const [label, value] = text.split("\n").map((s) => s.trim());
          return [label.toLowerCase(), Number(value.replaceAll(",", ""))];
        }),
      );
      expect(cards).toEqual({
        datasets: site.datasets,
        resources: site.resources,
        organizations: site.organizations,
        reuses: site.reuses,
        dataservices: site.dataservices,
      });
      expect(await page.locator(".note.synthetic").innerText()).toMatch(/synthetic catalog/);
      expect(await readingProblems(page)).toEqual([]);
      await screenshot(page, join(SHOTS, "mid-size"), "index");
      await page.goto(`${url}/organizations/`, { waitUntil: "networkidle" });
      await page.locator("input[type=search]").fill("commune");
      await page.waitForTimeout(500);
      expect(await page.locator("#observablehq-main form table tbody tr").count()).toBeGreaterThan(0);
      await screenshot(page, join(SHOTS, "mid-size"), "organizations");
      expect(problems).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});
