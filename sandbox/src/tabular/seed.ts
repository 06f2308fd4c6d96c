import { createRequire } from "node:module";
import { stat } from "node:fs/promises";
import { SEED_TABULAR, BIG_RESOURCE_ID, type SeedTabularDataset } from "./datasets.ts";
import type { DetectedColumn } from "datagouv-kit/duckdb";
import type { TabularStore } from "./store.ts";
import { testResources, testTableFiles } from "./test-tables.ts";

const require = createRequire(import.meta.url);

const col = (name: string, type: DetectedColumn["type"], format?: string): DetectedColumn => ({
  name,
  type,
  format: format ?? (type === "string" ? "string" : type === "bool" ? "booleen" : type),
});

function seedOf(resourceId: string): SeedTabularDataset {
  const seed = SEED_TABULAR.find((s) => s.resourceId === resourceId);
  if (!seed) throw new Error(`no seed dataset for ${resourceId}`);
  return seed;
}

/** Loads every seeded resource that the store does not have yet (a data directory keeps them across restarts). */
export async function seedTabular(
  store: TabularStore,
  options: { bigRows: number; log?: (line: string) => void },
): Promise<void> {
  const missing = (rid: string) => !store.get(rid);
  const [communes, departements, regions, postal] = SEED_TABULAR.map((s) => s.resourceId);
  const sql = (path: string) => path.replaceAll("'", "''");

  if (missing(communes)) {
    const file = sql(require.resolve("@etalab/decoupage-administratif/data/communes.json"));
    await install(
      store,
      communes,
      `SELECT row_number() OVER (ORDER BY code, type) AS __id, code, nom, departement, region, arrondissement, ` +
        `type, siren, array_to_string(codesPostaux, ';'), population, zone FROM read_json('${file}', format = ` +
        `'array', columns = {code: 'VARCHAR', nom: 'VARCHAR', departement: 'VARCHAR', region: 'VARCHAR', ` +
        `arrondissement: 'VARCHAR', type: 'VARCHAR', siren: 'VARCHAR', codesPostaux: 'VARCHAR[]', population: ` +
        `'BIGINT', zone: 'VARCHAR'})`,
      [
        col("code_commune", "string", "code_commune_insee"),
        col("nom_commune", "string"),
        col("code_departement", "string", "code_departement"),
        col("code_region", "string", "code_region"),
        col("code_arrondissement", "string"),
        col("type", "string"),
        col("siren", "string", "siren"),
        col("codes_postaux", "string"),
        col("population", "int"),
        col("zone", "string"),
      ],
    );
  }
  if (missing(departements)) {
    const file = sql(require.resolve("@etalab/decoupage-administratif/data/departements.json"));
    await install(
      store,
      departements,
      `SELECT row_number() OVER (ORDER BY code) AS __id, code, nom, region, chefLieu, zone FROM ` +
        `read_json('${file}', format = 'array', columns = {code: 'VARCHAR', nom: 'VARCHAR', region: 'VARCHAR', ` +
        `chefLieu: 'VARCHAR', zone: 'VARCHAR'})`,
      [
        col("code_departement", "string", "code_departement"),
        col("nom_departement", "string"),
        col("code_region", "string", "code_region"),
        col("chef_lieu", "string", "code_commune_insee"),
        col("zone", "string"),
      ],
    );
  }
  if (missing(regions)) {
    const file = sql(require.resolve("@etalab/decoupage-administratif/data/regions.json"));
    await install(
      store,
      regions,
      `SELECT row_number() OVER (ORDER BY code) AS __id, code, nom, chefLieu, zone FROM read_json('${file}', ` +
        `format = 'array', columns = {code: 'VARCHAR', nom: 'VARCHAR', chefLieu: 'VARCHAR', zone: 'VARCHAR'})`,
      [
        col("code_region", "string", "code_region"),
        col("nom_region", "string"),
        col("chef_lieu", "string", "code_commune_insee"),
        col("zone", "string"),
      ],
    );
  }
  if (missing(postal)) {
    const file = sql(require.resolve("codes-postaux/codes-postaux.json"));
    await install(
      store,
      postal,
      `SELECT row_number() OVER (ORDER BY codePostal, codeCommune, nomCommune) AS __id, codePostal, codeCommune, ` +
        `nomCommune, libelleAcheminement FROM read_json('${file}', format = 'array', columns = {codePostal: ` +
        `'VARCHAR', codeCommune: 'VARCHAR', nomCommune: 'VARCHAR', libelleAcheminement: 'VARCHAR'})`,
      [
        col("code_postal", "string", "code_postal"),
        col("code_commune_insee", "string", "code_commune_insee"),
        col("nom_commune", "string"),
        col("libelle_acheminement", "string"),
      ],
    );
  }
  await seedTestResources(store, missing);
  if (missing(BIG_RESOURCE_ID)) {
    options.log?.(`generating ${options.bigRows.toLocaleString("en")} rows for the large resource`);
    await install(store, BIG_RESOURCE_ID, bigResourceSql(options.bigRows), [
      col("compteur", "string"),
      col("code_departement", "string", "code_departement"),
      col("date_releve", "date"),
      col("index_kwh", "int"),
      col("consommation_kwh", "float"),
      col("anomalie", "bool"),
      col("statut", "string"),
    ]);
  }
}

