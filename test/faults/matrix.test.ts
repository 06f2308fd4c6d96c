import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportError } from "../../lib/cli/exit.ts";
import { DataGouv } from "../../lib/client.ts";
import {
  BIG_RESOURCE_ID,
  SEED_ORGANIZATIONS,
  SEED_TABULAR,
  startSandbox,
  type Sandbox,
} from "../../sandbox/src/index.ts";
import { API_KEY } from "../support/sandbox.ts";
import { datagouv } from "./cli.ts";

/**
 * Every fault the sandbox injects, on every kind of operation a user runs, each cell with its expected outcome: the
 * output of the fault-free run, byte for byte, or a named error with its exit code; and no cell leaves a file behind,
 * in the output folder or the temporary one (a windowed export that fails keeps its whole windows in the cache, and
 * only those: see resume.test.ts). Commands run with one retry and a one-second timeout, to stay fast.
 */

// the big resource past a stream cap of 5,000 rows: three windows (the same as past 50,000, with less to move)
const ROWS = 12_000;
const STREAM_CAP = 5_000;
const TIMEOUT_S = 1;
const LATENCY_MS = 1_800;
const DEPARTEMENTS = SEED_TABULAR[1].resourceId;
const COMMUNES_DATASET = SEED_TABULAR[0].datasetId;
const CLI_ENV = { DATAGOUV_RETRIES: "1", DATAGOUV_TIMEOUT: String(TIMEOUT_S), DATAGOUV_API_KEY: API_KEY };

let sandbox: Sandbox;
let root: string;
let dg: DataGouv;

/** What a cell ran: its exit code (the CLI's, or what it gives the error a library call threw), its output. */
interface Ran {
  code: number;
  stderr: string;
  output?: Buffer;
}

/** The folders a cell runs in: its output folder, its TMPDIR and its download cache. */
interface Cell {
  out: string;
  tmp: string;
  cache: string;
  index: number;
}

interface Operation {
  name: string;
  /** The path glob its faults apply to, and which request matching it "once" faults hit. */
  pattern: string;
  once: number;
  /** Where a response is cut mid-body (bytes). */
  cutAt: number;
  /** A write: never replayed, so that every fault on it fails it. */
  write?: boolean;
  /** Leaves its output in `cell.out` (a command with --output), as opposed to stdout or a value. */
  file?: string;
  run(cell: Cell): Promise<Ran>;
}

async function cli(args: string[], cell: Cell): Promise<Ran> {
  const ran = await datagouv(sandbox.url, args, { cache: cell.cache, tmp: cell.tmp, env: CLI_ENV });
  return { code: ran.code, stderr: ran.stderr, output: Buffer.from(ran.stdout) };
}

async function library(work: (client: DataGouv) => Promise<unknown>): Promise<Ran> {
  const client = new DataGouv(
    {
      sandboxUrl: sandbox.url,
      apiKey: API_KEY,
      retry: { retries: 1 },
      timeoutMs: TIMEOUT_S * 1000,
      logger: { warn() {} },
    },
    {},
  );
  try {
    return { code: 0, stderr: "", output: Buffer.from(JSON.stringify(await work(client))) };
  } catch (error) {
    const stderr = new PassThrough();
    const code = reportError(error, { stderr });
    return { code, stderr: String(stderr.read() ?? "") };
  } finally {
    await client.close();
  }
}

/** A command writing its output into the cell's output folder: what it wrote is its output. */
function intoFile(op: Omit<Operation, "run"> & { file: string; args: (output: string) => string[] }): Operation {
  const { args, ...rest } = op;
  return {
    ...rest,
    run: async (cell) => {
      const path = join(cell.out, op.file);
      const ran = await cli(args(path), cell);
      return { ...ran, output: existsSync(path) ? await readFile(path) : undefined };
    },
  };
}

// the uploaded file, its resource, and what the platform holds of it
let uploaded: string;
let datasetId: string;
let resourceId: string;
let resourceUrl: string;
const platformFile = async () => Buffer.from(await (await fetch(resourceUrl)).arrayBuffer());
const measurements = (cell: number) =>
  `cellule,mesure\n${Array.from({ length: 200 }, (_, i) => `${cell},${(i * 7919) % 1000}`).join("\n")}\n`;

