import { DISPLAY, type MimeBundle } from "./mime.ts";
import { rich } from "./rich.ts";
import type { TableOptions } from "./table.ts";

interface DenoJupyter {
  display(bundle: MimeBundle, options: { raw: boolean }): Promise<void>;
}
interface TslabDisplay {
  raw(contentType: string, data: string): void;
}

const isBundle = (x: unknown): x is MimeBundle =>
  !!x &&
  typeof x === "object" &&
  !Array.isArray(x) &&
  typeof (x as MimeBundle)["text/plain"] === "string" &&
  Object.keys(x).every((k) => k.includes("/"));

/** tslab sends one MIME type per message: the richest one the bundle has. */
const TSLAB_ORDER = ["image/svg+xml", "text/html", "text/plain"];

const DENO_FLUSH_MS = 20;

function denoJupyter(): DenoJupyter | undefined {
  try {
    return (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno?.jupyter;
  } catch {
    // `deno run` defines Deno.jupyter as a getter that throws outside `deno jupyter`
    return undefined;
  }
}

// the name is held in a variable so that type-checkers and bundlers leave this optional import alone
const TSLAB = "tslab";

async function tslabDisplay(): Promise<TslabDisplay | undefined> {
  try {
    return ((await import(/* @vite-ignore */ TSLAB)) as { display?: TslabDisplay }).display;
  } catch {
    return undefined;
  }
}

/**
 * Shows a value in the running kernel while the cell runs: Deno's `Deno.jupyter.display`, IJavaScript's `$$.mime`,
 * tslab's `display` when it can be imported, or a plain print elsewhere. Takes anything `rich()` takes, a rich object,
 * or a MIME bundle; charts are drawn before sending.
 */
export async function show(value: unknown, options: TableOptions = {}): Promise<void> {
  const bundle = isBundle(value) ? value : await rich(value, options)[DISPLAY]();
  const deno = denoJupyter();
  if (deno) {
    await deno.display(bundle, { raw: true });
    // Deno's kernel can report a cell finished before this message is on the wire, and front ends drop what comes
    // after (nbconvert did, a few cells in a hundred); a short pause lets it go out first
    return new Promise((resolve) => setTimeout(resolve, DENO_FLUSH_MS));
  }
  const ijavascript = (globalThis as { $$?: { mime?(bundle: MimeBundle): void } }).$$;
  if (typeof ijavascript?.mime === "function") return ijavascript.mime(bundle);
  const tslab = await tslabDisplay();
  const type = TSLAB_ORDER.find((t) => typeof bundle[t] === "string");
  if (tslab && type) {
    try {
      return tslab.raw(type, bundle[type] as string);
    } catch {
      // tslab is installed but this is not its kernel: print instead
    }
  }
  console.log(bundle["text/plain"]);
}
