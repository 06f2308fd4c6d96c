import { createRequire } from "node:module";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DELETED_RESOURCE, SEED_TABULAR, BIG_RESOURCE_ID, type SeedTabularDataset } from "../seed/tabular-datasets.ts";
import type { DetectedColumn } from "../../duckdb/detect.ts";
import type { TabularStore } from "./store.ts";

const require = createRequire(import.meta.url);
const seedFile = (name: string) => new URL(`../seed/tabular-api/${name}`, import.meta.url);

const col = (name: string, type: DetectedColumn["type"], format?: string): DetectedColumn => ({ name, type, format: format ?? (type === "string" ? "string" : type === "bool" ? "booleen" : type) });

function seedOf(resourceId: string): SeedTabularDataset {
  const seed = SEED_TABULAR.find((s) => s.resourceId === resourceId);
  if (!seed) throw new Error(`no seed dataset for ${resourceId}`);
  return seed;
}

/** Loads every seeded resource that the store does not have yet (a data directory keeps them across restarts). */
export async function seedTabular(store: TabularStore, options: { bigRows: number; log?: (line: string) => void }): Promise<void> {
  const missing = (rid: string) => !store.get(rid);
  const [communes, departements, regions, postal, testTable, hostile, nulls] = SEED_TABULAR.map((s) => s.resourceId);
  const sql = (path: string) => path.replaceAll("'", "''");

  if (missing(communes)) {
    const file = sql(require.resolve("@etalab/decoupage-administratif/data/communes.json"));
    await install(store, communes, `SELECT row_number() OVER (ORDER BY code, type) AS __id, code, nom, departement, region, arrondissement, type, siren, array_to_string(codesPostaux, ';'), population, zone FROM read_json('${file}', format = 'array', columns = {code: 'VARCHAR', nom: 'VARCHAR', departement: 'VARCHAR', region: 'VARCHAR', arrondissement: 'VARCHAR', type: 'VARCHAR', siren: 'VARCHAR', codesPostaux: 'VARCHAR[]', population: 'BIGINT', zone: 'VARCHAR'})`, [
      col("code_commune", "string", "code_commune_insee"), col("nom_commune", "string"), col("code_departement", "string", "code_departement"), col("code_region", "string", "code_region"),
      col("code_arrondissement", "string"), col("type", "string"), col("siren", "string", "siren"), col("codes_postaux", "string"), col("population", "int"), col("zone", "string"),
    ]);
  }
  if (missing(departements)) {
    const file = sql(require.resolve("@etalab/decoupage-administratif/data/departements.json"));
    await install(store, departements, `SELECT row_number() OVER (ORDER BY code) AS __id, code, nom, region, chefLieu, zone FROM read_json('${file}', format = 'array', columns = {code: 'VARCHAR', nom: 'VARCHAR', region: 'VARCHAR', chefLieu: 'VARCHAR', zone: 'VARCHAR'})`, [
      col("code_departement", "string", "code_departement"), col("nom_departement", "string"), col("code_region", "string", "code_region"), col("chef_lieu", "string", "code_commune_insee"), col("zone", "string"),
    ]);
  }
  if (missing(regions)) {
    const file = sql(require.resolve("@etalab/decoupage-administratif/data/regions.json"));
    await install(store, regions, `SELECT row_number() OVER (ORDER BY code) AS __id, code, nom, chefLieu, zone FROM read_json('${file}', format = 'array', columns = {code: 'VARCHAR', nom: 'VARCHAR', chefLieu: 'VARCHAR', zone: 'VARCHAR'})`, [
      col("code_region", "string", "code_region"), col("nom_region", "string"), col("chef_lieu", "string", "code_commune_insee"), col("zone", "string"),
    ]);
  }
  if (missing(postal)) {
    const file = sql(require.resolve("codes-postaux/codes-postaux.json"));
    await install(store, postal, `SELECT row_number() OVER (ORDER BY codePostal, codeCommune, nomCommune) AS __id, codePostal, codeCommune, nomCommune, libelleAcheminement FROM read_json('${file}', format = 'array', columns = {codePostal: 'VARCHAR', codeCommune: 'VARCHAR', nomCommune: 'VARCHAR', libelleAcheminement: 'VARCHAR'})`, [
      col("code_postal", "string", "code_postal"), col("code_commune_insee", "string", "code_commune_insee"), col("nom_commune", "string"), col("libelle_acheminement", "string"),
    ]);
  }
  const tables = [testTable, hostile, nulls].filter(missing);
  if (tables.length > 0) await seedTestTables(store, tables);
  if (missing(BIG_RESOURCE_ID)) {
    options.log?.(`generating ${options.bigRows.toLocaleString("en")} rows for the large resource`);
    await install(store, BIG_RESOURCE_ID, bigResourceSql(options.bigRows), [
      col("compteur", "string"), col("code_departement", "string", "code_departement"), col("date_releve", "date"), col("index_kwh", "int"),
      col("consommation_kwh", "float"), col("anomalie", "bool"), col("statut", "string"),
    ]);
  }
  if (!store.get(DELETED_RESOURCE.resourceId)) {
    await store.installQuery({ resourceId: DELETED_RESOURCE.resourceId, datasetId: DELETED_RESOURCE.datasetId, title: "deleted.csv", sql: "SELECT 1 AS __id, 1 AS x", columns: [col("x", "int")] });
    await store.markDeleted(DELETED_RESOURCE.resourceId, new Date(DELETED_RESOURCE.deletedAt));
  }
}

