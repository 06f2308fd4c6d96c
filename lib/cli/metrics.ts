import { abbreviate } from "../http/errors.ts";
import { interruption } from "./interrupt.ts";
import { METRICS_MODELS } from "../metrics/models.ts";
import { connect } from "./connect.ts";
import { checkOutput, deliver } from "./deliver.ts";
import { EXIT, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, type CommandSpec } from "./options.ts";
import { progressReporter } from "./progress.ts";
import { applyQueryOptions, FILTER_OPTIONS, memoryLimitOption, outputFormat, OUTPUT_OPTIONS } from "./query-args.ts";
import { didYouMean } from "./suggest.ts";

const MODELS = Object.keys(METRICS_MODELS);

export const COMMAND = {
  name: "metrics",
  forms: [{ args: "<model>" }],
  about: `Monthly visits and downloads from the Metrics API. Models: ${MODELS.join(", ")}.
metric_month loads as a month (the first day, as a date) in arrow and parquet; counts as integers.`,
  options: {
    ...FILTER_OPTIONS,
    months: {
      type: "string",
      value: "FROM:TO",
      help: "months from FROM to TO, both included (YYYY-MM; either may be left empty)",
    },
    refresh: { type: "boolean", help: "fetch every window again instead of resuming an export that was cut short" },
    ...OUTPUT_OPTIONS,
  },
} as const satisfies CommandSpec;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals, help } = parse(COMMAND, argv);
  if (help) return printHelp(COMMAND);
  if (positionals.length !== 1) throw new UsageError(`expected one model: ${MODELS.join(", ")}`);
  const [model] = positionals;
  if (!Object.hasOwn(METRICS_MODELS, model))
    throw new UsageError(
      `unknown model ${JSON.stringify(model)}${didYouMean(model, MODELS) || `: use one of ${MODELS.join(", ")}`}`,
    );
  const format = outputFormat(values.format, values.output);
  const memoryLimit = await memoryLimitOption(values["memory-limit"]);
  const months = values.months?.split(":");
  if (months && months.length !== 2)
    throw new UsageError(`--months ${JSON.stringify(values.months)}: expected FROM:TO, such as 2025-01:2025-06`);
  if (values.output) await checkOutput(values.output);
  const dg = await connect();
  try {
    let query = applyQueryOptions(dg.metrics(model), values);
    if (months) query = query.months(months[0] || undefined, months[1] || undefined);
    const { toFile } = await import("../duckdb/export.ts");
    process.stderr.write(`datagouv: ${abbreviate(String(query))}\n`);
    const progress = progressReporter();
    const rows = await deliver(values.output, format, (path) =>
      toFile(query, path, format, {
        memoryLimit,
        refresh: values.refresh,
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
