/**
 * The export's cost against DuckDB's: 1,000,000 rows exported to Parquet over HTTP against DuckDB converting the
 * resource's file (read_csv of the local copy to Parquet, written alike: zstd, version 2 encodings, DuckDB's row
 * groups). Its speed, its CPU (the goal: at most 1.2 times DuckDB's) and its file's size (at most 1.05 times).
 * `npm run bench` prints these among the rest; `npm run bench:export` prints only these.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { DataGouv } from "../lib/client.ts";
import { cachedDownload } from "../lib/duckdb/cache.ts";
import { DEFAULT_MEMORY_LIMIT, literal, type Duck } from "../lib/duckdb/connection.ts";
import { copyOptions } from "../lib/duckdb/export.ts";
import { BIG_RESOURCE_ID } from "../sandbox/src/tabular/datasets.ts";
import { better, measureOnce, ROWS, type Measured } from "./measure.ts";

/** Runs per side: the CPU figure is the least of them, and a few more make it steadier on a shared machine. */
const RUNS = 5;

export interface ExportCost {
  ours: Measured;
  duck: Measured;
  /** The resource's file, downloaded into `cache`. */
  localCsv: string;
  cache: string;
}

/** Both sides, their runs interleaved so that they meet the same moments of a shared machine. */
export async function exportCost(
  dg: DataGouv,
  url: string,
  duck: Duck,
  dir: string,
  sandboxPid: number | undefined,
  say: (line: string) => void,
): Promise<ExportCost> {
  const ours = join(dir, "ours.parquet");
  const theirs = join(dir, "duck.parquet");
  const cache = join(dir, "cache");
  const { file: localCsv } = await cachedDownload(dg.http, `${url}/sandbox/files/${BIG_RESOURCE_ID}.csv`, {
    dir: cache,
  });
  let oursRun: Measured | undefined;
  let duckRun: Measured | undefined;
  for (let i = 0; i < RUNS; i++) {
    oursRun = better(
      oursRun,
      await measureOnce(() => dg.tabular(BIG_RESOURCE_ID).toParquet(ours, { cacheDir: cache }), sandboxPid),
    );
    duckRun = better(
      duckRun,
      await measureOnce(() =>
        duck.run(
          `COPY (SELECT * FROM read_csv(${literal(localCsv)})) TO ${literal(theirs)} (${copyOptions("parquet")})`,
        ),
      ),
    );
  }
  const [o, d] = [oursRun!, duckRun!];
  say(
    `export ${ROWS.toLocaleString("en")} rows to Parquet over HTTP vs DuckDB on a local file (both within ` +
      `${DEFAULT_MEMORY_LIMIT}): ${(d.seconds / o.seconds).toFixed(2)} of DuckDB's speed (target >= 0.5) ` +
      `[${o.seconds.toFixed(1)} s vs ${d.seconds.toFixed(1)} s]`,
  );
  say(
    `  CPU: the export's own ${o.leastCpu.toFixed(2)} core-s vs DuckDB's ${d.leastCpu.toFixed(2)} for the same ` +
      `rows: ${(o.leastCpu / d.leastCpu).toFixed(2)} times (goal <= 1.2) [the least of ${RUNS} runs each]`,
  );
  for (const line of await sizeLines(duck, ours, theirs, localCsv, dir)) say(line);
  return { ours: o, duck: d, localCsv, cache };
}

/**
 * Our Parquet file against DuckDB's of the same rows (the resource's file: the same types, written alike): the size
 * ratio, the row groups, and what the `__id` column (which the file lacks) takes, in version 2 encodings and in
 * DuckDB's default version 1, where it cannot be delta-encoded.
 */
async function sizeLines(duck: Duck, ours: string, theirs: string, csv: string, dir: string): Promise<string[]> {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const facts = async (file: string) => {
    const [{ groups, id }] = await duck.all<{ groups: number; id: number }>(
      `SELECT count(DISTINCT row_group_id)::INTEGER AS groups, coalesce(sum(total_compressed_size) FILTER (WHERE ` +
        `path_in_schema = '__id'), 0)::BIGINT::DOUBLE AS id FROM parquet_metadata(${literal(file)})`,
    );
    return { size: (await stat(file)).size, groups, id };
  };
  const [a, b] = [await facts(ours), await facts(theirs)];
  const [oursV1, theirsV1] = [join(dir, "ours-v1.parquet"), join(dir, "duck-v1.parquet")];
  await duck.run(`COPY (FROM read_parquet(${literal(ours)})) TO ${literal(oursV1)} (FORMAT parquet, COMPRESSION zstd)`);
  await duck.run(`COPY (FROM read_csv(${literal(csv)})) TO ${literal(theirsV1)} (FORMAT parquet, COMPRESSION zstd)`);
  const [a1, b1] = [await facts(oursV1), await facts(theirsV1)];
  return [
    `  Parquet: ours ${mb(a.size)} vs DuckDB's ${mb(b.size)} of the same rows: ${(a.size / b.size).toFixed(2)} ` +
      `times (goal <= 1.05) [zstd, version 2 encodings, ${a.groups} vs ${b.groups} row groups; __id, which the ` +
      `file lacks, ${(a.id / 1e3).toFixed(1)} kB]`,
    `  in DuckDB's default version 1: ${mb(a1.size)} vs ${mb(b1.size)}, ${(a1.size / b1.size).toFixed(2)} times, ` +
      `of which __id ${mb(a1.id)}: a million distinct ids stored plain, where version 2 delta-encodes them`,
  ];
}