const OPERATIONS: Operation[] = [
  {
    name: "Main API list (datasets search)",
    pattern: "/api/2/datasets/search/",
    once: 1,
    cutAt: 1,
    run: (cell) => cli(["datasets", "search", "communes", "--limit", "5", "--json"], cell),
  },
  {
    name: "Tabular page (rows of a resource, 20 a page)",
    pattern: `/tabular/api/resources/${DEPARTEMENTS}/data/`,
    once: 2,
    cutAt: 1,
    run: () => library((client) => client.tabular(DEPARTEMENTS).all({ pageSize: 20 })),
  },
  {
    name: "Metrics page (a dataset's months, 10 a page)",
    pattern: "/metrics/api/datasets/data/",
    once: 2,
    cutAt: 1,
    run: () =>
      library((client) =>
        client.metrics("datasets").where("dataset_id", "exact", COMMUNES_DATASET).all({ pageSize: 10 }),
      ),
  },
  intoFile({
    name: "Tabular stream (a resource to CSV)",
    pattern: `/tabular/api/resources/${DEPARTEMENTS}/data/csv/`,
    once: 1,
    cutAt: 512,
    file: "departements.csv",
    args: (output) => ["tabular", DEPARTEMENTS, "--output", output],
  }),
  intoFile({
    name: "windowed export past the cap (12,000 rows to Parquet)",
    pattern: `/tabular/api/resources/${BIG_RESOURCE_ID}/data/csv/`,
    // the 1st stream is the whole result, refused past the cap; the 3rd the second window
    once: 3,
    cutAt: 4096,
    file: "meters.parquet",
    args: (output) => ["tabular", BIG_RESOURCE_ID, "--output", output],
  }),
  intoFile({
    name: "Metrics export (a model to CSV)",
    pattern: "/metrics/api/datasets/data/csv/",
    once: 1,
    cutAt: 4096,
    file: "visits.csv",
    args: (output) => ["metrics", "datasets", "--output", output],
  }),
  {
    name: "upload (a new version of a resource's file)",
    pattern: "/api/1/datasets/*/resources/*/upload/",
    once: 1,
    cutAt: 1,
    write: true,
    run: async (cell) => {
      await writeFile(uploaded, measurements(cell.index));
      const ran = await library((client) => client.datasets.uploadResource(datasetId, uploaded, { resourceId }));
      return { ...ran, output: await platformFile() };
    },
  },
];

/** What a cell must give: the fault-free output, or an error named by its message, with its exit code. */
type Outcome = { ok: true } | { code: number; message: RegExp; applied?: "no" | "yes" };
const OK: Outcome = { ok: true };

interface Fault {
  name: string;
  spec(op: Operation): string;
  outcome(op: Operation): Outcome;
  /** Requests a read that recovers makes past the fault-free run's: the one asked again (none if nothing is cut). */
  again?: number;
}

/** A refusal that is retried on reads (and fails once the retry is spent), and fails a write at once. */
const refusal = (status: number, once: boolean): Fault => ({
  name: `${status} ${once ? "once" : "always"}`,
  spec: (op) => `status=${status}${once ? `,nth=${op.once}` : ""}`,
  outcome: (op) =>
    once && !op.write && status !== 500 ? OK : { code: 3, message: new RegExp(`failed: ${status}\\b`), applied: "no" },
});

const FAULTS: Fault[] = [
  ...[429, 500, 502, 503].flatMap((status) => [refusal(status, true), refusal(status, false)]),
  {
    name: "reset before the first byte",
    spec: (op) => `reset-after=0,nth=${op.once}`,
    outcome: (op) =>
      op.write ? { code: 3, message: /connection broke before it answered: check whether/, applied: "no" } : OK,
  },
  {
    name: "reset after the first byte",
    spec: (op) => `reset-after=${op.cutAt},nth=${op.once}`,
    // the upload was taken: its answer was cut off, which the message says
    outcome: (op) => (op.write ? { code: 3, message: /answer was cut off: check whether/, applied: "yes" } : OK),
  },
  {
    name: "truncate",
    spec: (op) => `truncate=${op.cutAt},nth=${op.once}`,
    outcome: (op) => (op.write ? { code: 3, message: /answer was cut off: check whether/, applied: "yes" } : OK),
  },
  {
    name: "overload",
    spec: () => "overload",
    outcome: () => ({ code: 3, message: /failed: 302 overloaded .*retry later/, applied: "no" }),
  },
  {
    name: "latency past the timeout",
    spec: () => `latency=${LATENCY_MS}`,
    // an upload waits five minutes for its answer (the server reads and checks the file first)
    outcome: (op) => (op.write ? OK : { code: 3, message: /failed: timeout .*did not answer in time/ }),
    again: 0,
  },
  {
    name: "cut upload",
    spec: (op) => `cut-request-after=1024,nth=${op.once}`,
    // reads send no body to cut
    outcome: (op) =>
      op.write ? { code: 3, message: /connection broke before it answered: check whether/, applied: "no" } : OK,
    again: 0,
  },
];

