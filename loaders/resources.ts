import type { DataGouv } from "../lib/client.ts";
import type { Duck } from "../lib/duckdb/connection.ts";
import { DataGouvError } from "../lib/http/errors.ts";
import { profileColumns } from "../lib/tabular/profile.ts";

/**
 * What a resource's page shows of its rows, fetched once per version of the resource (its `modified` date in the
 * resources export) and kept in the catalog database: the Tabular API's profile, sample rows, and an aggregation where
 * the API allows one. A resource it does not serve is remembered as such, so that it is not asked again.
 */

export const RESOURCE_DATA = "site_resources";
const SAMPLE_ROWS = 600;

export interface ResourceCandidate {
  id: string;
  /** Changes when the resource does (its `modified` date). */
  version: string;
}

async function ensureTable(duck: Duck): Promise<void> {
  await duck.run(
    `CREATE TABLE IF NOT EXISTS ${RESOURCE_DATA} (id VARCHAR PRIMARY KEY, version VARCHAR, served BOOLEAN, profile JSON, sample JSON, aggregation JSON)`,
  );
}

/**
 * Goes through the candidates in order and returns the first `wanted` the Tabular API serves, with their data stored;
 * at most `attempts` unknown resources are asked about. Nothing is requested for a version already stored.
 */
export async function chooseTabularResources(
  dg: DataGouv,
  duck: Duck,
  candidates: ResourceCandidate[],
  wanted: number,
  attempts: number,
): Promise<string[]> {
  await ensureTable(duck);
  const known = new Map(
    (
      await duck.all<{ id: string; version: string; served: boolean; complete: boolean }>(
        `SELECT id, version, served, sample IS NOT NULL AS complete FROM ${RESOURCE_DATA}`,
      )
    ).map((r) => [r.id, r]),
  );
  const chosen: string[] = [];
  let asked = 0;
  for (const candidate of candidates) {
    if (chosen.length >= wanted) break;
    const stored = known.get(candidate.id);
    if (stored?.version === candidate.version && (!stored.served || stored.complete)) {
      if (stored.served) chosen.push(candidate.id);
      continue;
    }
    if (asked >= attempts) continue;
    asked++;
    const data = await fetchResourceData(dg, candidate.id);
    await duck.run(`INSERT OR REPLACE INTO ${RESOURCE_DATA} VALUES (?, ?, ?, ?, ?, ?)`, [
      candidate.id,
      candidate.version,
      data !== undefined,
      data ? JSON.stringify(data.profile) : null,
      data ? JSON.stringify(data.sample) : null,
      data ? JSON.stringify(data.aggregation) : null,
    ]);
    if (data) chosen.push(candidate.id);
  }
  return chosen;
}

/** Whether each of these resources is known to be served, not served, or was never asked about (absent). */
export async function servedResources(duck: Duck): Promise<Map<string, boolean>> {
  await ensureTable(duck);
  return new Map(
    (await duck.all<{ id: string; served: boolean }>(`SELECT id, served FROM ${RESOURCE_DATA}`)).map((r) => [
      r.id,
      r.served,
    ]),
  );
}

interface ResourceData {
  profile: unknown;
  sample: Record<string, unknown>[];
  aggregation: { column: string; rows: { value: string; count: number }[] } | null;
}

/** The profile, sample rows and an aggregation of a resource; undefined when the Tabular API does not serve it. */
async function fetchResourceData(dg: DataGouv, id: string): Promise<ResourceData | undefined> {
  let profile;
  try {
    profile = await dg.tabularApi.profile(id);
  } catch (error) {
    // a 404 or 410 means the Tabular API does not serve it; any other failure stops the build
    if (error instanceof DataGouvError && (error.status === 404 || error.status === 410)) return undefined;
    throw error;
  }
  const sample = await dg.tabular(id).all<Record<string, unknown>>({ limit: SAMPLE_ROWS });
  const categorical = profileColumns(profile.profile).filter(
    (c) => c.type === "string" && (c.stats?.nb_distinct ?? Infinity) <= 40 && (c.stats?.nb_distinct ?? 0) > 1,
  );
  let aggregation = null;
  if (categorical.length && (await dg.tabularApi.aggregationAllowed(id))) {
    const column = categorical[0].name;
    const rows = await dg
      .tabular(id)
      .groupBy(column)
      .aggregate(column, "count")
      .all<Record<string, unknown>>({ limit: 100 });
    aggregation = {
      column,
      rows: rows.map((row) => ({ value: String(row[column] ?? "(empty)"), count: Number(row[`${column}__count`]) })),
    };
  }
  return { profile, sample, aggregation };
}
