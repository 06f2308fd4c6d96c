import type { Progress } from "../tabular/export-engine.ts";

/** A progress line on stderr for long transfers: rewritten in place on a terminal, a line every few seconds otherwise. */
export function progressReporter(stderr: NodeJS.WriteStream = process.stderr): {
  update(progress: Progress): void;
  done(rows?: number): void;
} {
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
      if (now - last < (stderr.isTTY ? 200 : 5000)) return;
      last = now;
      stderr.write(stderr.isTTY ? `\r${line(progress)}\x1b[K` : `${line(progress)}\n`);
    },
    done(rows) {
      if (!latest) return;
      stderr.write(
        `${stderr.isTTY ? "\r" : ""}${line(latest)}${rows === undefined ? "" : `, ${rows.toLocaleString("en")} rows`}${stderr.isTTY ? "\x1b[K" : ""}\n`,
      );
    },
  };
}
