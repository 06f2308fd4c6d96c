import { readFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { DataGouv } from "../client.ts";
import { MAIN_ROUTES } from "../catalog/routes/index.ts";
import { EXIT, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, type CommandSpec } from "./options.ts";
import { printJson, printTable } from "./print.ts";

export const COMMAND = {
  name: "api",
  forms: [
    { args: "<METHOD> <path>", options: ["field", "raw-field", "header", "input", "paginate"] },
    { required: ["list"], options: ["list"] },
  ],
  about: `Calls any Main API route with DATAGOUV_API_KEY (when set) and prints the answer: JSON on stdout, other formats as sent.
<path> is relative to /api/1/ ("/datasets/"), or from /api/ ("/api/2/datasets/search/").`,
  options: {
    field: {
      type: "string",
      short: "F",
      multiple: true,
      value: "key=value",
      help:
        "a value typed as JSON where it parses (numbers, true, false, null), a string otherwise: the query of a " +
        "GET or DELETE, the JSON body's fields otherwise",
    },
    "raw-field": { type: "string", short: "f", multiple: true, value: "key=value", help: "the same, always a string" },
    header: {
      type: "string",
      short: "H",
      multiple: true,
      value: "name:value",
      help: 'a request header (e.g. "X-Fields: data{id,title},next_page")',
    },
    input: {
      type: "string",
      value: "FILE",
      help: "the request body, sent as JSON (- for stdin); fields then go to the query",
    },
    paginate: { type: "boolean", help: "follow next_page and print every page's data as one JSON array" },
    list: {
      type: "boolean",
      help: "print the route table: method, path, who may call it, the client method, what it does",
    },
  },
} as const satisfies CommandSpec;

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

export async function main(argv: string[]): Promise<number> {
  const { values, positionals, help } = parse(COMMAND, argv);
  if (help) return printHelp(COMMAND);
  if (values.list) return printRoutes();
  const [verb, target] = positionals;
  const method = verb?.toUpperCase();
  if (!method || !METHODS.has(method) || !target)
    throw new UsageError("expected <METHOD> <path>, e.g. `datagouv api GET /datasets/` (see `datagouv help api`)");
  if (values.paginate && method !== "GET") throw new UsageError("--paginate follows the pages of a GET only");
  const fields: Record<string, unknown> = {};
  for (const spec of values.field ?? []) fields[keyOf(spec)] = typed(valueOf(spec));
  for (const spec of values["raw-field"] ?? []) fields[keyOf(spec)] = valueOf(spec);
  const headers: Record<string, string> = {};
  for (const spec of values.header ?? []) {
    const at = spec.indexOf(":");
    if (at <= 0) throw new UsageError(`--header takes "Name: value", not ${JSON.stringify(spec)}`);
    headers[spec.slice(0, at).trim().toLowerCase()] = spec.slice(at + 1).trim();
  }
  const input = values.input === undefined ? undefined : await readInput(values.input);
  const bodyless = method === "GET" || method === "DELETE" || input !== undefined;
  const query = bodyless ? (fields as Record<string, string>) : undefined;
  const dg = new DataGouv();
  try {
    const path = apiPath(target);
    const options = {
      method,
      query,
      auth: dg.http.hasApiKey,
      headers: { ...headers, ...(input !== undefined ? { "content-type": "application/json" } : {}) },
      ...(input !== undefined ? { body: input } : bodyless ? {} : { json: fields }),
    };
    if (values.paginate) {
      printJson(await allPages(dg, path, options));
      return EXIT.ok;
    }
    const response = await dg.http.request("main", path, options);
    const type = String(response.headers["content-type"] ?? "");
    if (/json/.test(type)) {
      const text = await response.body.text();
      if (text.trim()) printJson(JSON.parse(text));
    } else await pipeline(response.body, process.stdout, { end: false });
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

/** Every item of every page, following the absolute next_page links udata gives. */
async function allPages(dg: DataGouv, path: string, options: Parameters<DataGouv["http"]["json"]>[2]) {
  const items: unknown[] = [];
  let page = await dg.http.json<{ data?: unknown[]; next_page?: string | null }>("main", path, options);
  const seen = new Set<string>();
  for (;;) {
    if (!Array.isArray(page?.data)) throw new UsageError(`${path} does not answer pages (no "data" list)`);
    items.push(...page.data);
    const next = page.next_page;
    if (!next || seen.has(next)) return items;
    seen.add(next);
    page = await dg.http.json("main", next, { ...options, query: undefined });
  }
}

function printRoutes(): number {
  const rows = MAIN_ROUTES.map(({ group, method, route }) => ({
    method: route.method,
    path: `/${route.path}`,
    auth: route.auth,
    client: `${group}.${method}`,
    summary: route.summary,
  }));
  if (process.stdout.isTTY) printTable(rows, ["method", "path", "auth", "client", "summary"]);
  else process.stdout.write(rows.map((r) => `${r.method}\t${r.path}\t${r.auth}\t${r.client}\t${r.summary}\n`).join(""));
  return EXIT.ok;
}

export function apiPath(target: string): string {
  const path = target.replace(/^\/+/, "");
  return path.startsWith("api/") ? path : `api/1/${path}`;
}

function keyOf(spec: string): string {
  const at = spec.indexOf("=");
  if (at <= 0) throw new UsageError(`a field is key=value, not ${JSON.stringify(spec)}`);
  return spec.slice(0, at);
}

function valueOf(spec: string): string {
  return spec.slice(spec.indexOf("=") + 1);
}

function typed(text: string): unknown {
  if (/^(true|false|null|-?\d+(\.\d+)?)$/.test(text)) return JSON.parse(text);
  return text;
}

async function readInput(file: string): Promise<Buffer> {
  if (file !== "-") return readFile(file);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
