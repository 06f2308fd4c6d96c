// errors.ts, not http/index.ts: the index loads undici, which `datagouv --help` need not wait for
import { DataGouvError, QueryError } from "../http/errors.ts";

/** Exit codes, so scripts can tell a typo from an outage from a full disk. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  api: 3,
  io: 4,
} as const;

/** A mistake in the command line itself: wrong flag, missing argument, malformed filter. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const IO_CODES = new Set([
  "ENOSPC",
  "EACCES",
  "EPERM",
  "EROFS",
  "EISDIR",
  "ENOTDIR",
  "EEXIST",
  "EMFILE",
  "EDQUOT",
  "ENOENT",
]);

/** Prints an error the way a person reading a terminal wants it, and says which exit code it deserves. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof UsageError || error instanceof QueryError) {
    stderr.write(`datagouv: ${error.message}\n(see --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof DataGouvError) {
    stderr.write(`datagouv: ${error.message}\n`);
    if (error.errorId) stderr.write(`error id: ${error.errorId}\n`);
    return EXIT.api;
  }
  const code = (error as { code?: string } | null)?.code;
  const message = String((error as Error)?.message ?? "");
  // DuckDB reports its own file errors as "IO Error: …" without a Node error code
  if (/^IO Error:/.test(message)) {
    const what = /No space left on device|Disk quota exceeded/i.test(message)
      ? "the disk is full"
      : message.replace(/^IO Error:\s*/, "");
    stderr.write(`datagouv: cannot write the output: ${what}. Nothing was left half-written.\n`);
    return EXIT.io;
  }
  if (code && IO_CODES.has(code)) {
    const path = (error as { path?: string }).path;
    const what =
      code === "ENOSPC" || code === "EDQUOT"
        ? "the disk is full"
        : code === "ENOENT"
          ? "no such file or directory"
          : (error as Error).message;
    stderr.write(`datagouv: cannot write or read ${path ?? "a file"}: ${what}. Nothing was left half-written.\n`);
    return EXIT.io;
  }
  stderr.write(`datagouv: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.internal;
}
