/**
 * `npm run bench`: the loaders against their baselines, each figure a ratio measured in this one run (absolute times on
 * shared machines are noise), plus peak memory, the package's installed size and the command's start-up. The sandbox
 * runs in its own process on 127.0.0.1; everything is bounded and stops by itself.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DataGouv } from "../lib/client.ts";
import { Duck, literal } from "../lib/duckdb/connection.ts";
import { rowsToBatch } from "../lib/arrow/batches.ts";
import { place } from "../lib/duckdb/mode.ts";
import { remoteRows } from "../lib/duckdb/remote.ts";
import type { Rows } from "../lib/duckdb/rows.ts";
import { appenderPath, arrowPath } from "./paths.ts";
import { columnsFromProfile } from "../lib/arrow/columns.ts";
import { BIG_RESOURCE_ID, SEED_ORGANIZATIONS } from "../sandbox/src/tabular/datasets.ts";
import { freshProject, installedSize, megabytes, packPackages, type Tarball } from "../test/support/package.ts";
import { creationsPerSecond } from "./writes.ts";
import { exportCost } from "./export-cost.ts";
import { best, processCpu, ROWS, RUNS, startSandbox, stopAfter, timed, WRITE_KEY } from "./measure.ts";
import { siteBench } from "./site.ts";

const run = promisify(execFile);
const NAIVE_ROWS = 100_000;
/** A larger DuckDB budget than the default, to show what it buys and what it costs. */
const WIDE_LIMIT = "512MB";
const CREATIONS = 300;
const IN_FLIGHT = 8;
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  process.stderr.write(`${line}\n`);
};

/** Start-ups timed for the --help ratio: each takes a fraction of a second, so more runs cost little. */
const STARTS = 10;

