import { VERSION } from "../http/version.ts";
import { EXIT, reportError } from "./exit.ts";

/** Each command is a function of its argv; its module loads only when the command runs. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  tabular: {
    summary: "query a tabular resource's rows into csv, json, ndjson, arrow or parquet",
    load: async () => (await import("./tabular.ts")).main,
  },
  metrics: {
    summary: "query a Metrics API model (monthly visits and downloads)",
    load: async () => (await import("./metrics.ts")).main,
  },
  datasets: { summary: "search or get datasets", load: async () => (await import("./main-api.ts")).datasetsMain },
  resources: { summary: "get a resource", load: async () => (await import("./main-api.ts")).resourcesMain },
  organizations: {
    summary: "get an organization",
    load: async () => (await import("./main-api.ts")).organizationsMain,
  },
  catalog: {
    summary: "load the site-wide exports and metrics totals into one DuckDB database; report on it",
    load: async () => (await import("./catalog-database.ts")).main,
  },
  publish: {
    summary: "make a dataset and its resources on data.gouv.fr match a manifest (YAML or JSON)",
    load: async () => (await import("./publish.ts")).main,
  },
  api: { summary: "call any Main API route, like gh api", load: async () => (await import("./api.ts")).main },
  sandbox: {
    summary: "run the embedded data.gouv.fr sandbox on loopback",
    load: async () => (await import("./sandbox.ts")).main,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "usage: datagouv <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`),
    "",
    "Every command takes --help. Data goes to stdout (or --output FILE), logs and progress to stderr.",
    "Environment: DATAGOUV_SANDBOX_URL (use a sandbox instead of data.gouv.fr), DATAGOUV_API_KEY (writes),",
    "DATAGOUV_CACHE_DIR (download cache).",
    "Exit codes: 0 ok, 2 usage error, 3 API error, 4 file error, 1 unexpected.",
  ].join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`datagouv: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    const main = await command.load();
    return await main(rest);
  } catch (error) {
    return reportError(error);
  }
}
