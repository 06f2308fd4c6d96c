import type { Progress } from "../tabular/export-engine.ts";
import { terminal } from "./terminal.ts";

/**
 * A progress line on stderr for long transfers: rewritten in place on a terminal that can (not TERM=dumb), a line every
 * few seconds otherwise, so that a log or a dumb terminal gets no control characters.
 */
export function progressReporter(stderr: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): {
  update(progress: Progress): void;
  done(rows?: number): void;
} {
  const { live } = terminal(stderr);
  const started = Date.now();
  let last = Date.now();
  let latest: Progress | undefined;
  const line = (p: Progress) => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const rows = p.rows === undefined ? "" : `${p.rows.toLocaleString("en")} rows, `;
    return `${p.label}: ${rows}${(p.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${(p.bytes / 1e6 / seconds).toFixed(1)} MB/s)`;
  };
  return {
    update(progress) {
      latest = progress;
      const now = Date.now();
      if (now - last < (live ? 200 : 5000)) return;
      last = now;
      stderr.write(live ? `\r${line(progress)}\x1b[K` : `${line(progress)}\n`);
    },
    /** The closing line, with the final row count in place of the last one counted on the way. */
    done(rows) {
      if (!latest) return;
      const final = line(rows === undefined ? latest : { ...latest, rows });
      stderr.write(live ? `\r${final}\x1b[K\n` : `${final}\n`);
    },
  };
}
