import { MANIFEST_SCHEMA } from "./manifest-schema.ts";
import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/** The manifest's JSON Schema (draft-07), shipped with the package. */
export { MANIFEST_SCHEMA };

export interface ManifestResource {
  /** How the resource is found again on later runs: its `key`, else its title. */
  key: string;
  title: string;
  description?: string | undefined;
  /** An absolute path, resolved against the manifest's folder. */
  file?: string | undefined;
  url?: string | undefined;
  type: string;
  format?: string | undefined;
  /** Where it is written in the manifest (1-based), for messages. */
  line: number;
}

export interface Manifest {
  path: string;
  key?: string | undefined;
  id?: string | undefined;
  title: string;
  description: string;
  description_short?: string | undefined;
  acronym?: string | undefined;
  organization?: string | undefined;
  license?: string | undefined;
  frequency?: string | undefined;
  tags?: string[] | undefined;
  private: boolean;
  temporal_coverage?: { start: string; end?: string } | undefined;
  extras?: Record<string, unknown> | undefined;
  resources: ManifestResource[];
  /** The line (1-based) where a top-level field is written, for messages about its value. */
  lineOf(field: string): number;
}

/** A manifest that cannot be used, with each problem as `file:line: message`. */
export class ManifestError extends Error {
  readonly problems: string[];

  constructor(path: string, problems: { line: number; message: string }[]) {
    const lines = problems.map((p) => `${path}:${p.line}: ${p.message}`);
    super(lines.length === 1 ? lines[0] : `${path}: ${problems.length} problems\n${lines.join("\n")}`);
    this.name = "ManifestError";
    this.problems = lines;
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(MANIFEST_SCHEMA);

/** The manifest's node at a JSON pointer path, or the deepest one that exists on the way. */
function nodeAt(doc: Document, path: (string | number)[]): Node | null {
  let node = doc.contents as Node | null;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === step);
      if (!pair) return node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof step === "number" && node.items[step]) {
      node = node.items[step] as Node;
    } else return node;
  }
  return node;
}

/** The key node of a map's entry, to point at an unknown or misplaced property. */
function keyNodeAt(doc: Document, path: (string | number)[], key: string): Node | null {
  const parent = nodeAt(doc, path);
  if (!isMap(parent)) return parent;
  return (
    (parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === key)?.key as Node | undefined) ?? parent
  );
}

const KNOWN = (schema: unknown) => Object.keys((schema as { properties: Record<string, unknown> }).properties);
const TOP_FIELDS = KNOWN(MANIFEST_SCHEMA);
const RESOURCE_FIELDS = KNOWN((MANIFEST_SCHEMA.$defs as Record<string, unknown>).resource);

