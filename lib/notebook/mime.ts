/**
 * MIME bundles for notebook kernels. An object returned by `rich()` renders itself in whichever kernel shows it:
 * Deno's (`Symbol.for("Jupyter.display")`), IJavaScript's (`_toMime()`), or anything that serializes (`toJSON()`).
 */
export type MimeBundle = Record<string, unknown> & { "text/plain": string };

export const DISPLAY = Symbol.for("Jupyter.display");

export interface Rich {
  [DISPLAY](): MimeBundle;
  _toMime(): MimeBundle;
  toJSON(): unknown;
  /** The bundle itself, for tests and other front ends. */
  readonly bundle: MimeBundle;
}

export function rich(bundle: MimeBundle, json: unknown = bundle["text/plain"]): Rich {
  return {
    bundle,
    [DISPLAY]: () => bundle,
    _toMime: () => bundle,
    toJSON: () => json,
  };
}

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Shows a value in the running kernel: Deno's display, IJavaScript's $$.mime, or a plain print elsewhere. */
export async function show(value: Rich | MimeBundle): Promise<void> {
  const bundle = DISPLAY in value ? (value as Rich)[DISPLAY]() : (value as MimeBundle);
  const deno = (globalThis as { Deno?: { jupyter?: { display(bundle: unknown, options: { raw: boolean }): Promise<void> } } }).Deno;
  if (deno?.jupyter) return deno.jupyter.display(bundle, { raw: true });
  const ijs = (globalThis as { $$?: { mime?(bundle: unknown): void } }).$$;
  if (ijs?.mime) return ijs.mime(bundle);
  console.log(bundle["text/plain"]);
}
