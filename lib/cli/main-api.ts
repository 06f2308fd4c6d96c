import { connect } from "./connect.ts";
import { printJson, printTable } from "./print.ts";
import { EXIT, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, positiveInt, type CommandSpec } from "./options.ts";
import { didYouMean } from "./suggest.ts";

/** The read commands over the catalog: JSON on stdout, or a short table on a terminal. */

const SEARCH_OPTIONS = ["organization", "tag", "resource-format", "sort", "limit", "json"];

export const DATASETS = {
  name: "datasets",
  forms: [
    { args: "search <q>", options: SEARCH_OPTIONS },
    { args: "get <id|slug>", options: [] },
  ],
  about: "Searches the catalog (v2 search; results stop at 10,000) or prints one dataset as JSON.",
  options: {
    organization: { type: "string", value: "ID", help: "only datasets of this organization (id)" },
    tag: { type: "string", multiple: true, value: "T", help: "only datasets with this tag (repeatable: all of them)" },
    "resource-format": {
      type: "string",
      value: "F",
      help: "only datasets with a resource in this format (csv, json, shp, …)",
    },
    sort: {
      type: "string",
      value: "S",
      help: "created, last_update, reuses, followers or views; a leading - sorts in descending order",
    },
    limit: { type: "string", value: "N", default: "20", help: "at most N datasets (default 20)" },
    json: { type: "boolean", help: "JSON even on a terminal (a table otherwise)" },
  },
  renamed: {
    format: {
      to: "resource-format",
      why: "it filters on the resources' format, while --format names the output's format in tabular and metrics",
    },
  },
} as const satisfies CommandSpec;

export async function datasetsMain(argv: string[]): Promise<number> {
  const { values, positionals, help } = parse(DATASETS, argv);
  if (help) return printHelp(DATASETS);
  const [action, term, ...more] = positionals;
  if (action !== "search" && action !== "get")
    throw new UsageError(
      action === undefined
        ? 'expected "search <q>" or "get <id|slug>"'
        : `unknown action ${JSON.stringify(action)}${didYouMean(action, ["search", "get"]) || ': use "search <q>" or "get <id|slug>"'}`,
    );
  if (more.length) throw new UsageError(`unexpected ${JSON.stringify(more[0])}: quote a search of several words`);
  if (action === "get") {
    if (!term) throw new UsageError('expected "get <id|slug>"');
    const searchOnly = SEARCH_OPTIONS.filter((name) => name !== "limit" && values[name as keyof typeof values]);
    if (searchOnly.length) throw new UsageError(`--${searchOnly[0]} is for "datasets search", not "datasets get"`);
  }
  const limit = positiveInt(values.limit, "--limit");
  const dg = await connect();
  try {
    if (action === "get") {
      printJson(await dg.datasets.get(term!));
      return EXIT.ok;
    }
    const listing = dg.datasets.search(
      {
        q: term,
        organization: values.organization,
        tag: values.tag,
        format: values["resource-format"],
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
  } finally {
    await dg.close();
  }
}

export const RESOURCES = {
  name: "resources",
  forms: [{ args: "get <resource-id>" }],
  about: "Prints one resource with its dataset id (v2), and whether the Tabular API serves it.",
  options: {},
} as const satisfies CommandSpec;

export async function resourcesMain(argv: string[]): Promise<number> {
  const { positionals, help } = parse(RESOURCES, argv);
  if (help) return printHelp(RESOURCES);
  const id = getOne(positionals, "<resource-id>");
  const dg = await connect();
  try {
    const found = await dg.datasets.resource(id);
    const { isTabularResource } = await import("../tabular/api.ts");
    printJson({ ...found, tabular: isTabularResource(found.resource) });
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

export const ORGANIZATIONS = {
  name: "organizations",
  forms: [{ args: "get <id|slug>" }],
  about: "Prints one organization as JSON.",
  options: {},
} as const satisfies CommandSpec;

export async function organizationsMain(argv: string[]): Promise<number> {
  const { positionals, help } = parse(ORGANIZATIONS, argv);
  if (help) return printHelp(ORGANIZATIONS);
  const id = getOne(positionals, "<id|slug>");
  const dg = await connect();
  try {
    printJson(await dg.organizations.get(id));
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

/** The one id of `get <id>`, the only action of the commands that print one object. */
function getOne(positionals: string[], what: string): string {
  const [action, id, ...more] = positionals;
  if (action !== "get")
    throw new UsageError(
      `expected "get ${what}"${action === undefined ? "" : `, not ${JSON.stringify(action)}${didYouMean(action, ["get"])}`}`,
    );
  if (!id) throw new UsageError(`expected "get ${what}": the ${what.slice(1, -1).split("|")[0]} is missing`);
  if (more.length) throw new UsageError(`expected one ${what}, not ${more.length + 1}`);
  return id;
}