/** The closest known name, for "did you mean" (licence → license, desciption → description). */
function closest(name: string, known: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  const best = known.map((k) => [k, distance(name.toLowerCase(), k)] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

function describe(error: ErrorObject, path: (string | number)[]): string {
  const where = path.length
    ? path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, "")
    : "the manifest";
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(error.params.additionalProperty);
      const hint = closest(name, path.length ? RESOURCE_FIELDS : TOP_FIELDS);
      return `unknown field "${name}"${path.length ? ` in ${where}` : ""}${hint ? ` (did you mean "${hint}"?)` : ""}`;
    }
    case "required":
      return `${where} needs "${error.params.missingProperty}"`;
    case "enum":
      return `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "pattern":
      if (path.at(-1) === "url") return `${where} must be an http(s) URL`;
      if (path.at(-1) === "key")
        return `${where} must be letters, digits, ".", "_" or "-", starting with a letter or digit`;
      return `${where} must look like ${path.at(-2) === "temporal_coverage" ? "YYYY-MM-DD" : error.params.pattern}`;
    case "uniqueItems":
      return `${where} lists the same value twice`;
    case "oneOf":
      return `${where} needs exactly one of "file" (a local file to upload) or "url" (a remote file)`;
    case "anyOf":
      return `the manifest needs a "key" (a stable name for the dataset) or the "id" of an existing dataset`;
    default:
      return `${where} ${error.message}`;
  }
}

/**
 * Reads a manifest (YAML, or JSON, which YAML reads too), checks it against the schema and that its files exist, and
 * resolves file paths against its folder. Every problem is reported at once, each with its line.
 */
export async function loadManifest(path: string, options: ManifestOptions = {}): Promise<Manifest> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new ManifestError(path, [{ line: 1, message: error.code === "ENOENT" ? "no such file" : error.message }]);
  });
  return parseManifest(text, path, options);
}

export interface ManifestOptions {
  /**
   * Let `file:` paths leave the manifest's folder. Off by default: a manifest from a pull request could otherwise
   * publish any file its runner can read (`../../.ssh/id_ed25519`).
   */
  allowOutside?: boolean | undefined;
}

/** Whether `file` (symbolic links followed) lies inside `folder` (symbolic links followed). */
async function inside(folder: string, file: string): Promise<boolean> {
  const [realFolder, realFile] = await Promise.all([realpath(folder), realpath(file)]);
  const path = relative(realFolder, realFile);
  return path !== "" && !path.startsWith(`..${sep}`) && path !== ".." && !isAbsolute(path);
}

export async function parseManifest(text: string, path: string, options: ManifestOptions = {}): Promise<Manifest> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOfNode = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const problems: { line: number; message: string }[] = [];
  for (const error of doc.errors)
    problems.push({ line: error.linePos?.[0].line ?? 1, message: error.message.split("\n")[0] });
  if (extname(path).toLowerCase() === ".json" && !problems.length) {
    try {
      JSON.parse(text);
    } catch (error) {
      const at = /position (\d+)/.exec(String((error as Error).message));
      problems.push({
        line: at ? lineCounter.linePos(Number(at[1])).line : 1,
        message: `not valid JSON: ${(error as Error).message}`,
      });
    }
  }
  if (problems.length) throw new ManifestError(path, problems);
  const value = doc.toJS() as Record<string, unknown> | null;
  if (!validate(value)) {
    const seen = new Set<string>();
    // a failed oneOf/anyOf also reports its branches' "required": keep the summary only
    const errors = validate.errors ?? [];
    const summarized = new Set(
      errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf").map((e) => e.instancePath),
    );
    for (const error of errors) {
      if (error.keyword === "required" && summarized.has(error.instancePath) && /oneOf|anyOf/.test(error.schemaPath))
        continue;
      const path = error.instancePath
        .split("/")
        .slice(1)
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
      const node =
        error.keyword === "additionalProperties"
          ? keyNodeAt(doc, path, String(error.params.additionalProperty))
          : nodeAt(doc, path);
      const message = describe(error, path);
      if (seen.has(message)) continue;
      seen.add(message);
      problems.push({ line: lineOfNode(node), message });
    }
    throw new ManifestError(
      path,
      problems.sort((a, b) => a.line - b.line),
    );
  }
  const data = value as Record<string, any>;
  const base = dirname(resolve(path));
  const resources: ManifestResource[] = [];
  const keys = new Map<string, number>();
  for (const [i, r] of ((data.resources ?? []) as Record<string, any>[]).entries()) {
    const line = lineOfNode(nodeAt(doc, ["resources", i]));
    const key = String(r.key ?? r.title).trim();
    if (keys.has(key))
      problems.push({
        line,
        message: `resources[${i}] has the same key as the resource on line ${keys.get(key)} ("${key}"): give one of them a distinct "key"`,
      });
    keys.set(key, line);
    const file = r.file ? resolve(base, r.file) : undefined;
    if (file) {
      const info = await stat(file).catch(() => null);
      if (!info)
        problems.push({
          line: lineOfNode(nodeAt(doc, ["resources", i, "file"])),
          message: `resources[${i}].file: ${r.file} does not exist (paths are relative to the manifest)`,
        });
      else if (!info.isFile())
        problems.push({
          line: lineOfNode(nodeAt(doc, ["resources", i, "file"])),
          message: `resources[${i}].file: ${r.file} is not a file`,
        });
      else if (!options.allowOutside && !(await inside(base, file)))
        problems.push({
          line: lineOfNode(nodeAt(doc, ["resources", i, "file"])),
          message:
            `resources[${i}].file: ${r.file} is outside the manifest's folder (${base}): move it there, or pass ` +
            `--allow-outside if it is meant to be published`,
        });
    }
    const format = r.format ?? (file ? extname(file).slice(1).toLowerCase() || undefined : undefined);
    resources.push({
      key,
      title: r.title,
      description: r.description,
      file,
      url: r.url,
      type: r.type ?? "main",
      format,
      line,
    });
  }
  if (problems.length) throw new ManifestError(path, problems);
  return {
    path,
    key: data.key,
    id: data.id,
    title: data.title,
    description: data.description,
    description_short: data.description_short,
    acronym: data.acronym,
    organization: data.organization,
    license: data.license,
    frequency: data.frequency,
    tags: data.tags,
    private: data.private ?? false,
    temporal_coverage: data.temporal_coverage,
    extras: data.extras,
    resources,
    lineOf: (field: string) => lineOfNode(keyNodeAt(doc, [], field)),
  };
}
