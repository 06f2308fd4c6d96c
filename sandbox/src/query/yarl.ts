/**
 * The URL handling between a client and PostgREST, as yarl 1.22 does it for aiohttp 3.14 (api-tabular's pins): the
 * server reads the query string decoded once (`request.query_string`, yarl `_quoting_py.py` `_Unquoter(qs=True)`),
 * and the URL api-tabular builds for PostgREST is parsed and requoted by the client session (`_parse.py`
 * `split_url`, `_quoters.py` `QUERY_REQUOTER`).
 */

const HEX = /^[0-9A-Fa-f]{2}$/;

/** An incremental UTF-8 decoder, failing where Python's strict one fails. */
class Utf8Bytes {
  readonly bytes: number[] = [];
  #need = 0;

  /** The character once complete, "" while incomplete; throws on a byte that cannot continue. */
  push(byte: number): string {
    const first = this.bytes[0];
    if (this.bytes.length === 0) {
      if (byte < 0x80) return String.fromCharCode(byte);
      if (byte >= 0xc2 && byte <= 0xdf) this.#need = 1;
      else if (byte >= 0xe0 && byte <= 0xef) this.#need = 2;
      else if (byte >= 0xf0 && byte <= 0xf4) this.#need = 3;
      else throw new RangeError("invalid start byte");
      this.bytes.push(byte);
      return "";
    }
    const low = this.bytes.length === 1 ? secondLow(first) : 0x80;
    const high = this.bytes.length === 1 ? secondHigh(first) : 0xbf;
    if (byte < low || byte > high) throw new RangeError("invalid continuation byte");
    this.bytes.push(byte);
    if (this.bytes.length < this.#need + 1) return "";
    const text = Buffer.from(this.bytes).toString("utf8");
    this.reset();
    return text;
  }

  reset(): void {
    this.bytes.length = 0;
    this.#need = 0;
  }
}

const secondLow = (first: number) => (first === 0xe0 ? 0xa0 : first === 0xf0 ? 0x90 : 0x80);
const secondHigh = (first: number) => (first === 0xed ? 0x9f : first === 0xf4 ? 0x8f : 0xbf);

/**
 * yarl's `_Unquoter`: `%XX` sequences decoded as UTF-8 (an invalid sequence left as written), `+` a space. With `qs`
 * (the query string aiohttp hands api-tabular), `+ = & ;` decoded from `%XX` are put back as `%2B %3D %26 %3B`.
 */
export function unquote(text: string, { qs }: { qs: boolean }): string {
  const decoder = new Utf8Bytes();
  let out = "";
  let pending = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i++];
    if (char === "%" && i <= text.length - 2 && HEX.test(text.slice(i, i + 2))) {
      const written = text.slice(i - 1, i + 2);
      const byte = parseInt(text.slice(i, i + 2), 16);
      i += 2;
      let decoded: string;
      try {
        decoded = decoder.push(byte);
      } catch {
        out += pending;
        pending = "";
        decoder.reset();
        try {
          decoded = decoder.push(byte);
        } catch {
          out += written;
          continue;
        }
      }
      if (decoded === "") {
        pending += written;
        continue;
      }
      pending = "";
      out += qs && "+=&;".includes(decoded) ? `%${decoded.charCodeAt(0).toString(16).toUpperCase()}` : decoded;
      continue;
    }
    if (pending) {
      out += pending;
      pending = "";
      decoder.reset();
    }
    out += char === "+" ? " " : char;
  }
  return out + pending;
}

/** What `request.query_string` gives api-tabular: the raw query decoded once, `%2B %3D %26 %3B` kept. */
export const queryString = (raw: string) => unquote(raw, { qs: true });

/** `request.query` pairs (yarl `_parse.py` `query_to_pairs`): split on `&`, then on the first `=`, fully decoded. */
export function queryPairs(raw: string): [string, string][] {
  if (!raw) return [];
  return raw.split("&").map((piece) => {
    const equals = piece.indexOf("=");
    const [key, value] = equals < 0 ? [piece, ""] : [piece.slice(0, equals), piece.slice(equals + 1)];
    return [unquote(key, { qs: false }), unquote(value, { qs: false })];
  });
}

const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/** `QUERY_REQUOTER = _Quoter(safe="?/:@", protected="=+&;", qs=True)`: ALLOWED, the safe and the protected. */
const QUERY_SAFE = new Set(Buffer.from(`?/:@${UNRESERVED}!$'()*,=+&;`, "latin1"));
const QUERY_PROTECTED = new Set(Buffer.from("=+&;", "latin1"));
const UPPER_ALNUM = /^[A-Z0-9]{2}$/;

/**
 * yarl's `_Quoter` with requoting, on the query of a URL given as text: a valid `%XX` is kept (or decoded where its
 * character is safe and not protected), a `%` starting no escape becomes `%25`, a space `+`, anything else unsafe is
 * escaped. Lone surrogates are dropped (`encode("utf8", errors="ignore")`).
 */
export function requoteQuery(text: string): string {
  const bytes = Buffer.from(
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ""),
  );
  let out = "";
  let pct: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let byte = bytes[i++];
    if (pct.length) {
      if (byte >= 0x61 && byte <= 0x7a) byte -= 32;
      pct.push(byte);
      if (pct.length === 3) {
        const pair = String.fromCharCode(pct[1], pct[2]);
        const code = parseInt(pair, 16);
        if (!UPPER_ALNUM.test(pair) || !/^[0-9A-F]{2}$/.test(pair)) {
          out += "%25";
          pct = [];
          i -= 2;
          continue;
        }
        if (QUERY_PROTECTED.has(code)) out += `%${pair}`;
        else if (QUERY_SAFE.has(code)) out += String.fromCharCode(code);
        else out += `%${pair}`;
        pct = [];
      } else if (pct.length === 2 && i === bytes.length) {
        out += "%25";
        pct = [];
        i -= 1;
      }
      continue;
    }
    if (byte === 0x25) {
      pct = [byte];
      if (i === bytes.length) out += "%25";
      continue;
    }
    if (byte === 0x20) out += "+";
    else if (QUERY_SAFE.has(byte)) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The query a client session sends for a URL given as text (`_parse.py` `split_url`, then `encode_url`): tab, CR and
 * LF removed, everything from the first `#` on taken as the fragment (and not sent), the query requoted.
 */
export function sentQuery(url: string): string {
  let text = url.replace(/^[\x00-\x20]+/, "").replace(/[\t\r\n]/g, "");
  const hash = text.indexOf("#");
  if (hash >= 0) text = text.slice(0, hash);
  const question = text.indexOf("?");
  return question < 0 ? "" : requoteQuery(text.slice(question + 1));
}
