import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium, headless, with the flags that keep it from calling home (the machine has no internet); Playwright gives each launch a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The widths a page must read well at: a laptop's, and a phone's. */
export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** A browser page that records console errors, page errors and every request leaving 127.0.0.1. */
export async function watchedPage(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<{ page: Page; problems: string[]; outside: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const outside: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(`${page.url()}: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("http://127.0.0.1") && !url.startsWith("data:")) outside.push(url);
  });
  return { page, problems, outside };
}

/** A full-page screenshot kept as a test artifact (test-results/ is not committed). */
export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({
    path: join(dir, `${name.replace(/\W+/g, "_").replace(/^_|_$/g, "") || "index"}.png`),
    fullPage: true,
  });
}

/**
 * What a reader would call broken on the page as drawn, each said in a sentence:
 * - a block of the main content drawn over another block or over the footer: each block's extent is its box and
 *   everything it draws outside it (a scrolling box clips what it holds), compared pairwise between siblings;
 * - the page scrolling sideways (wide content must scroll inside its own box);
 * - a table whose header is not styled as a header (bold, ruled; Inputs tables with their sticky header, which only
 *   their stylesheet gives);
 * - a chart without a title or without a label on each axis.
 */
export async function readingProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Box = { left: number; top: number; right: number; bottom: number };
    const problems: string[] = [];
    const clipping = (style: CSSStyleDeclaration) =>
      [style.overflowX, style.overflowY].some((o) => o === "hidden" || o === "auto" || o === "scroll" || o === "clip");
    const visible = (element: Element) => {
      const style = getComputedStyle(element);
      return style.display !== "none" && style.visibility !== "hidden";
    };
    const extent = (element: Element): Box | undefined => {
      if (!visible(element)) return undefined;
      const rect = element.getBoundingClientRect();
      let box: Box | undefined =
        rect.width > 0 && rect.height > 0
          ? { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom }
          : undefined;
      if (element instanceof HTMLElement && clipping(getComputedStyle(element))) return box;
      for (const child of element.childNodes) {
        const inner =
          child instanceof Element ? extent(child) : child.nodeType === Node.TEXT_NODE ? textExtent(child) : undefined;
        if (!inner) continue;
        box = box
          ? {
              left: Math.min(box.left, inner.left),
              top: Math.min(box.top, inner.top),
              right: Math.max(box.right, inner.right),
              bottom: Math.max(box.bottom, inner.bottom),
            }
          : inner;
      }
      return box;
    };
    // text overflows the box of the element that holds it: its own extent is the range's
    const textExtent = (text: Node): Box | undefined => {
      if (!text.textContent?.trim()) return undefined;
      const range = document.createRange();
      range.selectNodeContents(text);
      const rect = range.getBoundingClientRect();
      return rect.width > 0 ? { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom } : undefined;
    };
    const overlap = (a: Box, b: Box) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    const describe = (element: Element) =>
      `<${element.tagName.toLowerCase()}${element.className && typeof element.className === "string" ? ` class="${element.className}"` : ""}> "${(element.textContent ?? "").trim().slice(0, 40)}"`;
    const main = document.querySelector("#observablehq-main")!;
    const footer = document.querySelector("#observablehq-footer");
    const groups: Element[][] = [[...main.children, ...(footer ? [footer] : [])]];
    // within a cell that draws several blocks, and within grids and cards, their parts too
    for (const container of main.querySelectorAll(":scope > .observablehq, .grid, .cards"))
      groups.push([...container.children]);
    // a card or grid cell whose content spills out of it runs into its neighbours or the page's edge
    for (const cell of main.querySelectorAll(".grid > *, .cards > *")) {
      const own = cell.getBoundingClientRect();
      const drawn = extent(cell);
      if (drawn && (drawn.right > own.right + 1 || drawn.left < own.left - 1))
        problems.push(`${describe(cell)} spills out of its box`);
    }
    for (const group of groups) {
      const boxes = group.map((element) => ({ element, box: extent(element) })).filter((b) => b.box);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          if (overlap(boxes[i].box!, boxes[j].box!))
            problems.push(`${describe(boxes[i].element)} is drawn over ${describe(boxes[j].element)}`);
    }
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1)
      problems.push(`the page scrolls sideways: ${root.scrollWidth} px of content in ${root.clientWidth} px`);
    for (const table of main.querySelectorAll("table")) {
      const th = table.querySelector("thead th");
      if (!th) {
        problems.push(`a table has no header: ${describe(table)}`);
        continue;
      }
      const style = getComputedStyle(th);
      const rule = [style, getComputedStyle(th.parentElement!)].some((s) => parseFloat(s.borderBottomWidth) > 0);
      if (Number(style.fontWeight) < 600 || !rule) problems.push(`a table's header is not styled: ${describe(table)}`);
      if (table.closest("form[class$='-table']") && style.position !== "sticky")
        problems.push(`an Inputs table is not styled by its stylesheet: ${describe(table)}`);
    }
    for (const svg of main.querySelectorAll("svg[class^='plot-']")) {
      const title = svg.closest("figure")?.querySelector("h2")?.textContent?.trim();
      if (!title) problems.push(`a chart has no title: ${describe(svg)}`);
      for (const axis of svg.querySelectorAll("g[aria-label$='tick label']")) {
        const labels = [...axis.querySelectorAll("text")].map((t) => t.getBoundingClientRect());
        if (labels.some((a, i) => labels.slice(i + 1).some((b) => overlap(a, b))))
          problems.push(`the chart "${title}" has ${axis.getAttribute("aria-label")}s drawn over each other`);
      }
      for (const axis of ["x", "y"])
        if (!svg.querySelector(`g[aria-label='${axis}-axis label'] text`)?.textContent?.trim())
          problems.push(`the chart "${title}" has no ${axis} axis label`);
    }
    return problems;
  });
}
