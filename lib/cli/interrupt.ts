/**
 * Ctrl-C and SIGTERM. A command that does long work (an export) passes `interruption.signal` down: the transfers under
 * way are aborted, DuckDB's query is interrupted, and the work unwinds through its own clean-up (temporary folders and
 * a half-written output removed, whole windows kept in the download cache for the next run). The process then ends
 * with 130 or 143, the codes a shell gives a process killed by those signals. A second signal, or clean-up still
 * running after `GRACE_MS`, ends it at once. Other commands end at once, as they would without a handler.
 */
import { alarm, terminal } from "./terminal.ts";

const CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type Caught = keyof typeof CODES;

/** Time the clean-up gets before the process ends regardless. */
const GRACE_MS = 5_000;

const controller = new AbortController();

/** Aborted, with an `Interrupted` reason, once the process received SIGINT or SIGTERM. */
export const interruption: { readonly signal: AbortSignal } = controller;

export class Interrupted extends Error {
  override readonly name = "Interrupted";
  readonly signal: Caught;

  constructor(signal: Caught) {
    super(`interrupted (${signal})`);
    this.signal = signal;
  }

  get exitCode(): number {
    return CODES[this.signal];
  }
}

/** The interruption received so far, if any. */
export function interrupted(): Interrupted | undefined {
  return controller.signal.aborted ? (controller.signal.reason as Interrupted) : undefined;
}

/** What a command that stopped cleanly adds to the line: what became of its work. */
const AFTER_CLEAN_UP =
  "stopped with nothing written; the same command run again resumes from the windows already fetched";

/** The one line an interrupted command says (after its clean-up, with `cleaned`), and its exit code. */
export function reportInterrupted(
  cleaned: boolean,
  stderr: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): number {
  const reason = interrupted()!;
  const where = terminal(stderr);
  // a progress line rewritten in place has no newline of its own yet
  const detail = cleaned ? `: ${AFTER_CLEAN_UP}` : "";
  stderr.write(`${where.live ? "\n" : ""}${alarm("datagouv:", where)} ${reason.message}${detail}\n`);
  return reason.exitCode;
}

/**
 * Takes SIGINT and SIGTERM for the rest of the process: `graceful` commands are told through `interruption` and given
 * time to clean up; the others end at once, with the same line and code.
 */
export function handleInterruptions(graceful: boolean): void {
  const now = (signal: Caught) => {
    if (!controller.signal.aborted) controller.abort(new Interrupted(signal));
    reportInterrupted(false);
    process.exit(CODES[signal]);
  };
  const on = (signal: Caught) => {
    if (controller.signal.aborted || !graceful) return now(signal);
    controller.abort(new Interrupted(signal));
    setTimeout(() => now(signal), GRACE_MS).unref();
  };
  process.on("SIGINT", () => on("SIGINT"));
  process.on("SIGTERM", () => on("SIGTERM"));
}