/** 6. The package as its users get it: its size installed in a new project, and how soon `datagouv --help` answers. */
async function packageFigures(dir: string): Promise<void> {
  // npm pack writes into its destination, which it does not create
  await mkdir(dir, { recursive: true });
  const { kit, sandbox } = await packPackages(dir);
  const alone = join(dir, "kit");
  const both = join(dir, "kit-and-sandbox");
  await freshProject(alone, [kit.path]);
  await freshProject(both, [kit.path, sandbox.path]);
  const [kitSize, bothSize] = await Promise.all([installedSize(alone), installedSize(both)]);
  const tarball = (t: Tarball) => `tarball ${(t.bytes / 1e3).toFixed(0)} kB, ${t.files} files`;
  say(
    `datagouv-kit installed in a new project: ${megabytes(kitSize.bytes)} (target <= 100 MB) [${megabytes(kitSize.diskBytes)} on disk; ${tarball(kit)}]`,
  );
  say(
    `  the sandbox's own install, apart: +${megabytes(bothSize.bytes - kitSize.bytes)} [${megabytes(bothSize.bytes)} with datagouv-kit; ${tarball(sandbox)}]`,
  );
  // interleaved, so that both sides meet the same moments of a shared machine
  let [help, node] = [Infinity, Infinity];
  for (let i = 0; i < STARTS; i++) {
    help = Math.min(help, await timed(() => run(join(alone, "node_modules/.bin/datagouv"), ["--help"])));
    node = Math.min(node, await timed(() => run(process.execPath, ["-e", "0"])));
  }
  say(
    `\`datagouv --help\` start-up vs \`node -e 0\` (best of ${STARTS}): ${(help / node).toFixed(1)}x as long ` +
      `(target <= 4) [${(help * 1000).toFixed(0)} ms vs ${(node * 1000).toFixed(0)} ms]`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "datagouv-bench-"));
  const deadline = stopAfter(40);
  const { url, child } = await startSandbox(dir);
  const dg = new DataGouv({ sandboxUrl: url }, {});
  const duck = await Duck.memory();
  const cores = availableParallelism();
  try {
    say(
      `bench: sandbox at ${url}, resource of ${ROWS.toLocaleString("en")} rows, ${cores} cores; each side of a ratio is the best of ${RUNS} runs`,
    );

    // 1. Our export to Parquet vs DuckDB reading the same rows from a local file and writing Parquet, alike: zstd,
    // Parquet version 2 encodings, DuckDB's row groups.
    const { ours: oursRun, duck: duckRun, cache } = await exportCost(dg, url, duck, dir, child.pid, say);
    const duckSeconds = duckRun.seconds;
    // within the default budget DuckDB writes the rows in order on one thread; a larger one lets it use every core
    const wideSeconds = await best(() =>
      dg.tabular(BIG_RESOURCE_ID).toParquet(join(dir, "wide.parquet"), { memoryLimit: WIDE_LIMIT, cacheDir: cache }),
    );
    say(
      `  with memoryLimit ${WIDE_LIMIT}: ${(duckSeconds / wideSeconds).toFixed(2)} of DuckDB's speed [${wideSeconds.toFixed(1)} s]`,
    );
    // the ceiling set by the server: its /data/csv/ windows (what the export reads) fetched and spooled, nothing else
    const transfer = await best(async () =>
      (await remoteRows(await place(dg.tabular(BIG_RESOURCE_ID), {}), { resume: false }, "csv")).dispose(),
    );
    say(
      `  of which the sandbox's streams alone (fetched and spooled): ${transfer.toFixed(1)} s, a ceiling of ` +
        `${(duckSeconds / transfer).toFixed(2)} of DuckDB's speed`,
    );
    if (oursRun.sandbox !== undefined) {
      // the server shares this machine's cores: the CPU both sides spend bounds the export's time from below
      const total = oursRun.here + oursRun.sandbox;
      const floor = total / cores;
      say(
        `  CPU time: our export ${total.toFixed(2)} core-s (sandbox ${oursRun.sandbox.toFixed(2)}, this process ` +
          `${oursRun.here.toFixed(2)}) vs DuckDB's ${duckRun.here.toFixed(2)}; on ${cores} cores the export takes ` +
          `at least ${floor.toFixed(2)} s, a bound of ${(duckSeconds / floor).toFixed(2)} of DuckDB's speed`,
      );
    }

    // 2. Our export vs a naive client paging /data/ at the maximum page size and building Arrow from the pages.
    const { profile } = await dg.tabularApi.profile(BIG_RESOURCE_ID);
    const columns = columnsFromProfile(profile);
    const subset = dg.tabular(BIG_RESOURCE_ID).where("__id", "strictly_less", NAIVE_ROWS + 1);
    const naiveSeconds = await best(async () => {
      for await (const page of subset.pages({ pageSize: 200 })) rowsToBatch(page.data, columns);
    });
    const subsetSeconds = await best(() => subset.toArrow());
    say(
      `export ${NAIVE_ROWS.toLocaleString("en")} rows to Arrow vs a naive client paging /data/ (page_size 200): ` +
        `${(naiveSeconds / subsetSeconds).toFixed(1)}x faster (target >= 20) [${subsetSeconds.toFixed(1)} s vs ` +
        `${naiveSeconds.toFixed(1)} s]`,
    );

    // 3. Which path: the rows' two streams fetched and spooled, then the same bytes into a DuckDB table by its own
    // readers (read_csv, read_json) and by the appender, and decoded by the Arrow builders.
    let spooledCsv: Rows | undefined;
    let spooledJson: Rows | undefined;
    try {
      const csvTransfer = await timed(
        async () =>
          (spooledCsv = await remoteRows(await place(dg.tabular(BIG_RESOURCE_ID), {}), { resume: false }, "csv")),
      );
      const jsonTransfer = await timed(
        async () =>
          (spooledJson = await remoteRows(await place(dg.tabular(BIG_RESOURCE_ID), {}), { resume: false }, "json")),
      );
      say(
        `streams of ${ROWS.toLocaleString("en")} rows fetched and spooled: /data/csv/ ` +
          `${(jsonTransfer / csvTransfer).toFixed(1)}x faster than /data/json/ [${csvTransfer.toFixed(1)} s vs ` +
          `${jsonTransfer.toFixed(1)} s]`,
      );
      const files = spooledJson!.ordered!;
      const readCsv = await timed(() => duck.run(`CREATE OR REPLACE TABLE by_read_csv AS ${spooledCsv!.sql}`));
      const readJson = await timed(() => duck.run(`CREATE OR REPLACE TABLE by_read_json AS ${spooledJson!.sql}`));
      const appender = await timed(() => appenderPath(duck, files, spooledJson!.columns, "by_appender"));
      const arrow = await timed(() => arrowPath(files, spooledJson!.columns));
      const [{ differ }] = await duck.all<{ differ: bigint }>(
        "SELECT count(*) AS differ FROM ((FROM by_read_csv EXCEPT ALL FROM by_read_json) UNION ALL (FROM by_read_json EXCEPT ALL FROM by_read_csv))",
      );
      if (differ !== 0n) throw new Error(`read_csv and read_json loaded different rows (${differ})`);
      const paths = Object.entries({
        "DuckDB read_csv (CSV stream)": readCsv,
        "DuckDB read_json": readJson,
        "DuckDB appender": appender,
        "Arrow builders": arrow,
      }).sort((a, b) => a[1] - b[1]);
      const [winner, best] = paths[0];
      say(
        `paths over the same spooled ${ROWS.toLocaleString("en")} rows: ${winner} won; ${paths
          .slice(1)
          .map(([name, time]) => `${(time / best).toFixed(1)}x faster than ${name}`)
          .join(", ")} [${paths.map(([name, time]) => `${name} ${time.toFixed(1)} s`).join(", ")}]`,
      );
    } finally {
      await spooledCsv?.dispose();
      await spooledJson?.dispose();
      await duck.run(
        "DROP TABLE IF EXISTS by_read_csv; DROP TABLE IF EXISTS by_read_json; DROP TABLE IF EXISTS by_appender",
      );
    }

    // 4. Peak resident memory exporting 1,000,000 rows vs 100,000 rows, each in its own process.
    const child100k = JSON.parse(
      (
        await run(process.execPath, [
          "--import",
          "tsx",
          "bench/export-child.ts",
          url,
          BIG_RESOURCE_ID,
          String(NAIVE_ROWS + 1),
          join(dir, "m1.parquet"),
        ])
      ).stdout,
    );
    const child1m = JSON.parse(
      (
        await run(process.execPath, [
          "--import",
          "tsx",
          "bench/export-child.ts",
          url,
          BIG_RESOURCE_ID,
          String(ROWS + 1),
          join(dir, "m2.parquet"),
        ])
      ).stdout,
    );
    const growth = child1m.maxRssMB - child100k.maxRssMB;
    const signed = (mb: number) => `${mb >= 0 ? "+" : "-"}${Math.abs(mb).toFixed(0)} MB`;
    say(
      `peak memory exporting ${child1m.rows.toLocaleString("en")} vs ${child100k.rows.toLocaleString("en")} ` +
        `rows: ${signed(growth)} (target <= 64 MB) [${child1m.maxRssMB.toFixed(0)} MB vs ` +
        `${child100k.maxRssMB.toFixed(0)} MB]`,
    );
    const childWide = JSON.parse(
      (
        await run(process.execPath, [
          "--import",
          "tsx",
          "bench/export-child.ts",
          url,
          BIG_RESOURCE_ID,
          String(ROWS + 1),
          join(dir, "m3.parquet"),
          WIDE_LIMIT,
        ])
      ).stdout,
    );
    say(
      `  with memoryLimit ${WIDE_LIMIT}: ${signed(childWide.maxRssMB - child100k.maxRssMB)} [${childWide.maxRssMB.toFixed(0)} MB]`,
    );

    // 5. Metrics CSV into DuckDB vs DuckDB's own read_csv on a local copy (the largest model, repeated for a stable time).
    const repeat = 20;
    const metricsSeconds = await best(async () => {
      for (let i = 0; i < repeat; i++) await dg.metrics("resources").toDuckDB(duck.connection, "resources_metrics");
    });
    const copy = join(dir, "resources.csv");
    const response = await dg.metrics("resources").csv();
    const { writeFile } = await import("node:fs/promises");
    await writeFile(copy, await response.body.text());
    const localSeconds = await best(async () => {
      for (let i = 0; i < repeat; i++)
        await duck.run(`CREATE OR REPLACE TABLE resources_local AS SELECT * FROM read_csv(${literal(copy)})`);
    });
    const [{ n }] = await duck.all<{ n: number }>("SELECT count(*)::INTEGER AS n FROM resources_metrics");
    say(
      `Metrics CSV (${n.toLocaleString("en")} rows) into DuckDB over HTTP vs DuckDB's read_csv on a local copy: ` +
        `${(localSeconds / metricsSeconds).toFixed(2)} of DuckDB's speed (target >= 0.5) ` +
        `[${((metricsSeconds / repeat) * 1000).toFixed(0)} ms vs ${((localSeconds / repeat) * 1000).toFixed(0)} ms]`,
    );
    const metricsTransfer = await best(async () => {
      for (let i = 0; i < repeat; i++) for await (const _chunk of (await dg.metrics("resources").csv()).body);
    });
    say(
      `  of which the sandbox's stream alone: ${((metricsTransfer / repeat) * 1000).toFixed(0)} ms, a ceiling of ` +
        `${(localSeconds / metricsTransfer).toFixed(2)} of DuckDB's speed`,
    );
    // 6. Writes: dataset creations a second through the client, each one committed to the sandbox's database file.
    const writer = new DataGouv({ sandboxUrl: url, apiKey: WRITE_KEY }, {});
    try {
      const organization = SEED_ORGANIZATIONS[0].id;
      await creationsPerSecond(writer, organization, 30, IN_FLIGHT);
      let fastest = 0;
      const cpuBefore = processCpu(child.pid);
      for (let i = 0; i < RUNS; i++)
        fastest = Math.max(fastest, await creationsPerSecond(writer, organization, CREATIONS, IN_FLIGHT));
      const cpuAfter = processCpu(child.pid);
      const cpu =
        cpuBefore === undefined || cpuAfter === undefined
          ? ""
          : `, sandbox CPU ${(((cpuAfter - cpuBefore) / (RUNS * CREATIONS)) * 1000).toFixed(1)} ms a creation`;
      say(
        `dataset creations over HTTP (${IN_FLIGHT} in flight, --data): ${fastest.toFixed(0)} a second (target >= ` +
          `200) [best of ${RUNS} runs of ${CREATIONS}${cpu}]`,
      );
    } finally {
      await writer.close();
    }

    await packageFigures(join(dir, "package"));

    // 7. The dashboard site at scale (bench/site.ts): pages' marginal cost, requests, rebuilds, the full catalog.
    await siteBench(say);
  } finally {
    clearTimeout(deadline);
    duck.close();
    await dg.close();
    child.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
