import { abbreviate } from "../http/errors.ts";
import { interruption } from "./interrupt.ts";
import { connect } from "./connect.ts";
import { checkOutput, deliver } from "./deliver.ts";
import { EXIT, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, type CommandSpec } from "./options.ts";
import { progressReporter } from "./progress.ts";
import { applyQueryOptions, FILTER_OPTIONS, memoryLimitOption, outputFormat, OUTPUT_OPTIONS } from "./query-args.ts";

export const COMMAND = {
  name: "tabular",
  forms: [{ args: "<resource-id>" }],
  about: `Queries the rows of a tabular resource. Remotely, the Tabular API answers (results past its 50,000-row stream cap are
fetched in __id windows and assembled in order); locally, the resource's file is downloaded (cached, revalidated with
conditional requests) and DuckDB runs the same query with the same meaning. Without --local or --remote, the Tabular API
is used when it serves the resource and allows the query, the local file otherwise; stderr says which.`,
  options: {
    ...FILTER_OPTIONS,
    local: { type: "boolean", help: "run the query locally with DuckDB, on the resource's file" },
    remote: { type: "boolean", help: "run the query on the Tabular API" },
    refresh: {
      type: "boolean",
      help:
        "start over: download the file again even if the cached copy is current (local mode), fetch every window " +
        "again instead of resuming an export that was cut short (remote)",
    },
    ...OUTPUT_OPTIONS,
  },
} as const satisfies CommandSpec;

/** A resource id as data.gouv.fr writes them (UUIDs), or the word the Tabular API's routes accept. */
const RESOURCE_ID = /^[\w-]+$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function resourceId(text: string): string {
  if (RESOURCE_ID.test(text)) return text;
  const inside = UUID.exec(text)?.[0];
  throw new UsageError(
    `not a resource id: ${JSON.stringify(abbreviate(text, 80))}; ` +
      (inside
        ? `did you mean ${inside}?`
        : 'a resource id is a UUID such as 0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01 ("datagouv datasets get <dataset>" lists a dataset\'s resources)'),
  );
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals, help } = parse(COMMAND, argv);
  if (help) return printHelp(COMMAND);
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `expected one resource id, not ${positionals.length}` : "expected a resource id",
    );
  const rid = resourceId(positionals[0]);
  if (values.local && values.remote) throw new UsageError("--local and --remote cannot be used together: choose one");
  const format = outputFormat(values.format, values.output);
  const memoryLimit = await memoryLimitOption(values["memory-limit"]);
  if (values.output) await checkOutput(values.output);
  const dg = await connect();
  try {
    const query = applyQueryOptions(dg.tabular(rid), values);
    // the engine loads once the command line is known to be right: help and usage errors come at once
    const [{ toFile }, { describeChoice }] = await Promise.all([
      import("../duckdb/export.ts"),
      import("../duckdb/mode.ts"),
    ]);
    const mode = values.local ? "local" : values.remote ? "remote" : "auto";
    if (mode !== "auto")
      process.stderr.write(
        `datagouv: ${describeChoice({ mode, reason: `--${mode}` })}: ${abbreviate(String(query))}\n`,
      );
    const progress = progressReporter();
    const rows = await deliver(values.output, format, (path) =>
      toFile(query, path, format, {
        mode,
        refresh: values.refresh,
        memoryLimit,
        progress: progress.update,
        signal: interruption.signal,
      }),
    );
    progress.done(rows);
    if (values.output) process.stderr.write(`datagouv: wrote ${rows.toLocaleString("en")} rows to ${values.output}\n`);
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}
