import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { cacheDir } from "./cache.ts";
import type { IdSurvey, IdWindow } from "./windows.ts";

/**
 * The windows of an export kept in the download cache until its output is written, so that the same export run again
 * after an interruption (Ctrl-C, a kill, a lost network) fetches only those it lacks. An entry is keyed by the query
 * as sent (the API's root, the query, the stream's format). Its plan records what the windows were planned from: a
 * later run reuses them only if the rows have not changed since (the same count and span of ids, the same table), and
 * only the window files that are whole (renamed into place once complete, of their recorded size, ending with the
 * newline every stream ends with).
 */
export interface WindowPlan {
  query: string;
  format: string;
  cap: number;
  survey: IdSurvey;
  /** The Tabular table's creation time: a resource loaded again is a new table. */
  version?: string;
  windows: IdWindow[];
}

export interface KeptWindows {
  readonly dir: string;
  /** How many windows were already there, whole, when the entry was opened. */
  readonly resumed: number;
  has(index: number): boolean;
  file(index: number): string;
  /** Writes a window by `work` into a temporary file, renamed into place once complete. */
  write(index: number, work: (temporary: string) => Promise<number>): Promise<void>;
  /** With `written`, the output is complete and the entry goes; otherwise the whole windows stay for the next run. */
  close(written: boolean): Promise<string | undefined>;
}

const PLAN = "plan.json";
const LOCK = "lock";

/** Where an export's windows are kept: `<cache>/exports/<key>`. */
export function entryDir(root: string, query: string, format: string, cache?: string): string {
  const key = createHash("sha256")
    .update(JSON.stringify([root, query, format]))
    .digest("hex")
    .slice(0, 32);
  return join(cacheDir(cache), "exports", key);
}

/** The plan kept for an export, if any. */
export async function keptPlan(dir: string): Promise<WindowPlan | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, PLAN), "utf8")) as WindowPlan;
  } catch {
    return undefined;
  }
}

/** Whether a kept plan still describes the rows: same query, cap and format, unchanged rows. */
export function stillHolds(kept: WindowPlan | undefined, plan: Omit<WindowPlan, "windows">): kept is WindowPlan {
  if (!kept) return false;
  const { survey } = kept;
  return (
    kept.query === plan.query &&
    kept.format === plan.format &&
    kept.cap === plan.cap &&
    kept.version === plan.version &&
    survey.total === plan.survey.total &&
    survey.low === plan.survey.low &&
    survey.high === plan.survey.high
  );
}

/**
 * Opens the entry for `plan`, reusing the windows already there when `resume` (the kept plan still holds) and starting
 * it anew otherwise. Undefined when another export of the same query, still running, holds it.
 */
export async function keepWindows(dir: string, plan: WindowPlan, resume: boolean): Promise<KeptWindows | undefined> {
  await mkdir(dir, { recursive: true });
  const token = `${process.pid} ${randomBytes(6).toString("hex")}`;
  if (!(await lock(dir, token))) return undefined;
  try {
    const names = await readdir(dir);
    // what a run cut short was writing, and (starting anew) everything of the old plan
    for (const name of names)
      if (name.endsWith(".tmp") || (!resume && name.startsWith("window-"))) await rm(join(dir, name), { force: true });
    if (!resume) await writeFile(join(dir, PLAN), JSON.stringify(plan));
  } catch (error) {
    await rm(join(dir, LOCK), { force: true });
    throw error;
  }
  const file = (index: number) => join(dir, `window-${String(index).padStart(5, "0")}.${plan.format}`);
  const whole = new Set<number>();
  // one after the other: a large export has thousands of windows, more than files may be open at once
  if (resume)
    for (let index = 0; index < plan.windows.length; index++) if (await isWhole(file(index))) whole.add(index);
  return {
    dir,
    resumed: whole.size,
    has: (index) => whole.has(index),
    file,
    async write(index, work) {
      const target = file(index);
      const temporary = `${target}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        const bytes = await work(temporary);
        await rename(temporary, target);
        await writeFile(sizeFile(target), JSON.stringify({ bytes }));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async close(written) {
      if (written) {
        await forget(dir);
        return undefined;
      }
      const kept = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^window-\d+\.\w+$/.test(n));
      // nothing whole to resume from: nothing to keep
      if (!kept.length) await forget(dir);
      else await rm(join(dir, LOCK), { force: true });
      return kept.length ? `${kept.length} of ${plan.windows.length} windows` : undefined;
    },
  };
}

/** Removes an entry, and the exports folder once it holds no other. */
async function forget(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await rmdir(dirname(dir)).catch(() => {});
}

function sizeFile(window: string): string {
  return window.replace(/\.\w+$/, ".size.json");
}

async function isWhole(file: string): Promise<boolean> {
  try {
    const { bytes } = JSON.parse(await readFile(sizeFile(file), "utf8")) as { bytes: number };
    const { size } = await stat(file);
    if (size !== bytes || size === 0) return false;
    const handle = await open(file, "r");
    try {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] === 0x0a;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** Takes the entry's lock, unless an export still running holds it (a lock left by a dead process is taken over). */
async function lock(dir: string, token: string): Promise<boolean> {
  const path = join(dir, LOCK);
  for (let tries = 0; tries < 2; tries++) {
    try {
      await writeFile(path, token, { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const holder = Number((await readFile(path, "utf8").catch(() => "")).split(" ")[0]);
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
      await rm(path, { force: true });
    }
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
