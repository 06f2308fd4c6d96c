import { DataGouv } from "../client.ts";
import { toFile, type Format } from "../duckdb/export.ts";
import { describeChoice } from "../duckdb/mode.ts";
import type { Mode } from "../tabular/export-engine.ts";
import type { TabularQuery } from "../tabular/query.ts";
import { parseCommandLine } from "./args.ts";
import { deliver } from "./deliver.ts";
import { EXIT, UsageError } from "./exit.ts";
import { progressReporter } from "./progress.ts";
import { applyQueryOptions, memoryLimitOption, outputFormat, QUERY_HELP, QUERY_OPTIONS } from "./query-args.ts";

export const USAGE = `usage: datagouv tabular <resource-id> [--where col__op=value]... [--sort col[:desc]] [--columns a,b]
                        [--group-by col] [--agg col:op]... [--local|--remote] [--refresh]
                        [--format csv|json|ndjson|arrow|parquet] [--output FILE]

Queries the rows of a tabular resource. Remotely, the Tabular API answers (results past its 50,000-row stream cap are
fetched in __id windows and assembled in order); locally, the resource's file is downloaded (cached, revalidated with
conditional requests) and DuckDB runs the same query with the same meaning. Without --local or --remote, the Tabular API
is used when it serves the resource and allows the query, the local file otherwise; stderr says which.

${QUERY_HELP}
  --local / --remote      force where the query runs
  --refresh               start over: download the file again even if the cached copy is current (local mode),
                          fetch every window again instead of resuming an export that was cut short (remote)`;

/**
 * Runs the query where `mode` says, into `path`. Auto mode's choice and local runs' download are reported through the
 * client's logger (stderr), the choice made with the same profile request the export then reads.
 */
export function runTabular(
  query: TabularQuery,
  mode: Mode,
  format: Format,
  path: string,
  options: { refresh?: boolean; memoryLimit?: string; progress?: ReturnType<typeof progressReporter> } = {},
): Promise<number> {
  return toFile(query, path, format, {
    mode,
    refresh: options.refresh,
    memoryLimit: options.memoryLimit,
    progress: options.progress?.update,
  });
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...QUERY_OPTIONS,
    local: { type: "boolean" },
    remote: { type: "boolean" },
    refresh: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one resource id\n${USAGE}`);
  if (values.local && values.remote) throw new UsageError("--local and --remote cannot be used together");
  const format = outputFormat(values.format, values.output);
  const memoryLimit = memoryLimitOption(values["memory-limit"]);
  const dg = new DataGouv();
  try {
    const query = applyQueryOptions(dg.tabular(positionals[0]), values);
    const mode = values.local ? "local" : values.remote ? "remote" : "auto";
    if (mode !== "auto") process.stderr.write(`datagouv: ${describeChoice({ mode, reason: `--${mode}` })}: ${query}\n`);
    const progress = progressReporter();
    const rows = await deliver(values.output, format, (path) =>
      runTabular(query, mode, format, path, { refresh: values.refresh, memoryLimit, progress }),
    );
    progress.done(rows);
    if (values.output) process.stderr.write(`datagouv: wrote ${rows.toLocaleString("en")} rows to ${values.output}\n`);
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}
