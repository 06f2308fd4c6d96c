import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnvironment {
  /** DATAGOUV_CACHE_DIR. */
  cache: string;
  /** TMPDIR: where the command's temporary files go. */
  tmp?: string;
  env?: Record<string, string>;
}

/** Runs the compiled `datagouv` command against a sandbox; never throws for a non-zero exit. */
export async function datagouv(sandboxUrl: string, args: string[], environment: CliEnvironment): Promise<Ran> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATAGOUV_SANDBOX_URL: sandboxUrl,
    DATAGOUV_CACHE_DIR: environment.cache,
    ...environment.env,
  };
  if (environment.tmp) env.TMPDIR = environment.tmp;
  try {
    const { stdout, stderr } = await run(process.execPath, ["build/lib/cli/bin.js", ...args], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** The window files an entry of the export cache holds. */
export async function keptWindows(cache: string): Promise<string[]> {
  const exports = join(cache, "exports");
  if (!existsSync(exports)) return [];
  const names: string[] = [];
  for (const entry of await readdir(exports))
    names.push(...(await readdir(join(exports, entry))).filter((n) => /^window-\d+\.csv$/.test(n)));
  return names;
}
