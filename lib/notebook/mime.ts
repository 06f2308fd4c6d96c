/**
 * MIME bundles for notebook kernels. A rich object renders itself in whichever kernel shows it: Deno's (the
 * `Symbol.for("Jupyter.display")` method, which Deno awaits), IJavaScript's (`_toMime()`, synchronous), or anything
 * that serializes (`toJSON()`). The symbol is taken from the registry, not from `Deno.jupyter`, so Node needs no Deno.
 */
export type MimeBundle = Record<string, unknown> & { "text/plain": string };

export const DISPLAY = Symbol.for("Jupyter.display");

export interface Rich {
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
  _toMime(): MimeBundle;
  toJSON(): unknown;
}

/** A rich object whose bundle is already built (everything but charts, which load Plot first). */
export interface RichBundle extends Rich {
  [DISPLAY](): MimeBundle;
  readonly bundle: MimeBundle;
}

export function displayable(bundle: MimeBundle, json: unknown = bundle["text/plain"]): RichBundle {
  return {
    bundle,
    [DISPLAY]: () => bundle,
    _toMime: () => bundle,
    toJSON: () => json,
  };
}

export function isRich(value: unknown): value is Rich {
  return !!value && typeof value === "object" && typeof (value as Rich)[DISPLAY] === "function";
}

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
