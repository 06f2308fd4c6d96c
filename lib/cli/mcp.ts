import { EXIT, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, positiveInt, type CommandSpec } from "./options.ts";

export const COMMAND = {
  name: "mcp",
  forms: [{}],
  about: `Serves the toolkit as a Model Context Protocol server: over stdio (how desktop assistants start servers), or over the
Streamable HTTP transport at http://HOST:PORT/mcp with --http. Its tools search the catalog, read datasets,
resources, organizations and dataservices, profile, query and export tabular resources, run SQL over a resource
locally, and answer visits and downloads. It talks to data.gouv.fr, or to DATAGOUV_SANDBOX_URL when set.`,
  options: {
    http: {
      type: "string",
      value: "PORT",
      help: "serve over HTTP on PORT (0: a free one, printed on stderr) instead of stdio",
    },
    host: {
      type: "string",
      value: "HOST",
      help:
        "the address to listen on (default 127.0.0.1); requests from a browser page are accepted only from " +
        "loopback origins and those given with --allow-origin",
    },
    "allow-origin": { type: "string", multiple: true, value: "URL", help: "an Origin accepted over HTTP (repeatable)" },
    "output-dir": {
      type: "string",
      value: "DIR",
      help: "the only folder exports are written to (and uploads read from); default ~/datagouv-mcp",
    },
    "catalog-db": {
      type: "string",
      value: "FILE",
      help: "the catalog database catalog_report reads (default DIR/catalog.duckdb, built when missing)",
    },
    "allow-writes": { type: "boolean", help: "list the publishing tools (they also need DATAGOUV_API_KEY)" },
    env: {
      type: "string",
      value: "prod|demo",
      help: "which data.gouv.fr (default prod; DATAGOUV_SANDBOX_URL overrides it)",
    },
    timeout: { type: "string", value: "S", help: "a tool call's deadline in seconds (default 60)" },
    "long-timeout": {
      type: "string",
      value: "S",
      help: "the deadline of exports, local SQL and catalog builds (default 900)",
    },
    "sql-timeout": { type: "string", value: "S", help: "how long one SQL statement may run (default 60)" },
    "memory-limit": { type: "string", value: "SIZE", help: "DuckDB's memory budget for local runs (default 512MB)" },
  },
  positionals: false,
} as const satisfies CommandSpec;

export async function main(argv: string[]): Promise<number> {
  const { values, help } = parse(COMMAND, argv);
  if (help) return printHelp(COMMAND);
  if (values.env !== undefined && values.env !== "prod" && values.env !== "demo")
    throw new UsageError(`--env takes prod or demo, not ${JSON.stringify(values.env)}`);
  if ((values.host || values["allow-origin"]) && values.http === undefined)
    throw new UsageError("--host and --allow-origin go with --http PORT");
  const port = values.http === undefined ? undefined : Number(values.http);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new UsageError(`--http takes a port number, not ${JSON.stringify(values.http)}`);
  const seconds = (text: string | undefined, flag: string) =>
    text === undefined ? undefined : positiveInt(text, flag) * 1000;
  const { createContext, createMcpServer, serveHttp } = await loadServer();
  const { checkMemoryLimit } = await import("../duckdb/connection.ts");
  let sqlMemoryLimit: string | undefined;
  try {
    sqlMemoryLimit = values["memory-limit"] === undefined ? undefined : checkMemoryLimit(values["memory-limit"]);
  } catch (error) {
    throw new UsageError(`--memory-limit: ${(error as Error).message}`);
  }
  const context = createContext({
    outputDir: values["output-dir"],
    catalogDb: values["catalog-db"],
    allowWrites: values["allow-writes"],
    env: values.env as "prod" | "demo" | undefined,
    timeoutMs: seconds(values.timeout, "--timeout"),
    longTimeoutMs: seconds(values["long-timeout"], "--long-timeout"),
    sqlTimeoutMs: seconds(values["sql-timeout"], "--sql-timeout"),
    sqlMemoryLimit,
  });
  if (values["allow-writes"] && !context.writes)
    process.stderr.write("datagouv: --allow-writes without DATAGOUV_API_KEY: the publishing tools stay off\n");
  const writes = context.writes ? "publishing tools on" : "read-only";
  try {
    if (port === undefined) {
      const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
      const server = createMcpServer(context);
      const closed = new Promise<void>((resolve) => {
        server.server.onclose = () => resolve();
        // the assistant closing our stdin is how it stops us
        process.stdin.once("end", () => resolve());
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await server.connect(new StdioServerTransport());
      process.stderr.write(`datagouv: MCP server on stdio (${writes}); exports go to ${context.outputDir}\n`);
      await closed;
      await server.close();
    } else {
      const http = await serveHttp(context, {
        port,
        host: values.host,
        allowedOrigins: values["allow-origin"],
      }).catch((error: Error & { code?: string }) => {
        if (error.code === "EADDRINUSE")
          throw new UsageError(`port ${port} is taken: choose another, or --http 0 for a free one`);
        throw error;
      });
      process.stderr.write(
        `datagouv: MCP server listening on ${http.url} (${writes}); exports go to ${context.outputDir}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await http.close();
    }
    return EXIT.ok;
  } finally {
    await context.dg.close();
  }
}

/** The MCP SDK is an optional peer dependency: only this command needs it. */
const SDK_PACKAGES = ["@modelcontextprotocol/sdk", "zod"];

async function loadServer(): Promise<typeof import("../mcp/index.ts")> {
  try {
    return await import("../mcp/index.ts");
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === "ERR_MODULE_NOT_FOUND" && SDK_PACKAGES.some((name) => message?.includes(`'${name}`)))
      throw new UsageError(
        `datagouv mcp needs the MCP SDK, an optional part of datagouv-kit: install it with \`npm install ${SDK_PACKAGES.join(" ")}\``,
      );
    throw error;
  }
}
