import { MainError } from "../errors.ts";

/**
 * Field masks as flask-restx parses them (flask_restx/mask.py): `data{id,title},*` keeps `data` with two of its fields
 * and every other top-level field. Characters outside names, braces and commas are ignored; a malformed mask is a 400.
 */
export type Mask = Map<string, Mask | true>;

const LEXER = /\{|\}|,|[\p{L}\p{N}_:\-*]+/gu;

export function parseMask(text: string): Mask {
  let source = text.replaceAll("\n", "").trim();
  const mask: Mask = new Map();
  if (!source) return mask;
  // external brackets are optional
  if (source.startsWith("{")) {
    if (!source.endsWith("}")) throw maskError("Missing closing bracket");
    source = source.slice(1, -1);
  }
  let fields = mask;
  let previous: string | null = null;
  const stack: Mask[] = [];
  for (const [token] of source.matchAll(LEXER)) {
    if (token === "{") {
      if (previous === null || !fields.has(previous)) throw maskError("Unexpected opening bracket");
      const nested: Mask = new Map();
      fields.set(previous, nested);
      stack.push(fields);
      fields = nested;
    } else if (token === "}") {
      const parent = stack.pop();
      if (!parent) throw maskError("Unexpected closing bracket");
      fields = parent;
    } else if (token === ",") {
      if (previous === null || previous === "," || previous === "{") throw maskError("Unexpected comma");
    } else fields.set(token, true);
    previous = token;
  }
  if (stack.length) throw maskError("Missing closing bracket");
  return mask;
}

function maskError(reason: string): MainError {
  return new MainError(400, `Mask parse error: ${reason}`);
}

/** A mask that names a sub-field of a field that has none (a string, a date…): flask-restx's MaskError. */
export function inconsistentMask(): MainError {
  return new MainError(400, "Mask error: Mask is inconsistent with model");
}

/** Filters a plain value (a Raw field's dict, or a list of them) as `Mask.filter_data` does, missing keys skipped. */
export function filterData(value: unknown, mask: Mask): unknown {
  if (Array.isArray(value)) return value.map((item) => filterData(item, mask));
  if (value === null || typeof value !== "object") return value;
  const data = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, content] of mask) {
    if (key === "*") continue;
    if (content === true) {
      if (key in data) out[key] = data[key];
    } else if (data[key] !== null && data[key] !== undefined) out[key] = filterData(data[key], content);
  }
  if (mask.has("*")) for (const [key, item] of Object.entries(data)) if (!(key in out)) out[key] = item;
  return out;
}
