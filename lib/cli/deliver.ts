import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

/**
 * Produces an output file with `write(path)`: at `output` when given (written atomically), otherwise in a temporary
 * directory from which it is copied to stdout once complete, so stdout never carries half a result.
 */
export async function deliver(
  output: string | undefined,
  extension: string,
  write: (path: string) => Promise<number>,
): Promise<number> {
  if (output) return write(output);
  const dir = await mkdtemp(join(tmpdir(), "datagouv-out-"));
  try {
    const file = join(dir, `result.${extension}`);
    const rows = await write(file);
    await pipeline(createReadStream(file), process.stdout, { end: false });
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
