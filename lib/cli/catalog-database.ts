import { DataGouv } from "../client.ts";
import { buildCatalogDatabase, CATALOG_QUERIES, catalogReport, type CatalogQuery } from "../duckdb/catalog-database.ts";
import { Duck } from "../duckdb/connection.ts";
import { parseCommandLine, printJson, printTable } from "./args.ts";
import { EXIT, UsageError } from "./exit.ts";

export const USAGE = `usage: datagouv catalog --output catalog.duckdb [--refresh]
       datagouv catalog report <${Object.keys(CATALOG_QUERIES).join("|")}> --db catalog.duckdb [--json]

Loads the site-wide catalog exports (datasets, resources, organizations, reuses, dataservices) and the Metrics API's
_total tables and site months into one DuckDB database (written atomically; unchanged exports are not downloaded again
unless --refresh). "report" runs one of the library's catalog queries on such a database.`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    output: { type: "string", short: "o" },
    db: { type: "string" },
    refresh: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals[0] === "report") {
    const name = positionals[1] as CatalogQuery;
    if (!Object.hasOwn(CATALOG_QUERIES, name))
      throw new UsageError(`report: expected one of ${Object.keys(CATALOG_QUERIES).join(", ")}`);
    if (!values.db) throw new UsageError("report: --db FILE names the catalog database (built with --output)");
    const duck = await Duck.open({ path: values.db, readOnly: true });
    try {
      const rows = await catalogReport(duck, name);
      const plain = rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
      );
      if (process.stdout.isTTY && !values.json) printTable(plain, Object.keys(plain[0] ?? {}));
      else printJson(plain);
      return EXIT.ok;
    } finally {
      duck.close();
    }
  }
  if (positionals.length) throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}\n${USAGE}`);
  if (!values.output) throw new UsageError(`--output FILE is required\n${USAGE}`);
  const dg = new DataGouv();
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