async function install(store: TabularStore, resourceId: string, sql: string, columns: DetectedColumn[]): Promise<void> {
  const seed = seedOf(resourceId);
  await store.installQuery({ resourceId, datasetId: seed.datasetId, title: seed.resourceTitle, sql, columns });
}

/**
 * Meter readings: one row per meter and day, with plausible consumption (seasonal, by département), rare anomalies and
 * a few missing readings. Pure arithmetic on the row number, so every run generates the same rows.
 */
export function bigResourceSql(rows: number): string {
  const n = Math.max(1, Math.floor(rows));
  return `SELECT i + 1 AS __id,
      'C' || lpad(CAST(i % 5000 AS VARCHAR), 6, '0') AS compteur,
      lpad(CAST(1 + (i % 5000) % 95 AS VARCHAR), 2, '0') AS code_departement,
      DATE '2022-01-01' + CAST(i // 5000 AS INTEGER) AS date_releve,
      CAST(1000 + (i // 5000) * (5 + (i % 5000) % 17) + (i * 7919) % 13 AS BIGINT) AS index_kwh,
      CASE WHEN (i * 2654435761) % 997 = 0 THEN NULL
           ELSE round((5 + (i % 5000) % 17) * (1.3 + cos(2 * pi() * ((i // 5000) % 365) / 365.0)) + ((i * 40503) % 1000) / 1000.0, 3) END AS consommation_kwh,
      (i * 2654435761) % 1009 = 0 AS anomalie,
      CASE (i * 31) % 50 WHEN 0 THEN 'estimé' WHEN 1 THEN 'corrigé' ELSE 'relevé' END AS statut
    FROM range(${n}) t(i)`;
}

/** api-tabular's own test tables, read out of the COPY blocks of its init SQL (data, not code to run). */
async function seedTestTables(store: TabularStore, resourceIds: string[]): Promise<void> {
  const sqlText = await readFile(seedFile("test_tables.sql"), "utf8");
  const index = await readFile(seedFile("tables_index.csv"), "utf8");
  const tableOf = new Map<string, string>();
  for (const line of index.split("\n").slice(1)) {
    const match = /^\d+,([a-z0-9]+),.*,([0-9a-f-]{36}),/.exec(line);
    if (match) tableOf.set(match[2], match[1]);
  }
  const dir = await mkdtemp(join(tmpdir(), "datagouv-seed-"));
  try {
    for (const resourceId of resourceIds) {
      const table = tableOf.get(resourceId);
      const block = table ? copyBlock(sqlText, table) : undefined;
      if (!block) throw new Error(`seed: no test table for ${resourceId}`);
      const file = join(dir, `${resourceId}.csv`);
      await writeFile(file, toCsv(block.columns.filter((c) => c !== "__id"), block.rows.map((row) => row.slice(block.columns.indexOf("__id") + 1))));
      const seed = seedOf(resourceId);
      await store.ingestCsv({ resourceId, datasetId: seed.datasetId, title: seed.resourceTitle, file, filesize: (await readFile(file)).length });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface CopyBlock {
  columns: string[];
  rows: (string | null)[][];
}

function copyBlock(sqlText: string, table: string): CopyBlock | undefined {
  const start = sqlText.indexOf(`COPY "csvapi".${table} (`);
  if (start < 0) return undefined;
  const headerEnd = sqlText.indexOf(") FROM stdin;\n", start);
  const columns = parseIdentifiers(sqlText.slice(sqlText.indexOf("(", start) + 1, headerEnd));
  const bodyStart = headerEnd + ") FROM stdin;\n".length;
  const bodyEnd = sqlText.indexOf("\n\\.\n", bodyStart);
  const rows = sqlText.slice(bodyStart, bodyEnd).split("\n").map((line) => line.split("\t").map(unescapeCopy));
  return { columns, rows };
}

/** `a, "b c", "d ""e"""`: identifiers, quoted ones with doubled quotes. */
function parseIdentifiers(text: string): string[] {
  const names: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^,\s]+))\s*(?:,|$)/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text))) names.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]);
  return names;
}

/** PostgreSQL COPY text format: `\N` is NULL, backslash escapes. */
function unescapeCopy(field: string): string | null {
  if (field === "\\N") return null;
  return field.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r", "\\": "\\" })[c] ?? c);
}

function toCsv(columns: string[], rows: (string | null)[][]): string {
  const cell = (value: string | null) => (value === null ? "" : /[",\n\r]/.test(value) || value === "" ? `"${value.replaceAll('"', '""')}"` : value);
  return [columns.map(cell), ...rows.map((row) => row.map(cell))].map((r) => r.join(",")).join("\n") + "\n";
}
