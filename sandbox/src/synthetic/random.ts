/**
 * A seeded generator (mulberry32): the same seed gives the same catalog on every machine and run, which is what makes
 * the synthetic catalog a fixture rather than noise.
 */
export class Random {
  #state: number;

  constructor(seed: string) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
    this.#state = hash >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One of the keys, as often as its weight says. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    let table = TABLES.get(weights) as { keys: K[]; bounds: number[] } | undefined;
    if (!table) {
      const keys = Object.keys(weights) as K[];
      let sum = 0;
      const bounds = keys.map((key) => (sum += weights[key]));
      TABLES.set(weights, (table = { keys, bounds: bounds.map((b) => b / sum) }));
    }
    const u = this.next();
    let i = 0;
    while (i < table.bounds.length - 1 && u >= table.bounds[i]) i++;
    return table.keys[i];
  }

  /** A few distinct items (repeated ones count once). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = items.length > 64 ? items : [...new Set(items)];
    const chosen = new Set<T>();
    for (let tries = 0; chosen.size < Math.min(count, pool.length) && tries < count * 8; tries++)
      chosen.add(this.pick(pool));
    return [...chosen];
  }

  /** Hexadecimal digits, as one flat string (built piecewise, a string would be a rope of many small ones). */
  hex(length: number): string {
    const digits = new Array<string>(length);
    for (let i = 0; i < length; i++) digits[i] = HEX[this.int(16)];
    return digits.join("");
  }

  uuid(): string {
    const h = this.hex(32);
    return flat(
      h.slice(0, 8),
      "-",
      h.slice(8, 12),
      "-4",
      h.slice(13, 16),
      "-",
      "89ab"[this.int(4)],
      h.slice(17, 20),
      "-",
      h.slice(20),
    );
  }
}

const HEX = "0123456789abcdef";
const TABLES = new WeakMap<object, unknown>();

/**
 * Parts joined into one flat string. V8 keeps a concatenation (`+`, template literals) as a tree of its parts, about
 * twice the size: fine for a few, not for the hundreds of thousands of ids and URLs a full catalog holds.
 */
export function flat(...parts: string[]): string {
  return parts.join("");
}
