import { VERSION } from "../lib/version.ts";
import { EXIT, reportError } from "./exit.ts";

/** Each command is a module with `main(argv)`; modules load only when their command runs. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> }> = {
  tabular: { summary: "query a tabular resource's rows (filters, sort, aggregation) into csv/json/ndjson/arrow/parquet", load: () => import("./tabular.ts") },
  metrics: { summary: "query a Metrics API model (monthly visits and downloads)", load: () => import("./metrics.ts") },
  datasets: { summary: "search or get datasets", load: () => import("./datasets.ts") },
  resources: { summary: "get a resource", load: () => import("./resources.ts") },
  organizations: { summary: "get an organization", load: () => import("./organizations.ts") },
  catalog: { summary: "load the site-wide catalog exports and metrics totals into one DuckDB database", load: () => import("./catalog.ts") },
  publish: { summary: "make the platform match a dataset manifest (YAML or JSON)", load: () => import("./publish.ts") },
  sandbox: { summary: "run the embedded data.gouv.fr sandbox on loopback", load: () => import("./sandbox.ts") },
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
    const module = await command.load();
    return await module.main(rest);
  } catch (error) {
    return reportError(error);
  }
}
