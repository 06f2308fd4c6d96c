import { execFile } from "node:child_process";
import { promisify } from "node:util";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Nothing listens there: a command that was not pointed at a sandbox fails at once instead of leaving the machine. */
const NOWHERE = "http://127.0.0.1:9/";

/**
 * Runs the compiled `datagouv` command as a user would, with `env` added to this process's environment; its
 * DATAGOUV_SANDBOX_URL is a closed port on loopback unless `env` names a sandbox.
 */
export async function datagouv(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["build/lib/cli/bin.js", ...args], {
      env: { ...process.env, DATAGOUV_SANDBOX_URL: NOWHERE, DATAGOUV_API_KEY: "", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A line of a JavaScript stack trace: `    at fn (file.js:1:2)`. */
export const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;
