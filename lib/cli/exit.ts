import { tmpdir } from "node:os";
import { PayloadError } from "../catalog/parse.ts";
// errors.ts, not http/index.ts: the index loads undici, which `datagouv --help` need not wait for
import { DataGouvError, isFileError, QueryError } from "../http/errors.ts";
import { alarm, terminal } from "./terminal.ts";

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

/** A file the command cannot write or read, said before anything is fetched (a missing output folder). */
export class FileProblem extends Error {
  override readonly name = "FileProblem";
}

export interface ReportOptions {
  /** The command that failed, for the pointer to its help. */
  command?: string;
  /** Print an unexpected error's stack. */
  debug?: boolean;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** What a person reads about a file error: which file, and what is wrong with it in words. */
function fileProblem(error: NodeJS.ErrnoException): string {
  const what = FULL.has(error.code!)
    ? "the disk is full"
    : error.code === "ENOENT"
      ? "no such file or directory"
      : error.code === "EACCES" || error.code === "EPERM"
        ? "permission denied"
        : error.message.replace(/^\w+: /, "");
  if (!error.path)
    // a write stream's error does not say which file: the output's, or one in the temporary folder
    return `cannot write the output or a temporary file in ${tmpdir()}: ${what}${FULL.has(error.code!) ? " (TMPDIR chooses where temporary files go)" : ""}`;
  return `cannot ${error.syscall === "write" ? "write" : "write or read"} ${error.path}: ${what}`;
}

/** Prints an error the way a person reading a terminal wants it, and says which exit code it deserves. */
export function reportError(error: unknown, options: ReportOptions = {}): number {
  const stderr = options.stderr ?? process.stderr;
  const say = (line: string) => stderr.write(`${alarm("datagouv:", terminal(stderr))} ${line}\n`);
  if (error instanceof UsageError || error instanceof QueryError) {
    say(error.message);
    // the help shows how to write a command line; it has nothing to say about a query no server can run
    if (error instanceof UsageError)
      stderr.write(`(see "datagouv ${options.command ? `help ${options.command}` : "--help"}")\n`);
    return EXIT.usage;
  }
  if (error instanceof DataGouvError) {
    say(error.message);
    if (error.errorId) stderr.write(`error id: ${error.errorId}\n`);
    return EXIT.api;
  }
  if (error instanceof PayloadError) {
    say(`the API answered with something the toolkit does not read (${error.message}); if it lasts, report it`);
    return EXIT.api;
  }
  if (error instanceof FileProblem) {
    say(error.message);
    return EXIT.io;
  }
  const message = String((error as Error)?.message ?? "");
  // DuckDB reports its own file errors as "IO Error: …" without a Node error code
  if (/^IO Error:/.test(message)) {
    const what = /No space left on device|Disk quota exceeded|File too large/i.test(message)
      ? "the disk is full"
      : message.replace(/^IO Error:\s*/, "");
    say(`cannot write the output: ${what}. Nothing was left half-written.`);
    return EXIT.io;
  }
  if (isFileError(error)) {
    say(`${fileProblem(error)}. Nothing was left half-written.`);
    return EXIT.io;
  }
  if ((error as { code?: string } | null)?.code === "EPIPE") return EXIT.ok;
  say(`unexpected error: ${(error as Error)?.name ?? "Error"}: ${message || String(error)}`);
  if (options.debug) stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  else stderr.write("(run it again with --debug to print where it happened)\n");
  return EXIT.internal;
}
