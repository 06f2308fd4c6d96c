import { DataGouv } from "../client.ts";
import { toFile } from "../duckdb/export.ts";
import { METRICS_MODELS } from "../metrics/models.ts";
import { parseCommandLine } from "./args.ts";
import { deliver } from "./deliver.ts";
import { EXIT, UsageError } from "./exit.ts";
import { progressReporter } from "./progress.ts";
import { applyQueryOptions, memoryLimitOption, outputFormat, QUERY_HELP, QUERY_OPTIONS } from "./query-args.ts";

export const USAGE = `usage: datagouv metrics <model> [--where col__op=value]... [--months FROM:TO] [--sort col[:desc]] [--columns a,b]
                        [--refresh] [--format csv|json|ndjson|arrow|parquet] [--output FILE]

Monthly visits and downloads from the Metrics API. Models: ${Object.keys(METRICS_MODELS).join(", ")}.
metric_month loads as a month (the first day, as a date) in arrow and parquet; counts as integers.

${QUERY_HELP}
  --months FROM:TO        months from FROM to TO, both included (YYYY-MM; either may be left empty)
  --refresh               fetch every window again instead of resuming an export that was cut short`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...QUERY_OPTIONS,
    months: { type: "string" },
    refresh: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one model\n${USAGE}`);
  const [model] = positionals;
  if (!Object.hasOwn(METRICS_MODELS, model))
    throw new UsageError(
      `unknown model ${JSON.stringify(model)}: use one of ${Object.keys(METRICS_MODELS).join(", ")}`,
    );
  const format = outputFormat(values.format, values.output);
  const memoryLimit = memoryLimitOption(values["memory-limit"]);
  const dg = new DataGouv();
  try {
    let query = applyQueryOptions(dg.metrics(model), values);
    if (values.months) {
      const [from, to] = values.months.split(":");
      query = query.months(from || undefined, to || undefined);
    }
    process.stderr.write(`datagouv: ${query}\n`);
    const progress = progressReporter();
    const rows = await deliver(values.output, format, (path) =>
      toFile(query, path, format, { memoryLimit, refresh: values.refresh, progress: progress.update }),
    );
    progress.done(rows);
    if (values.output) process.stderr.write(`datagouv: wrote ${rows.toLocaleString("en")} rows to ${values.output}\n`);
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}