const reference = new Map<string, { output: Buffer; asked: number }>();
/** The requests the sandbox received, by path; how many an operation's faults apply to (`*` matches anything). */
const received: string[] = [];
const askedOf = (op: Operation) => {
  const glob = new RegExp(
    `^${op.pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return received.filter((path) => glob.test(path)).length;
};
let cells = 0;

async function newCell(): Promise<Cell> {
  const index = ++cells;
  const cell = {
    index,
    out: join(root, `${index}`, "out"),
    tmp: join(root, `${index}`, "tmp"),
    cache: join(root, `${index}`, "cache"),
  };
  for (const dir of [cell.out, cell.tmp, cell.cache]) await mkdir(dir, { recursive: true });
  return cell;
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "datagouv-fault-matrix-"));
  sandbox = await startSandbox({
    tabular: { bigRows: ROWS, streamCap: STREAM_CAP },
    metrics: { streamCap: STREAM_CAP },
    apiKeys: [API_KEY],
    onRequest: (_method, path) => void received.push(path),
  });
  dg = new DataGouv({ sandboxUrl: sandbox.url, apiKey: API_KEY, logger: { warn() {} } }, {});
  uploaded = join(root, "mesures.csv");
  const dataset = await dg.datasets.create({
    title: "Mesures (fault matrix)",
    description: "Une ligne par mesure.",
    organization: SEED_ORGANIZATIONS[0].id,
  });
  await writeFile(uploaded, measurements(0));
  const resource = await dg.datasets.uploadResource(dataset.id, uploaded);
  [datasetId, resourceId, resourceUrl] = [dataset.id, resource.id, resource.url];
  expect((await platformFile()).toString()).toBe(measurements(0));
  for (const op of OPERATIONS) {
    received.length = 0;
    const ran = await op.run(await newCell());
    expect(ran.code, `${op.name}, fault-free: ${ran.stderr}`).toBe(0);
    reference.set(op.name, { output: ran.output!, asked: askedOf(op) });
  }
});
afterAll(async () => {
  await dg?.close();
  await sandbox?.close();
  await rm(root, { recursive: true, force: true });
});

describe.each(OPERATIONS)("$name", (op) => {
  it.each(FAULTS)("$name", async (fault) => {
    const cell = await newCell();
    const expected = fault.outcome(op);
    const spec = `${op.pattern}:${fault.spec(op)}`;
    // what the platform holds before: a write that fails must leave it so
    const before = op.write ? await platformFile() : undefined;
    sandbox.faults.set(spec);
    received.length = 0;
    let ran: Ran;
    try {
      ran = await op.run(cell);
    } finally {
      sandbox.faults.clear();
    }
    const context = `${op.name} × ${spec}: exit ${ran.code}\n${ran.stderr}`;
    if ("ok" in expected) {
      expect(ran.code, context).toBe(0);
      const wanted = op.write ? Buffer.from(measurements(cell.index)) : reference.get(op.name)!.output;
      expect(ran.output?.equals(wanted), context).toBe(true);
      // the fault was met, and what it cut (a page, a window, a stream) asked for again, alone
      expect(askedOf(op), context).toBe(reference.get(op.name)!.asked + (fault.again ?? 1));
    } else {
      expect(ran.code, context).toBe(expected.code);
      expect(ran.stderr, context).toMatch(expected.message);
      expect(ran.stderr, context).not.toMatch(/\n\s+at /);
      if (op.write) {
        const wanted = expected.applied === "yes" ? Buffer.from(measurements(cell.index)) : before!;
        expect(ran.output?.equals(wanted), `${context}\nthe platform holds:\n${ran.output}`).toBe(true);
      }
    }
    // nothing left behind: the output alone (on success), nothing in the temporary folder
    expect(await filesUnder(cell.out), context).toEqual("ok" in expected && op.file ? [op.file] : []);
    expect(await filesUnder(cell.tmp), context).toEqual([]);
    const kept = await filesUnder(cell.cache);
    if ("ok" in expected)
      expect(
        kept.filter((f) => f.startsWith("exports")),
        context,
      ).toEqual([]);
    else
      for (const file of kept)
        expect(file, context).toMatch(/^exports\/\w+\/(plan\.json|window-\d+\.(csv|size\.json))$/);
  });
});
