/** Timing helpers shared by the benchmarks, and the sandbox they run against in a process of its own. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** Rows of the sandbox's large resource. */
export const ROWS = 1_000_000;
/** The key the write benchmark publishes with. */
export const WRITE_KEY = "bench-writer-key-0001";
/** Runs per side of a ratio. */
export const RUNS = 3;

export const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

/** CPU seconds (all threads) of this process. */
export const ownCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** CPU seconds of another process where /proc tells (Linux); undefined elsewhere. */
export function processCpu(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // utime and stime, in clock ticks (100 a second), after the command name's closing parenthesis
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export interface Measured {
  /** The fastest run's wall-clock seconds. */
  seconds: number;
  /** The CPU this process spent in that run, and the sandbox's process (when given). */
  here: number;
  sandbox?: number;
  /** The least CPU this process spent in any run: what the work costs, a shared machine only ever adding to it. */
  leastCpu: number;
}

/** One run of `work`, timed and its CPU counted here and in the sandbox's process. */
export async function measureOnce(work: () => Promise<unknown>, sandboxPid?: number): Promise<Measured> {
  const [here, sandbox] = [ownCpu(), processCpu(sandboxPid)];
  const seconds = await timed(work);
  const after = processCpu(sandboxPid);
  const cpu = ownCpu() - here;
  return {
    seconds,
    here: cpu,
    sandbox: sandbox === undefined || after === undefined ? undefined : after - sandbox,
    leastCpu: cpu,
  };
}

/** The better of two measures: the faster run's figures, the least CPU of both. */
export function better(a: Measured | undefined, b: Measured): Measured {
  if (!a) return b;
  const faster = b.seconds < a.seconds ? b : a;
  return { ...faster, leastCpu: Math.min(a.leastCpu, b.leastCpu) };
}

/**
 * The fastest of `RUNS` runs, with the CPU time it took here and in the sandbox's process (when given): both sides of a
 * ratio are timed alike, and the machine's noise only ever slows a run down.
 */
export async function bestWithCpu(work: () => Promise<unknown>, sandboxPid?: number): Promise<Measured> {
  let best: Measured | undefined;
  for (let i = 0; i < RUNS; i++) best = better(best, await measureOnce(work, sandboxPid));
  return best!;
}

export const best = async (work: () => Promise<unknown>) => (await bestWithCpu(work)).seconds;

/** The sandbox, built, in its own process with the large resource, stopped by the caller (SIGTERM). */
export async function startSandbox(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...["build/lib/cli/bin.js", "sandbox", "--data", join(dir, "sandbox"), "--big-rows", String(ROWS)],
      ...["--api-key", WRITE_KEY],
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening on (\S+)$/.exec(line);
    if (match) return { url: match[1], child };
  }
  throw new Error("the sandbox did not start");
}

/** Ends the process if a bench run outlives `minutes` (a hung sandbox must not hold the machine); clear it when done. */
export function stopAfter(minutes: number): NodeJS.Timeout {
  return setTimeout(() => {
    process.stderr.write(`bench: stopped after ${minutes} minutes\n`);
    process.exit(1);
  }, minutes * 60_000);
}
