import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** ../shared/seed/datagouv-apis.md, the reference this project started from, beside the repository. */
export const REFERENCE = fileURLToPath(new URL("../../../shared/seed/datagouv-apis.md", import.meta.url));

/** One line of the reference's Main API tables: its methods and the paths its shorthand stands for. */
export interface ReferenceLine {
  text: string;
  methods: string[];
  paths: string[];
}

const METHOD = "(?:GET|POST|PUT|PATCH|DELETE)";
const LINE = new RegExp(`^(${METHOD}(?:/${METHOD})*)(/.*)$`);

/**
 * Reads the Main API section and expands its shorthand: "GET/datasets/badges/, frequencies/" is two paths under the
 * first one's parent; ".../x/" continues the line's first path; a path starting with the first one's top segment
 * ("harvest/job/{ident}/" after "/harvest/source/{id}/jobs/") or with "/" stands alone; "a or b" is two paths.
 */
export function readReference(file = REFERENCE): ReferenceLine[] {
  const text = readFileSync(file, "utf8");
  const section = text.slice(text.indexOf("1. Main API"), text.indexOf("2. Metrics API"));
  const lines: ReferenceLine[] = [];
  for (const raw of section.split("\n")) {
    const match = LINE.exec(raw.trim());
    if (!match) continue;
    const methods = match[1].split("/");
    const spec = match[2].split(" — ")[0].replace(/^\/\.\.\.\//, "/");
    const parts = spec
      .split(/,\s*|\s+or\s+/)
      .map((part) => part.trim())
      .filter(Boolean);
    const first = parts[0];
    const parent = first.replace(/[^/]+\/?$/, "");
    const top = first.split("/")[1];
    const paths = parts.map((part, i) => {
      if (i === 0 || part.startsWith("/")) return part;
      if (part.startsWith(".../")) return first + part.slice(4);
      if (part.split("/")[0] === top) return `/${part}`;
      return parent + part;
    });
    lines.push({ text: raw.trim(), methods, paths });
  }
  return lines;
}

/** A path's shape, parameters' names dropped: "/datasets/{id}/" and "api/1/datasets/{dataset}/" are the same route. */
export function shape(path: string): string {
  return `/${path.replace(/^\/?(api\/1\/)?/, "")}`.replace(/\{[^}]+\}/g, "{}");
}
