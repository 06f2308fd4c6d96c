/**
 * The sandbox's tabular resources and the datasets and organizations they belong to. Ids are fixed so that links,
 * tests and notebooks can name them; they are shaped like the real ones (24-hex ObjectIds, UUID resource ids).
 */
export interface SeedOrganization {
  id: string;
  name: string;
  slug: string;
  acronym?: string;
  description: string;
  badges: string[];
}

export interface SeedTabularDataset {
  datasetId: string;
  resourceId: string;
  organizationId: string;
  title: string;
  slug: string;
  description: string;
  resourceTitle: string;
  tags: string[];
  frequency: string;
  license: string;
  /** Aggregation allowed by the Tabular API for this resource (the production allow-list is short). */
  aggregation?: boolean;
}

export const SEED_ORGANIZATIONS: SeedOrganization[] = [
  {
    id: "534fff81a3a7292c64a77e5c",
    name: "Institut national de la statistique et des études économiques (Insee)",
    slug: "institut-national-de-la-statistique-et-des-etudes-economiques-insee",
    acronym: "Insee",
    description: "Publishes the Code officiel géographique: communes, départements and régions of France.",
    badges: ["public-service", "certified"],
  },
  {
    id: "5d70e1888b4c4110ed8e6a32",
    name: "La Poste",
    slug: "la-poste",
    description: "Publishes the official base of French postal codes.",
    badges: ["company", "certified"],
  },
  {
    id: "646b7187b50b2a93b1ae3d45",
    name: "Sandbox data.gouv.fr",
    slug: "sandbox-data-gouv-fr",
    description: "Test tables of data.gouv.fr's Tabular API, and generated data for exports and benchmarks.",
    badges: [],
  },
];

export const SEED_TABULAR: SeedTabularDataset[] = [
  {
    datasetId: "58c984b088ee386cdb1261f3",
    resourceId: "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a01",
    organizationId: SEED_ORGANIZATIONS[0].id,
    title: "Communes de France (Code officiel géographique)",
    slug: "communes-de-france-code-officiel-geographique",
    description: "The communes of France with their INSEE codes, départements, régions, postal codes and population.",
    resourceTitle: "communes.csv",
    tags: ["communes", "cog", "geographie", "population"],
    frequency: "annual",
    license: "lov2",
    aggregation: true,
  },
  {
    datasetId: "58c984b088ee386cdb1261f4",
    resourceId: "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a02",
    organizationId: SEED_ORGANIZATIONS[0].id,
    title: "Départements de France",
    slug: "departements-de-france",
    description: "The départements of France with their codes, régions and chefs-lieux.",
    resourceTitle: "departements.csv",
    tags: ["departements", "cog", "geographie"],
    frequency: "annual",
    license: "lov2",
  },
  {
    datasetId: "58c984b088ee386cdb1261f5",
    resourceId: "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a03",
    organizationId: SEED_ORGANIZATIONS[0].id,
    title: "Régions de France",
    slug: "regions-de-france",
    description: "The régions of France with their codes and chefs-lieux.",
    resourceTitle: "regions.csv",
    tags: ["regions", "cog", "geographie"],
    frequency: "annual",
    license: "lov2",
  },
  {
    datasetId: "5a3cffb1c751df04f9e0a3cc",
    resourceId: "0b5c5f6e-6e4a-4b5c-9a77-2c1f3c6b9a04",
    organizationId: SEED_ORGANIZATIONS[1].id,
    title: "Base officielle des codes postaux",
    slug: "base-officielle-des-codes-postaux",
    description: "The correspondence between French postal codes and INSEE commune codes.",
    resourceTitle: "codes-postaux.csv",
    tags: ["codes-postaux", "adresses"],
    frequency: "monthly",
    license: "lov2",
  },
  {
    datasetId: "646b71a2b50b2a93b1ae3d50",
    resourceId: "aaaaaaaa-1111-bbbb-2222-cccccccccccc",
    organizationId: SEED_ORGANIZATIONS[2].id,
    title: "Tabular API test table (1,000 rows)",
    slug: "tabular-api-test-table-1000-rows",
    description: "api-tabular's own 1,000-row test table: ids, scores, counts, booleans, dates and JSON lists.",
    resourceTitle: "test-table-1000.csv",
    tags: ["test"],
    frequency: "unknown",
    license: "notspecified",
    aggregation: true,
  },
  {
    datasetId: "646b71a2b50b2a93b1ae3d51",
    resourceId: "dddddddd-3333-eeee-4444-ffffffffffff",
    organizationId: SEED_ORGANIZATIONS[2].id,
    title: "Tabular API test table with hostile column names",
    slug: "tabular-api-test-table-hostile-column-names",
    description: "Column names with accents, dots, quotes, a newline and double underscores.",
    resourceTitle: "hostile-columns.csv",
    tags: ["test"],
    frequency: "unknown",
    license: "notspecified",
  },
  {
    datasetId: "646b71a2b50b2a93b1ae3d52",
    resourceId: "dddddddd-1111-eeee-1212-ffffffffffff",
    organizationId: SEED_ORGANIZATIONS[2].id,
    title: "Tabular API test table with missing values",
    slug: "tabular-api-test-table-missing-values",
    description: "A 10-row table with NULLs in several columns.",
    resourceTitle: "nulls.csv",
    tags: ["test"],
    frequency: "unknown",
    license: "notspecified",
  },
  {
    datasetId: "646b71a2b50b2a93b1ae3d53",
    resourceId: "bbbbbbbb-0000-4000-8000-000000000001",
    organizationId: SEED_ORGANIZATIONS[2].id,
    title: "Relevés de compteurs (generated)",
    slug: "releves-de-compteurs-generated",
    description:
      "Deterministically generated meter readings: one row per reading, for exports beyond the stream cap and benchmarks.",
    resourceTitle: "releves.csv",
    tags: ["test", "generated"],
    frequency: "daily",
    license: "lov2",
    aggregation: true,
  },
];

/** api-tabular's deleted test resource: the Tabular API answers 410 for it. */
export const DELETED_RESOURCE = {
  resourceId: "deadbeef-dead-beef-dead-beefdeadbeef",
  datasetId: "646b71a2b50b2a93b1ae3d54",
  deletedAt: "2024-03-19T14:18:54.000+00:00",
};

export const BIG_RESOURCE_ID = "bbbbbbbb-0000-4000-8000-000000000001";
