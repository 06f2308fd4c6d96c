/**
 * Splits the Tabular API's `/data/json/` stream (one JSON array of row objects) into batches of rows as bytes arrive,
 * without ever holding the whole array. Text is parsed about a megabyte at a time, cut after its last `}`:
 * `JSON.parse` accepts the cut only where it ends a whole row (inside a string or a nested value, quotes or brackets
 * would not balance), which spares looking at every character in JavaScript. Where it refuses (a json column's nested
 * object ending the text), a scanner that tracks strings and nesting finds the last whole row instead; it also reads
 * the array's end. The cost stays linear in the stream's size.
 */
const PARSE_CHARS = 1 << 18;
const STRING_STOP = /["\\]/g;
const STRUCTURE = /["{}[\]]/g;

export async function* jsonArrayRows<R = Record<string, unknown>>(chunks: AsyncIterable<Uint8Array | string>, batchRows = 10_000): AsyncGenerator<R[]> {
  const decoder = new TextDecoder();
  let pieces: string[] = []; // text not yet parsed, starting at a row boundary, after the opening bracket
  let length = 0; // total length of `pieces`
  let started = false;
  let ended = false;
  let ready: R[] = [];

  for await (const chunk of chunks) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (!started) {
      const open = text.search(/\S/);
      if (open < 0) continue;
      if (text[open] !== "[") throw new SyntaxError(`expected a JSON array, got ${JSON.stringify(text.slice(open, open + 40))}`);
      started = true;
      text = text.slice(open + 1);
    }
    if (ended) {
      if (text.trim()) throw new SyntaxError("unexpected data after the end of the JSON array");
      continue;
    }
    pieces.push(text);
    length += text.length;
    if (length < PARSE_CHARS) continue;
    const joined = pieces.join("");
    let cut = joined.lastIndexOf("}") + 1;
    let rows = cut > 0 ? wholeRows<R>(joined.slice(0, cut)) : [];
    if (!rows) {
      const scanned = scan(joined);
      if (scanned.close >= 0) {
        if (joined.slice(scanned.close + 1).trim()) throw new SyntaxError("unexpected data after the end of the JSON array");
        ended = true;
      }
      cut = scanned.rowsEnd;
      rows = parseRows<R>(joined.slice(0, cut));
    }
    pieces = [joined.slice(cut)];
    length = pieces[0].length;
    for (const row of rows) {
      ready.push(row);
      if (ready.length === batchRows) {
        yield ready;
        ready = [];
      }
    }
  }
  if (!started) throw new SyntaxError("the stream was empty: expected a JSON array");
  const rest = pieces.join("") + decoder.decode();
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
  return JSON.parse(`[${text.replace(/^\s*,/, "")}]`) as R[];
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
      for (let from = i + 1; ; ) {
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
