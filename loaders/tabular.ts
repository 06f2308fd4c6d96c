import { DataGouv } from "../lib/client.ts";
import { DataGouvError } from "../lib/http/errors.ts";
import { Duck } from "../lib/duckdb/connection.ts";
import { sqlToFile, toFile, type Format } from "../lib/duckdb/export.ts";
import { loadResource, localSql } from "../lib/duckdb/local.ts";
import type { TabularQuery } from "../lib/tabular/query.ts";
import { parseCommandLine } from "./args.ts";
import { deliver } from "./deliver.ts";
import { EXIT, UsageError } from "./exit.ts";
import { progressReporter } from "./progress.ts";
import { applyQueryOptions, outputFormat, QUERY_HELP, QUERY_OPTIONS } from "./query-args.ts";

export const USAGE = `usage: datagouv tabular <resource-id> [--where col__op=value]... [--sort col[:desc]] [--columns a,b]
                        [--group-by col] [--agg col:op]... [--local|--remote] [--refresh]
                        [--format csv|json|ndjson|arrow|parquet] [--output FILE]

Queries the rows of a tabular resource. Remotely, the Tabular API answers (results past its 50,000-row stream cap are
fetched in __id windows and assembled in order); locally, the resource's file is downloaded (cached, revalidated with
conditional requests) and DuckDB runs the same query with the same meaning. Without --local or --remote, the Tabular API
is used when it serves the resource and allows the query, the local file otherwise; stderr says which.

${QUERY_HELP}
  --local / --remote      force where the query runs
  --refresh               download the file again even if the cached copy is current (local mode)`;

type Mode = "remote" | "local";

/** Where a query should run: the API when it serves the resource and accepts the query, the local file otherwise. */
export async function chooseMode(dg: DataGouv, query: TabularQuery): Promise<{ mode: Mode; reason: string }> {
  try {
    await dg.tabularApi.profile(query.resourceId);
  } catch (error) {
    if (error instanceof DataGouvError && (error.status === 404 || error.status === 410)) return { mode: "local", reason: "the Tabular API does not serve this resource" };
    throw error;
  }
  if (query.isAggregation && !(await dg.tabularApi.aggregationAllowed(query.resourceId))) {
    return { mode: "local", reason: "the Tabular API does not aggregate this resource" };
  }
  return { mode: "remote", reason: "the Tabular API serves this resource" };
}

export async function runTabular(dg: DataGouv, query: TabularQuery, mode: Mode, format: Format, path: string, options: { refresh?: boolean; progress?: ReturnType<typeof progressReporter> } = {}): Promise<number> {
  if (mode === "remote") return toFile(query, path, format, { progress: options.progress?.update });
  const duck = await Duck.memory();
  try {
    const local = await loadResource(dg.http, query.resourceId, duck, { refresh: options.refresh, onBytes: (bytes) => options.progress?.update({ bytes, label: query.resourceId }) });
    process.stderr.write(`datagouv: ${local.download === "revalidated" ? "using the cached file (unchanged on the server)" : "downloaded the file"}: ${local.url}\n`);
    const { sql, params } = localSql(query, local);
    return await sqlToFile(duck, sql, params, path, format);
  } finally {
    duck.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { ...QUERY_OPTIONS, local: { type: "boolean" }, remote: { type: "boolean" }, refresh: { type: "boolean" } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one resource id\n${USAGE}`);
  if (values.local && values.remote) throw new UsageError("--local and --remote cannot be used together");
  const format = outputFormat(values.format, values.output);
  const dg = new DataGouv();
  try {
    const query = applyQueryOptions(dg.tabular(positionals[0]), values);
    const choice = values.local ? { mode: "local" as const, reason: "--local" } : values.remote ? { mode: "remote" as const, reason: "--remote" } : await chooseMode(dg, query);
    process.stderr.write(`datagouv: running ${choice.mode === "remote" ? "remotely on the Tabular API" : "locally with DuckDB on the resource's file"} (${choice.reason}): ${query}\n`);
    const progress = progressReporter();
    const rows = await deliver(values.output, format, (path) => runTabular(dg, query, choice.mode, format, path, { refresh: values.refresh, progress }));
    progress.done(rows);
    if (values.output) process.stderr.write(`datagouv: wrote ${rows.toLocaleString("en")} rows to ${values.output}\n`);
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}
