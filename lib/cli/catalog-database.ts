import { buildCatalogDatabase, CATALOG_QUERIES, catalogReport, type CatalogQuery } from "../duckdb/catalog-database.ts";
import { Duck } from "../duckdb/connection.ts";
import { connect } from "./connect.ts";
import { checkOutput } from "./deliver.ts";
import { EXIT, FileProblem, UsageError } from "./exit.ts";
import { printHelp } from "./help.ts";
import { parse, type CommandSpec } from "./options.ts";
import { printJson, printTable } from "./print.ts";
import { didYouMean } from "./suggest.ts";

const REPORTS = Object.keys(CATALOG_QUERIES);

export const COMMAND = {
  name: "catalog",
  forms: [
    { options: ["output", "refresh"], required: ["output"] },
    { args: `report <${REPORTS.join("|")}>`, options: ["db", "json"], required: ["db"] },
  ],
  about: `Loads the site-wide catalog exports (datasets, resources, organizations, reuses, dataservices) and the Metrics API's
_total tables and site months into one DuckDB database (written atomically; unchanged exports are not downloaded again
unless --refresh). "report" runs one of the library's catalog queries on such a database.`,
  options: {
    output: { type: "string", short: "o", value: "FILE", help: "the DuckDB database to write (its folder must exist)" },
    refresh: { type: "boolean", help: "download every export again, even those unchanged since the last run" },
    db: { type: "string", value: "FILE", help: "the catalog database to report on (built with --output)" },
    json: { type: "boolean", help: "JSON even on a terminal (a table otherwise)" },
  },
} as const satisfies CommandSpec;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals, help } = parse(COMMAND, argv);
  if (help) return printHelp(COMMAND);
  if (positionals[0] === "report") {
    const name = positionals[1];
    if (!Object.hasOwn(CATALOG_QUERIES, name ?? ""))
      throw new UsageError(
        name === undefined
          ? `report: name a report, one of ${REPORTS.join(", ")}`
          : `report: unknown report ${JSON.stringify(name)}${didYouMean(name, REPORTS) || `; use one of ${REPORTS.join(", ")}`}`,
      );
    if (!values.db) throw new UsageError("report: --db FILE names the catalog database (built with --output)");
    return report(name as CatalogQuery, values.db, values.json === true);
  }
  if (positionals.length)
    throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}${didYouMean(positionals[0], ["report"])}`);
  if (!values.output) throw new UsageError("--output FILE is required: the DuckDB database to write");
  await checkOutput(values.output);
  const dg = await connect();
  try {
    const { tables } = await buildCatalogDatabase(dg.http, values.output, {
      refresh: values.refresh,
      log: (line) => process.stderr.write(`datagouv: ${line}\n`),
    });
    process.stderr.write(
      `datagouv: wrote ${values.output}: ${Object.entries(tables)
        .map(([t, n]) => `${t} ${n}`)
        .join(", ")}\n`,
    );
    return EXIT.ok;
  } finally {
    await dg.close();
  }
}

async function report(name: CatalogQuery, db: string, json: boolean): Promise<number> {
  const duck = await Duck.open({ path: db, readOnly: true }).catch((error: Error) => {
    throw new FileProblem(`--db ${db}: cannot open it as a DuckDB database: ${error.message}`);
  });
  try {
    const rows = await catalogReport(duck, name).catch((error: Error) => {
      if (!/^Catalog Error/.test(error.message)) throw error;
      throw new FileProblem(`--db ${db}: not a catalog database (build one with "datagouv catalog --output FILE")`);
    });
    const plain = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    );
    if (process.stdout.isTTY && !json) printTable(plain, Object.keys(plain[0] ?? {}));
    else printJson(plain);
    return EXIT.ok;
  } finally {
    duck.close();
  }
}
