/**
 * An OpenAPI document (3.x, or Swagger 2.0) summarised for someone about to call the API: where it is, and each
 * endpoint with its parameters. Schemas, responses and examples are left out; so is anything past the stated caps.
 */
export interface OpenApiSummary {
  title?: string;
  version?: string;
  description?: string;
  servers: string[];
  endpoints: Endpoint[];
  /** Endpoints in the document, shown or not. */
  endpointCount: number;
}

export interface Endpoint {
  method: string;
  path: string;
  summary?: string;
  parameters: Parameter[];
}

export interface Parameter {
  name: string;
  in: string;
  required: boolean;
  type?: string;
  description?: string;
}

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];

export function summariseOpenApi(
  document: Record<string, unknown>,
  caps: { endpoints: number; parameters: number } = { endpoints: 100, parameters: 40 },
): OpenApiSummary {
  const info = record(document.info);
  const servers = Array.isArray(document.servers)
    ? document.servers.map((s) => String(record(s).url ?? "")).filter(Boolean)
    : [];
  // Swagger 2.0 names its base URL in three fields
  if (typeof document.host === "string") {
    const scheme = Array.isArray(document.schemes) ? String(document.schemes[0]) : "https";
    servers.push(`${scheme}://${document.host}${typeof document.basePath === "string" ? document.basePath : ""}`);
  }
  const endpoints: Endpoint[] = [];
  let endpointCount = 0;
  for (const [path, item] of Object.entries(record(document.paths))) {
    const shared = list(record(item).parameters);
    for (const method of METHODS) {
      const operation = record(record(item)[method]);
      if (!record(item)[method]) continue;
      endpointCount++;
      if (endpoints.length >= caps.endpoints) continue;
      const parameters = mergeParameters(shared, list(operation.parameters), document).slice(0, caps.parameters);
      const summary = firstLine(operation.summary) ?? firstLine(operation.description);
      endpoints.push({ method: method.toUpperCase(), path, summary, parameters });
    }
  }
  return {
    title: text(info.title),
    version: text(info.version),
    description: firstLine(info.description, 300),
    servers,
    endpoints,
    endpointCount,
  };
}

/** Operation parameters override the path's shared ones of the same name and place; `$ref`s are followed. */
function mergeParameters(shared: unknown[], own: unknown[], document: Record<string, unknown>): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of [...shared, ...own]) {
    const p = resolve(record(raw), document);
    if (typeof p.name !== "string") continue;
    const schema = record(p.schema);
    byKey.set(`${p.in}:${p.name}`, {
      name: p.name,
      in: String(p.in ?? "query"),
      required: p.required === true,
      type: text(schema.type) ?? text(p.type),
      description: firstLine(p.description, 120),
    });
  }
  return [...byKey.values()];
}

function resolve(value: Record<string, unknown>, document: Record<string, unknown>): Record<string, unknown> {
  const ref = value.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return value;
  let target: unknown = document;
  for (const part of ref.slice(2).split("/")) target = record(target)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  return record(target);
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : typeof value === "number" ? String(value) : undefined;
}

function firstLine(value: unknown, max = 160): string | undefined {
  const line = text(value)?.trim().split("\n")[0];
  if (!line) return undefined;
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
