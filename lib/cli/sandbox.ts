import { createRequire } from "node:module";
import { EXIT, UsageError } from "./exit.ts";
import { helpText } from "./help.ts";
import { parse, positiveInt, type CommandSpec } from "./options.ts";

export const COMMAND = {
  name: "sandbox",
  forms: [{}],
  about: `Runs the embedded data.gouv.fr on one port: the Main API at /api/1/ and /api/2/, the Tabular API at /tabular/api/,
the Metrics API at /metrics/api/; health checks at /api/1/health/, /tabular/health/ and /metrics/health/.
Prints "listening on URL" first, then serves until stopped (Ctrl-C, SIGTERM).
Point the toolkit at it with DATAGOUV_SANDBOX_URL=URL.`,
  options: {
    port: { type: "string", value: "N", default: "0", help: "the port (default 0: a free one, printed)" },
    host: { type: "string", value: "HOST", default: "127.0.0.1", help: "the address to listen on (default 127.0.0.1)" },
    data: {
      type: "string",
      value: "DIR",
      help: "keep the database and uploaded files in DIR across restarts (in memory otherwise)",
    },
    "api-key": {
      type: "string",
      multiple: true,
      value: "KEY",
      help:
        "a key accepted as X-API-KEY (repeatable, 8 characters or more): a producer who administers the sandbox's " +
        "own organizations (Insee, La Poste, Sandbox data.gouv.fr); KEY@org-a,org-b (ids or slugs) limits it to " +
        "those organizations; KEY!expired, KEY!revoked, KEY!inactive is refused with 401 and that reason. Without " +
        "any, one key is generated and printed on stderr",
    },
    faults: {
      type: "string",
      value: "SPEC",
      help:
        'inject faults: "PATTERN:ACTION,…;…" with latency=MS, status=CODE, prob=P, nth=N[-M], reset-after=BYTES, ' +
        'truncate=BYTES, cut-request-after=BYTES, overload, seed=N (e.g. "/tabular/*:status=503,prob=0.2")',
    },
    "rate-limit": {
      type: "string",
      value: "N/S",
      help: "answer 429 past N requests per S seconds per client, with X-RateLimit-* headers",
    },
    "big-rows": { type: "string", value: "N", help: "rows of the large generated resource (default 1000000)" },
    catalog: {
      type: "string",
      value: "full|N",
      help:
        '"full": add a synthetic catalog of the real platform\'s size and shape (73,211 datasets, 381,952 ' +
        "resources, 5,997 organizations, 4,674 reuses, 378 dataservices) and its metrics; N: the same shape at N " +
        "datasets in all. Deterministic, and said to be synthetic in /health/",
    },
  },
  positionals: false,
  epilog:
    "The catalog and tables are real public data (unless --catalog adds a synthetic one); the metrics are synthetic.",
} as const satisfies CommandSpec;

/** What this command uses of the sandbox package, which the toolkit's users need not install. */
interface SandboxPackage {
  startSandbox(options: {
    port: number;
    host?: string;
    dataDir?: string;
    apiKeys?: string[];
    faults?: string;
    rateLimit?: { limit: number; windowMs: number };
    tabular?: { bigRows?: number };
    catalog?: "full" | number;
    log?: (line: string) => void;
  }): Promise<{ url: string; close(): Promise<void> }>;
  parseFaults(spec: string | undefined): unknown;
  parseApiKeys(keys: string[]): unknown;
}

const SANDBOX_PACKAGE = "datagouv-kit-sandbox";
const NOT_INSTALLED = `the sandbox is a package of its own: install it with \`npm install --save-dev ${SANDBOX_PACKAGE}\``;

function sandboxInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(`${SANDBOX_PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}

async function loadSandbox(): Promise<SandboxPackage> {
  try {
    return (await import(SANDBOX_PACKAGE)) as SandboxPackage;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === "ERR_MODULE_NOT_FOUND" && message?.includes(SANDBOX_PACKAGE)) throw new UsageError(NOT_INSTALLED);
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, help } = parse(COMMAND, argv);
  if (help) {
    // the help is all a user without the sandbox may read: it says what to install
    process.stdout.write(`${helpText(COMMAND)}
${
  sandboxInstalled()
    ? ""
    : `
Not installed here: ${NOT_INSTALLED}.
`
}`);
    return EXIT.ok;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, not ${JSON.stringify(values.port)}`);
  let rateLimit;
  if (values["rate-limit"]) {
    const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(values["rate-limit"]);
    if (!match)
      throw new UsageError(`--rate-limit takes N/SECONDS (e.g. 100/60), not ${JSON.stringify(values["rate-limit"])}`);
    rateLimit = { limit: Number(match[1]), windowMs: Number(match[2]) * 1000 };
  }
  const catalog =
    values.catalog === undefined || values.catalog === "full"
      ? values.catalog
      : /^\d+$/.test(values.catalog)
        ? positiveInt(values.catalog, "--catalog")
        : undefined;
  if (values.catalog !== undefined && catalog === undefined)
    throw new UsageError(`--catalog takes "full" or a number of datasets, not ${JSON.stringify(values.catalog)}`);
  const { parseApiKeys, parseFaults, startSandbox } = await loadSandbox();
  // refuse a malformed fault spec or key before spending seconds on loading the data
  try {
    parseFaults(values.faults);
    parseApiKeys(values["api-key"] ?? []);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const started = Date.now();
  const sandbox = await startSandbox({
    port,
    host: values.host,
    dataDir: values.data,
    apiKeys: values["api-key"],
    faults: values.faults,
    rateLimit,
    tabular: values["big-rows"] ? { bigRows: positiveInt(values["big-rows"], "--big-rows") } : undefined,
    catalog,
    log: (line) => process.stderr.write(`sandbox: ${line}\n`),
  }).catch((error: Error & { code?: string }) => {
    if (error.code === "EADDRINUSE")
      throw new UsageError(`port ${port} is taken: choose another with --port, or --port 0 for a free one`);
    throw error;
  });
  process.stdout.write(`listening on ${sandbox.url}\n`);
  process.stderr.write(
    `sandbox: ready in ${((Date.now() - started) / 1000).toFixed(1)} s; export DATAGOUV_SANDBOX_URL=${sandbox.url}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sandbox.close();
  return EXIT.ok;
}