/**
 * api-tabular's test resources, as its test database has them: the ones the Main API's seed lists belong to its
 * datasets, the others (with indexes, with aggregation allowed) only to the Tabular API; the deleted one answers 410.
 */
async function seedTestResources(store: TabularStore, missing: (rid: string) => boolean): Promise<void> {
  const resources = (await testResources(store.db)).filter((r) => missing(r.resourceId));
  if (resources.length === 0) return;
  const { files, dispose } = await testTableFiles(resources.map((r) => r.table));
  try {
    for (const resource of resources) {
      const seed = SEED_TABULAR.find((s) => s.resourceId === resource.resourceId);
      const identity = {
        resourceId: resource.resourceId,
        datasetId: seed?.datasetId ?? resource.datasetId,
        title: seed?.resourceTitle ?? resource.title,
        indexes: resource.indexes,
      };
      const file = files.get(resource.table);
      // a deleted resource's table is gone from the test database: only its row in the index remains
      if (file) await store.ingestCsv({ ...identity, file, filesize: (await stat(file)).size });
      else
        await store.installQuery({
          ...identity,
          sql: "SELECT 1 AS __id, NULL AS id, NULL AS name",
          columns: [col("id", "string", "uuid"), col("name", "string")],
        });
      if (resource.deletedAt)
        await store.markDeleted(resource.resourceId, new Date(resource.deletedAt), identity.datasetId);
    }
  } finally {
    await dispose();
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
      CASE (i % 5000) % 96 WHEN 19 THEN '2A' WHEN 95 THEN '2B' ELSE lpad(CAST(1 + (i % 5000) % 96 AS VARCHAR), 2, '0') END AS code_departement,
      DATE '2022-01-01' + CAST(i // 5000 AS INTEGER) AS date_releve,
      CAST(1000 + (i // 5000) * (5 + (i % 5000) % 17) + (i * 7919) % 13 AS BIGINT) AS index_kwh,
      CASE WHEN (i * 2654435761) % 997 = 0 THEN NULL
           ELSE round((5 + (i % 5000) % 17) * (1.3 + cos(2 * pi() * ((i // 5000) % 365) / 365.0)) + ((i * 40503) % 1000) / 1000.0, 3) END AS consommation_kwh,
      (i * 2654435761) % 1009 = 0 AS anomalie,
      CASE (i * 31) % 50 WHEN 0 THEN 'estimé' WHEN 1 THEN 'corrigé' ELSE 'relevé' END AS statut
    FROM range(${n}) t(i)`;
}
