import { DataGouv } from "../client.ts";
import { parseCommandLine, printJson, printTable } from "./args.ts";
import { EXIT, UsageError } from "./exit.ts";

/** The read commands over the catalog: JSON on stdout, or a short table on a terminal. */

export const DATASETS_USAGE = `usage: datagouv datasets search <q> [--organization ID] [--tag T]... [--format F] [--sort S] [--limit N] [--json]
       datagouv datasets get <id|slug>
Searches the catalog (v2 search; results stop at 10,000) or prints one dataset as JSON.`;

export async function datasetsMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    organization: { type: "string" },
    tag: { type: "string", multiple: true },
    format: { type: "string" },
    sort: { type: "string" },
    limit: { type: "string", default: "20" },
    json: { type: "boolean" },
  });
  if (values.help) return help(DATASETS_USAGE);
  const [action, term] = positionals;
  const dg = new DataGouv();
  try {
    if (action === "get" && term) {
      printJson(await dg.datasets.get(term));
      return EXIT.ok;
    }
    if (action === "search") {
      const limit = positiveInt(values.limit, "--limit");
      const listing = dg.datasets.search(
        {
          q: term,
          organization: values.organization,
          tag: values.tag,
          format: values.format,
          sort: values.sort as never,
        },
        { limit, pageSize: Math.min(limit, 100) },
      );
      const found = await listing.all();
      if (process.stdout.isTTY && !values.json) {
        printTable(
          found.map((d) => ({
            id: d.id,
            title: d.title,
            organization: d.organization?.name,
            updated: d.last_update?.slice(0, 10),
          })),
          ["id", "title", "organization", "updated"],
        );
      } else printJson(found);
      return EXIT.ok;
    }
    throw new UsageError(`expected "search <q>" or "get <id|slug>"\n${DATASETS_USAGE}`);
  } finally {
    await dg.close();
  }
}

export const RESOURCES_USAGE = `usage: datagouv resources get <resource-id>
Prints one resource with its dataset id (v2), and whether the Tabular API serves it.`;

export async function resourcesMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {});
  if (values.help) return help(RESOURCES_USAGE);
  const [action, id] = positionals;
  if (action !== "get" || !id) throw new UsageError(`expected "get <resource-id>"\n${RESOURCES_USAGE}`);
  const dg = new DataGouv();
  try {
    const found = await dg.datasets.resource(id);
    const { isTabularResource } = await import("../tabular/api.ts");
    printJson({ ...found, tabular: isTabularResource(found.resource) });
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

export const ORGANIZATIONS_USAGE = `usage: datagouv organizations get <id|slug>
Prints one organization as JSON.`;

export async function organizationsMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {});
  if (values.help) return help(ORGANIZATIONS_USAGE);
  const [action, id] = positionals;
  if (action !== "get" || !id) throw new UsageError(`expected "get <id|slug>"\n${ORGANIZATIONS_USAGE}`);
  const dg = new DataGouv();
  try {
    printJson(await dg.organizations.get(id));
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

export function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} takes a positive whole number, not ${JSON.stringify(text)}`);
  return n;
}

function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return EXIT.ok;
}
