/**
 * X-Fields masks as flask-restx applies them: `data{id,title},total` keeps those keys, recursively; `*` keeps all.
 */
export type Mask = Map<string, Mask | null>;

export function parseMask(text: string): Mask {
  const mask: Mask = new Map();
  let i = 0;
  const parseLevel = (into: Mask): void => {
    let name = "";
    while (i < text.length) {
      const c = text[i++];
      if (c === "{") {
        const nested: Mask = new Map();
        parseLevel(nested);
        into.set(name.trim(), nested);
        name = "";
      } else if (c === "}") {
        if (name.trim()) into.set(name.trim(), null);
        return;
      } else if (c === ",") {
        if (name.trim()) into.set(name.trim(), null);
        name = "";
      } else name += c;
    }
    if (name.trim()) into.set(name.trim(), null);
  };
  parseLevel(mask);
  return mask;
}

export function applyMask(value: unknown, mask: Mask): unknown {
  if (Array.isArray(value)) return value.map((item) => applyMask(item, mask));
  if (value === null || typeof value !== "object") return value;
  if (mask.has("*")) return value;
  const out: Record<string, unknown> = {};
  for (const [key, nested] of mask) {
    const inner = (value as Record<string, unknown>)[key];
    out[key] = nested ? applyMask(inner ?? null, nested) : (inner ?? null);
  }
  return out;
}
