/**
 * How PostgREST reads the query string api-tabular sends it (PostgREST v14.3, src/PostgREST/ApiRequest/QueryParams.hs
 * `parse` and its Parsec grammar): the pairs as http-types' `parseQueryReplacePlus True` cuts them (on "&" and ";",
 * "+" a space, `%XX` decoded), then `select`, `order`, `limit`, `offset`, the logic trees (`or`, `and`) and the
 * filters, each parsed by its grammar. Only what api-tabular can make PostgREST see is kept; anything else is
 * refused as the sandbox not running it.
 */

export type IsValue = "null" | "not_null" | "true" | "false" | "unknown";

export type Operation =
  | { kind: "in"; values: string[] }
  | { kind: "is"; value: IsValue }
  | { kind: "isdistinct"; value: string }
  | { kind: "op"; op: string; value: string; quantifier?: "any" | "all" };

export interface PgFilter {
  type: "filter";
  field: string;
  not: boolean;
  operation: Operation;
}

export interface PgTree {
  type: "and" | "or";
  not: boolean;
  items: (PgTree | PgFilter)[];
}

export interface PgOrderTerm {
  field: string;
  direction?: "asc" | "desc";
  nulls?: "nullsfirst" | "nullslast";
}

export interface PgSelectItem {
  field: string;
  aggregate?: "sum" | "avg" | "count" | "max" | "min";
  alias?: string;
}

export interface PgRequest {
  filters: PgFilter[];
  logic: PgTree[];
  order?: PgOrderTerm[];
  /** Absent: `*`. */
  select?: PgSelectItem[];
  limit?: number;
  offset?: number;
}

/** PostgREST's PGRST100: a parameter its grammar cannot read (HTTP 400). */
export class PostgrestParseError extends Error {
  constructor(
    readonly what: string,
    readonly text: string,
    readonly column: number,
    readonly details: string,
  ) {
    super(`"failed to parse ${what} (${text})" (line 1, column ${column})`);
  }
}

/** A request PostgREST would read, but which api-tabular never makes and the sandbox does not run. */
export class Unsupported extends Error {}

