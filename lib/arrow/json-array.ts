/**
 * Splits the Tabular API's `/data/json/` stream (one JSON array of row objects) into batches of rows as bytes arrive,
 * without ever holding the whole array. Bytes are parsed about 64 KB at a time, cut after their last `}`:
 * `JSON.parse` accepts the cut only where it ends a whole row (inside a string or a nested value, quotes or brackets
 * would not balance), which spares looking at every character in JavaScript. Where it refuses (a json column's nested
 * object ending the text), a scanner that tracks strings and nesting finds the last whole row instead; it also reads
 * the array's end. The cost stays linear in the stream's size. Integers past 2^53 (hydra's BIGINT columns) come as
 * BigInt: a part holding a run of 16 digits is parsed by lossless-json instead.
 */
import { parseExactJson } from "../http/json.ts";

// parts stay under V8's largest ordinary heap object (128 KB): larger strings are allocated apart, and decoding and
// parsing them was measured three times slower
const PART_BYTES = 1 << 16;
/** JSON's whitespace: space, tab, line feed, carriage return. */
const WHITESPACE = new Set([32, 9, 10, 13]);
const STRING_STOP = /["\\]/g;
const STRUCTURE = /["{}[\]]/g;

export async function* jsonArrayRows<R = Record<string, unknown>>(
  chunks: AsyncIterable<Uint8Array | string>,
  batchRows = 10_000,
): AsyncGenerator<R[]> {
  // bytes are kept as they come and decoded once per part: "}" is one byte in UTF-8, never inside a character
  let pending: Buffer[] = []; // bytes not yet parsed, starting at a row boundary, after the opening bracket
  let length = 0; // total length of `pending`
  let started = false;
  let ended = false;
  let ready: R[] = [];

  for await (const chunk of chunks) {
    let bytes =
      typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!started) {
      const open = bytes.findIndex((byte) => !WHITESPACE.has(byte));
      if (open < 0) continue;
      if (bytes[open] !== 91 /* [ */)
        throw new SyntaxError(
          `expected a JSON array, got ${JSON.stringify(bytes.subarray(open, open + 40).toString())}`,
        );
      started = true;
      bytes = bytes.subarray(open + 1);
    }
    if (ended) {
      if (bytes.toString().trim()) throw new SyntaxError("unexpected data after the end of the JSON array");
      continue;
    }
    pending.push(bytes);
    length += bytes.length;
    if (length < PART_BYTES) continue;
    const joined = Buffer.concat(pending, length);
    const cut = joined.lastIndexOf(125 /* } */) + 1;
    let rows = cut > 0 ? wholeRows<R>(joined.toString("utf8", 0, cut)) : [];
    let rest = joined.subarray(cut);
    if (!rows) {
      const text = joined.toString();
      const scanned = scan(text);
      if (scanned.close >= 0) {
        if (text.slice(scanned.close + 1).trim())
          throw new SyntaxError("unexpected data after the end of the JSON array");
        ended = true;
      }
      rows = parseRows<R>(text.slice(0, scanned.rowsEnd));
      rest = Buffer.from(text.slice(scanned.rowsEnd));
    }
    // a copy, so that the part just parsed is not kept alive by what is left of it
    pending = [Buffer.from(rest)];
    length = rest.length;
    for (const row of rows) {
      ready.push(row);
      if (ready.length === batchRows) {
        yield ready;
        ready = [];
      }
    }
  }
  if (!started) throw new SyntaxError("the stream was empty: expected a JSON array");
  const rest = Buffer.concat(pending).toString();
  const { rowsEnd, close } = scan(rest);
  if (close < 0) throw new SyntaxError("the JSON array was cut off before its end: the transfer did not complete");
  if (rest.slice(close + 1).trim()) throw new SyntaxError("unexpected data after the end of the JSON array");
  const between = rest.slice(rowsEnd, close).replace(/^\s*,/, "").trim();
  if (between) throw new SyntaxError(`unexpected data in the JSON array: ${JSON.stringify(between.slice(0, 40))}`);
  for (const row of parseRows<R>(rest.slice(0, rowsEnd))) {
    ready.push(row);
    if (ready.length === batchRows) {
      yield ready;
      ready = [];
    }
  }
  if (ready.length) yield ready;
}

/** Rows separated by commas (the text may start with the comma after the previous row), parsed in one call. */
function parseRows<R>(text: string): R[] {
  return parseExactJson<R[]>(`[${text.replace(/^\s*,/, "")}]`);
}

/** The same, or undefined where the text does not end a row. */
function wholeRows<R>(text: string): R[] | undefined {
  try {
    return parseRows<R>(text);
  } catch {
    return undefined;
  }
}

/**
 * Where the whole rows of `text` (which starts at a row boundary) end, and where the array's closing bracket is (-1
 * if not in it). The scan jumps from one character that matters to the next: inside strings a quote or a backslash,
 * outside them a quote or a bracket.
 */
function scan(text: string): { rowsEnd: number; close: number } {
  let depth = 0;
  let rowsEnd = 0;
  for (let i = 0; i < text.length; i++) {
    STRUCTURE.lastIndex = i;
    const found = STRUCTURE.exec(text);
    if (!found) break;
    i = found.index;
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (let from = i + 1; ;) {
        STRING_STOP.lastIndex = from;
        const stop = STRING_STOP.exec(text);
        if (!stop) return { rowsEnd, close: -1 };
        if (text.charCodeAt(stop.index) === 92 /* \ */) from = stop.index + 2;
        else {
          i = stop.index;
          break;
        }
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (depth === 0) return { rowsEnd, close: i };
    else if (--depth === 0) rowsEnd = i + 1;
  }
  return { rowsEnd, close: -1 };
}
