import { VERSION } from "../http/version.ts";
import { EXIT, reportError, UsageError } from "./exit.ts";
import { didYouMean } from "./suggest.ts";
import { handleInterruptions, interrupted, reportInterrupted } from "./interrupt.ts";

/**
 * Each command is a function of its argv; its module loads only when the command runs. On Ctrl-C or SIGTERM, a
 * command `signals: "graceful"` is told and cleans up (see interrupt.ts); one with signals of its own (the servers)
 * handles them itself; the others end at once.
 */
const COMMANDS: Record<
  string,
  {
    summary: string;
    load: () => Promise<(argv: string[]) => Promise<number>>;
    signals?: "graceful" | "own";
  }
> = {
  tabular: {
    summary: "query a tabular resource's rows into csv, json, ndjson, arrow or parquet",
    load: async () => (await import("./tabular.ts")).main,
    signals: "graceful",
  },
  metrics: {
    summary: "query a Metrics API model (monthly visits and downloads)",
    load: async () => (await import("./metrics.ts")).main,
    signals: "graceful",
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
  mcp: {
    summary: "serve the toolkit to AI assistants as a Model Context Protocol server (stdio or HTTP)",
    load: async () => (await import("./mcp.ts")).main,
    signals: "own",
  },
  api: { summary: "call any Main API route, like gh api", load: async () => (await import("./api.ts")).main },
  sandbox: {
    summary: "run the embedded data.gouv.fr sandbox on loopback",
    load: async () => (await import("./sandbox.ts")).main,
    signals: "own",
  },
};

/** What the command line takes before a command's name. */
const TOP_LEVEL = ["--help", "--version", "--debug"];

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "usage: datagouv <command> [options]",
    "       datagouv help <command>",
    "       datagouv --version",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`),
    "",
    "Every command takes --help (the same as datagouv help <command>), and --debug, which prints the stack of an",
    "unexpected error. Data goes to stdout (or --output FILE), logs and progress to stderr: on a terminal the progress",
    "line is rewritten in place and errors are in colour, except with TERM=dumb (neither) or NO_COLOR (no colour).",
    "Environment: DATAGOUV_SANDBOX_URL (use a sandbox instead of data.gouv.fr), DATAGOUV_API_KEY (writes),",
    "DATAGOUV_CACHE_DIR (download cache).",
    "Exit codes: 0 ok, 2 usage error (the command line or a setting), 3 API error, 4 file or disk error, 1 unexpected.",
  ].join("\n");
}

function find(name: string): (typeof COMMANDS)[string] {
  if (Object.hasOwn(COMMANDS, name)) return COMMANDS[name];
  throw new UsageError(
    `unknown command ${JSON.stringify(name)}${didYouMean(name, Object.keys(COMMANDS)) || `; the commands are ${Object.keys(COMMANDS).join(", ")}`}`,
  );
}

/** `--debug` before any `--` (after it, it would be a word, not the option). */
function debugging(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--debug") || Boolean(process.env.DATAGOUV_DEBUG);
}

export async function run(argv: string[]): Promise<number> {
  const debug = debugging(argv);
  const words = argv[0] === "--debug" ? argv.slice(1) : argv;
  const [name, ...rest] = words;
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`);
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
    process.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (name === "--version" || name === "-v" || name === "-V") {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  try {
    if (name === "help") {
      if (rest.length > 1) throw new UsageError(`help takes one command, as in "datagouv help ${rest[0]}"`);
      return await (
        await find(rest[0]).load()
      )(["--help"]);
    }
    if (name.startsWith("-"))
      throw new UsageError(
        `unknown option ${name} before the command${
          didYouMean(
            name.replace(/^-+/, ""),
            TOP_LEVEL.map((o) => o.slice(2)),
            (o) => `--${o}`,
          ) || `; a command's options go after its name: datagouv <command> ${name}`
        }`,
      );
    const command = find(name);
    if (command.signals !== "own") handleInterruptions(command.signals === "graceful");
    const main = await command.load();
    return await main(rest);
  } catch (error) {
    // what an interruption made fail is the interruption's doing, said as such
    if (interrupted()) return reportInterrupted(true);
    return reportError(error, { command: Object.hasOwn(COMMANDS, name) ? name : undefined, debug });
  }
}