/** http-types `urlDecode True`: `%XX` decoded (an invalid escape kept), `+` a space; the bytes read as UTF-8. */
function urlDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "+") bytes.push(0x20);
    else if (char === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(char, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** `parseQueryReplacePlus True`: pieces cut on "&" and ";", a key without "=" having no value. */
export function queryPairs(query: string): [string, string | undefined][] {
  const text = query.startsWith("?") ? query.slice(1) : query;
  if (text === "") return [];
  return text.split(/[&;]/).map((piece) => {
    const equals = piece.indexOf("=");
    return equals < 0
      ? [urlDecode(piece), undefined]
      : [urlDecode(piece.slice(0, equals)), urlDecode(piece.slice(equals + 1))];
  });
}

const lastWord = (key: string) => key.split(".").at(-1)!;
const EMBEDDABLE = ["order", "limit", "offset", "and", "or"];
const RESERVED = ["select", "columns", "on_conflict"];

export function parsePostgrest(query: string): PgRequest {
  const pairs = queryPairs(query);
  const present = pairs.filter((p): p is [string, string] => p[1] !== undefined);
  const lookup = (name: string) => pairs.find(([k]) => k === name)?.[1];
  const request: PgRequest = { filters: [], logic: [] };
  const select = lookup("select");
  if (select !== undefined) request.select = parseSelect(select);
  const orders = present.filter(([k]) => lastWord(k) === "order");
  if (orders.length > 1) throw new Unsupported("several order parameters");
  if (orders.length === 1) request.order = parseOrder(onRoot(orders[0][0], "order"), orders[0][1]);
  for (const [key, value] of present) {
    const word = lastWord(key);
    if (word === "limit" || word === "offset") {
      onRoot(key, word);
      // Haskell's readMaybe: digits only, anything else lifts no bound
      if (/^\d+$/.test(value)) request[word] = Number(value);
    } else if (word === "and" || word === "or") {
      if (key !== word) throw new Unsupported(`the logic parameter ${key}`);
      request.logic.push(new Grammar(`${word}${value}`, "logic tree", value).logicTree());
    } else if (!EMBEDDABLE.includes(word) && !RESERVED.includes(key)) {
      const field = new Grammar(key, "tree path", key).fieldName();
      request.filters.push({ type: "filter", field, ...new Grammar(value, "filter", value).opExpr("single") });
    }
  }
  return request;
}

function onRoot(key: string, name: string): string {
  if (key !== name) throw new Unsupported(`the parameter ${key} (embedded resources)`);
  return key;
}

function parseSelect(text: string): PgSelectItem[] {
  const grammar = new Grammar(text, "select parameter", text);
  const items = grammar.selectItems();
  grammar.end();
  return items;
}

function parseOrder(_key: string, text: string): PgOrderTerm[] {
  const grammar = new Grammar(text, "order", text);
  const terms = grammar.orderTerms();
  return terms;
}

class Fail extends Error {
  constructor(
    readonly at: number,
    readonly consumed: boolean,
    readonly expecting: string,
  ) {
    super(expecting);
  }
}

const LETTER = /\p{L}/u;

/** A small Parsec: `try` is explicit (`attempt`), a failure after consuming input is not backtracked over. */
class Grammar {
  #at = 0;
  constructor(
    readonly text: string,
    readonly what: string,
    readonly shown: string,
  ) {}

  #fail(expecting: string): never {
    const found = this.text[this.#at];
    const details = `${found === undefined ? "unexpected end of input" : `unexpected ${JSON.stringify(found)}`} expecting ${expecting}`;
    throw new PostgrestParseError(this.what, this.shown, this.#at + 1, details);
  }

  #peek(s: string): boolean {
    return this.text.startsWith(s, this.#at);
  }

  #eat(s: string): boolean {
    if (!this.#peek(s)) return false;
    this.#at += s.length;
    return true;
  }

  #attempt<T>(parse: () => T): T | undefined {
    const start = this.#at;
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof PostgrestParseError)) throw error;
      this.#at = start;
      return undefined;
    }
  }

  end(): void {
    if (this.#at < this.text.length) this.#fail("end of input");
  }

  #ws(): void {
    while (this.text[this.#at] === " " || this.text[this.#at] === "\t") this.#at++;
  }

  /** `pQuotedValue`: `"…"` where a backslash takes the next character as it is. */
  quotedValue(): string | undefined {
    if (this.text[this.#at] !== '"') return undefined;
    this.#at++;
    let out = "";
    for (;;) {
      const char = this.text[this.#at];
      if (char === undefined) this.#fail('"\\"" or "\\""');
      this.#at++;
      if (char === '"') return out;
      if (char === "\\") {
        const next = this.text[this.#at];
        if (next === undefined) this.#fail("any character");
        out += next;
        this.#at++;
      } else out += char;
    }
  }

  #identifier(): string | undefined {
    const start = this.#at;
    while (this.#at < this.text.length) {
      const char = this.text[this.#at];
      if (LETTER.test(char) || /[0-9_ $]/.test(char)) this.#at++;
      else break;
    }
    return this.#at > start ? this.text.slice(start, this.#at).trim() : undefined;
  }

  /** `pFieldName`: a quoted name, or identifiers joined by dashes (not arrows). */
  fieldName(): string {
    const quoted = this.quotedValue();
    if (quoted !== undefined) return quoted;
    const parts: string[] = [];
    for (;;) {
      const part = this.#identifier();
      if (part === undefined) this.#fail("field name (* or [a..z0..9_$])");
      parts.push(part);
      if (this.#peek("-") && !this.#peek("->")) this.#at++;
      else break;
    }
    return parts.join("-");
  }

  /** `pField`: spaces around a name; JSON paths are not read by the sandbox. */
  field(): string {
    this.#ws();
    const name = this.fieldName();
    if (this.#peek("->")) throw new Unsupported(`the JSON path after ${JSON.stringify(name)}`);
    this.#ws();
    return name;
  }

  /** `pOpExpr`: `not.` then the operation; `value` reads the rest (a filter) or a logic tree's value. */
  opExpr(value: "single" | "logic"): { not: boolean; operation: Operation } {
    const not = this.#attempt(() => (this.#eat("not.") ? true : this.#fail("not"))) ?? false;
    const readValue = () => (value === "single" ? this.#rest() : this.#logicValue());
    if (this.#attempt(() => (this.#eat("in.") ? true : this.#fail("in")))) return { not, operation: this.#list() };
    if (this.#attempt(() => (this.#eat("is.") ? true : this.#fail("is")))) {
      for (const word of ["null", "not_null", "true", "false", "unknown"] as const) {
        if (this.text.slice(this.#at, this.#at + word.length).toLowerCase() === word) {
          this.#at += word.length;
          return { not, operation: { kind: "is", value: word } };
        }
      }
      this.#fail("isVal: (null, not_null, true, false, unknown)");
    }
    if (this.#attempt(() => (this.#eat("isdistinct.") ? true : this.#fail("isdistinct"))))
      return { not, operation: { kind: "isdistinct", value: readValue() } };
    for (const op of ["fts", "plfts", "phfts", "wfts", "neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"]) {
      if (this.#peek(`${op}.`) || this.#peek(`${op}(`)) throw new Unsupported(`PostgREST's ${op} operator`);
    }
    for (const op of ["eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"]) {
      const found = this.#attempt(() => {
        if (!this.#eat(op)) this.#fail(op);
        let quantifier: "any" | "all" | undefined;
        if (this.#eat("(any)")) quantifier = "any";
        else if (this.#eat("(all)")) quantifier = "all";
        if (!this.#eat(".")) this.#fail("delimiter (.)");
        return { quantifier };
      });
      if (found) {
        const operation: Operation = { kind: "op", op, value: readValue() };
        if (found.quantifier) operation.quantifier = found.quantifier;
        return { not, operation };
      }
    }
    this.#fail('"not" or operator (eq, gt, ...)');
  }

  #rest(): string {
    const rest = this.text.slice(this.#at);
    this.#at = this.text.length;
    return rest;
  }

  /** `pLogicSingleVal`: a quoted value ending before "," or ")", a `{…}` array, or text up to "," or ")". */
  #logicValue(): string {
    const quoted = this.#quotedBeforeSeparator();
    if (quoted !== undefined) return quoted;
    const array = /^\{[^{}]*\}/.exec(this.text.slice(this.#at));
    if (array) {
      this.#at += array[0].length;
      return array[0];
    }
    return this.#until(",)");
  }

  /** A quoted value that ends before "," or ")" (or the text's end), or undefined with nothing consumed. */
  #quotedBeforeSeparator(): string | undefined {
    return this.#attempt(() => {
      const value = this.quotedValue();
      if (value === undefined) this.#fail('"\\""');
      const next = this.text[this.#at];
      if (next !== undefined && next !== "," && next !== ")") this.#fail('"," or ")"');
      return value;
    });
  }

  #until(stops: string): string {
    const start = this.#at;
    while (this.#at < this.text.length && !stops.includes(this.text[this.#at])) this.#at++;
    return this.text.slice(start, this.#at);
  }

  /** `pListVal`: `(` elements separated by "," `)`, each quoted (ending before "," or ")") or bare. */
  #list(): Operation {
    this.#ws();
    if (!this.#eat("(")) this.#fail('"("');
    this.#ws();
    const values: string[] = [];
    for (;;) {
      const quoted = this.#quotedBeforeSeparator();
      values.push(quoted ?? this.#until(",)"));
      if (!this.#eat(",")) break;
    }
    this.#ws();
    if (!this.#eat(")")) this.#fail('")" or ","');
    this.#ws();
    return { kind: "in", values };
  }

  /** `pLogicTree`: a filter `field.op.value`, or `[not.]and|or(` trees separated by "," `)`. */
  logicTree(): PgTree {
    const tree = this.#tree();
    if (tree.type === "filter") throw new Unsupported("a logic parameter that is a single filter");
    return tree;
  }

  #tree(): PgTree | PgFilter {
    const filter = this.#attempt((): PgFilter => {
      const field = this.field();
      if (!this.#eat(".")) this.#fail("delimiter (.)");
      return { type: "filter", field, ...this.opExpr("logic") };
    });
    if (filter) return filter;
    const not = this.#attempt(() => (this.#eat("not.") ? true : this.#fail("not"))) ?? false;
    const type = this.#eat("and") ? "and" : this.#eat("or") ? "or" : this.#fail("logic operator (and, or)");
    this.#ws();
    if (!this.#eat("(")) this.#fail('"("');
    this.#ws();
    const items: (PgTree | PgFilter)[] = [];
    for (;;) {
      items.push(this.#tree());
      this.#ws();
      if (!this.#eat(",")) break;
      this.#ws();
    }
    this.#ws();
    if (!this.#eat(")")) this.#fail('")" or ","');
    this.#ws();
    return { type, not, items };
  }

  /** `pOrder`: terms `field[.asc|.desc][.nullsfirst|.nullslast]` separated by ",". */
  orderTerms(): PgOrderTerm[] {
    const terms: PgOrderTerm[] = [];
    for (;;) {
      this.#ws();
      const term: PgOrderTerm = { field: this.field() };
      for (const direction of ["asc", "desc"] as const) if (this.#eat(`.${direction}`)) term.direction = direction;
      for (const nulls of ["nullsfirst", "nullslast"] as const) if (this.#eat(`.${nulls}`)) term.nulls = nulls;
      if (this.#at < this.text.length && this.text[this.#at] !== ",")
        this.#fail('"asc", "desc", "nullsfirst" or "nullslast"');
      terms.push(term);
      this.#ws();
      if (!this.#eat(",")) break;
    }
    this.end();
    return terms;
  }

  /** `pFieldForest` as api-tabular writes it: fields, `alias:field.agg()`, `*`; embeddings are not read. */
  selectItems(): PgSelectItem[] {
    const items: PgSelectItem[] = [];
    if (this.text === "") return items;
    for (;;) {
      this.#ws();
      if (this.#eat("*")) items.push({ field: "*" });
      else {
        const first = this.fieldName();
        let item: PgSelectItem = { field: first };
        if (this.#peek(":") && !this.#peek("::")) {
          this.#at++;
          item = { field: this.fieldName(), alias: first };
        }
        if (this.#peek("(") || this.#peek("!")) throw new Unsupported("embedded resources in select");
        if (this.#peek("::")) throw new Unsupported("casts in select");
        for (const aggregate of ["sum", "avg", "count", "max", "min"] as const) {
          if (this.#eat(`.${aggregate}()`)) item.aggregate = aggregate;
        }
        items.push(item);
      }
      this.#ws();
      const next = this.text[this.#at];
      if (next === undefined) break;
      if (next !== ",") this.#fail('",", ")" or end of input');
      this.#at++;
    }
    return items;
  }
}
