import {
  applyPlan,
  formatPlan,
  loadManifest,
  ManifestError,
  MANIFEST_SCHEMA,
  planJson,
  planPublish,
} from "../publish/index.ts";
import { connect } from "./connect.ts";
import { EXIT, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, type CommandSpec } from "./options.ts";
import { printJson } from "./print.ts";
import { progressReporter } from "./progress.ts";

export const COMMAND = {
  name: "publish",
  forms: [
    { args: "<manifest.yaml|manifest.json>", options: ["dry-run", "json", "allow-outside"] },
    { options: ["schema"], required: ["schema"] },
  ],
  about: `Makes data.gouv.fr match the manifest: creates the dataset and resources it lacks, updates what differs, uploads
only the files whose checksum changed, and leaves everything else alone. A second run changes nothing.
Writes need an API key: DATAGOUV_API_KEY (from your data.gouv.fr profile).`,
  options: {
    "dry-run": { type: "boolean", help: "print the plan (create / update / upload / unchanged) and write nothing" },
    json: { type: "boolean", help: "the plan and the result as JSON on stdout" },
    "allow-outside": {
      type: "boolean",
      help: "let file: paths leave the manifest's folder (refused by default, so that a manifest cannot publish whatever file its runner can read)",
    },
    schema: { type: "boolean", help: "print the manifest's JSON Schema" },
  },
  epilog: `A manifest (paths are relative to it):
  key: air-quality-2024            # how later runs find the dataset again (or id: an existing dataset)
  title: Air quality 2024
  description: Hourly measurements…
  organization: my-org             # id or slug; without it, the key's user owns the dataset
  license: lov2
  frequency: monthly
  tags: [air, pollution]
  resources:
    - title: Measurements
      file: data/measurements.csv
    - title: Documentation
      url: https://example.org/doc.pdf
      type: documentation`,
} as const satisfies CommandSpec;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals, help } = parse(COMMAND, argv);
  if (help) return printHelp(COMMAND);
  if (values.schema) {
    printJson(MANIFEST_SCHEMA);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `expected one manifest, not ${positionals.length}` : "expected a manifest",
    );
  let manifest;
  try {
    manifest = await loadManifest(positionals[0], { allowOutside: values["allow-outside"] === true });
  } catch (error) {
    return manifestProblem(error);
  }
  const dg = await connect();
  try {
    let plan;
    try {
      plan = await planPublish(dg, manifest);
    } catch (error) {
      return manifestProblem(error);
    }
    if (!values.json) process.stdout.write(`${formatPlan(plan)}\n`);
    if (values["dry-run"] || plan.writes === 0) {
      if (values.json) printJson({ plan: planJson(plan), result: null });
      return EXIT.ok;
    }
    const uploads = new Map<string, ReturnType<typeof progressReporter>>();
    const result = await applyPlan(dg, plan, {
      log: (line) => process.stderr.write(`datagouv: ${line}\n`),
      onUpload: (file, sent, total) => {
        let reporter = uploads.get(file);
        if (!reporter) uploads.set(file, (reporter = progressReporter()));
        reporter.update({ label: `uploading ${file}`, bytes: sent });
        if (sent === total) reporter.done();
      },
    });
    if (values.json) printJson({ plan: planJson(plan), result });
    else
      process.stdout.write(
        `done: ${result.writes} change${result.writes === 1 ? "" : "s"} made; dataset ${result.datasetId}${result.page ? ` (${result.page})` : ""}\n`,
      );
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

function manifestProblem(error: unknown): number {
  if (!(error instanceof ManifestError)) throw error;
  process.stderr.write(
    `datagouv: the manifest cannot be published as it is:\n${error.problems.map((p) => `  ${p}`).join("\n")}\n`,
  );
  return EXIT.usage;
}
