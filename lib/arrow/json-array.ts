/**
 * Splits the Tabular API's `/data/json/` stream (one JSON array of row objects) into batches of rows as bytes arrive,
 * without ever holding the whole array: a scanner tracks strings and nesting across chunk boundaries, and each run of
 * complete rows is parsed in one `JSON.parse` call. Chunks are scanned once each and kept as pieces until parsed, so
 * the cost stays linear in the stream's size.
 */
const STRING_STOP = /["\\]/g;
const STRUCTURE = /["{}[\]]/g;

export async function* jsonArrayRows<R = Record<string, unknown>>(chunks: AsyncIterable<Uint8Array | string>, batchRows = 10_000): AsyncGenerator<R[]> {
  const decoder = new TextDecoder();
  let pieces: string[] = []; // text not yet parsed, starting at a row boundary
  let length = 0; // total length of `pieces`
  let lastRowEnd = -1; // offset in `pieces` just after the last complete row
  let rowsReady = 0;
  let depth = 0; // nesting inside the top-level array
  let inString = false;
  let escaped = false;
  let started = false;
  let ended = false;

  const flush = (): R[] => {
    const joined = pieces.join("");
    const rest = joined.slice(lastRowEnd);
    pieces = [rest];
    length = rest.length;
    const text = joined.slice(0, lastRowEnd).replace(/^\s*,/, "");
    lastRowEnd = -1;
    rowsReady = 0;
    return JSON.parse(`[${text}]`) as R[];
  };

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
    // the scan jumps from one character that matters to the next: inside strings a quote or a backslash, outside
    // them a quote or a bracket
    let i = 0;
    if (escaped) {
      escaped = false;
      i = 1;
    }
    for (; i < text.length; i++) {
      if (inString) {
        STRING_STOP.lastIndex = i;
        const stop = STRING_STOP.exec(text);
        if (!stop) break;
        i = stop.index;
        if (text.charCodeAt(i) === 92 /* \ */) {
          if (i + 1 === text.length) escaped = true;
          i++;
        } else inString = false;
        continue;
      }
      STRUCTURE.lastIndex = i;
      const found = STRUCTURE.exec(text);
      if (!found) break;
      i = found.index;
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) inString = true;
      else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
      else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (depth === 0) {
          // the closing bracket of the top-level array
          if (text.slice(i + 1).trim()) throw new SyntaxError("unexpected data after the end of the JSON array");
          ended = true;
          text = text.slice(0, i);
          break;
        }
        if (--depth === 0) {
          lastRowEnd = length + i + 1;
          rowsReady++;
        }
      }
    }
    pieces.push(text);
    length += text.length;
    if (rowsReady >= batchRows) yield flush();
  }
  if (!started) throw new SyntaxError("the stream was empty: expected a JSON array");
  if (!ended) throw new SyntaxError("the JSON array was cut off before its end: the transfer did not complete");
  if (lastRowEnd > 0) yield flush();
  const rest = pieces.join("").replace(/^\s*,/, "").trim();
  if (rest) throw new SyntaxError(`unexpected data in the JSON array: ${JSON.stringify(rest.slice(0, 40))}`);
}
