import { constants, createReadStream } from "node:fs";
import { access, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { FileProblem } from "./exit.ts";

/**
 * Refuses an output path that cannot be written, before anything is fetched: its folder must exist (it is not
 * created: a mistyped folder would otherwise be made silently) and be writable, and the path must not be a folder.
 */
export async function checkOutput(output: string, flag = "--output"): Promise<void> {
  const folder = dirname(resolve(output));
  const found = await stat(folder).catch(() => undefined);
  if (!found)
    throw new FileProblem(
      `${flag} ${output}: the folder ${folder} does not exist; create it first (mkdir -p ${folder}) or write elsewhere`,
    );
  if (!found.isDirectory()) throw new FileProblem(`${flag} ${output}: ${folder} is a file, not a folder`);
  if ((await stat(output).catch(() => undefined))?.isDirectory())
    throw new FileProblem(`${flag} ${output}: that is a folder; name the file to write in it`);
  await access(folder, constants.W_OK).catch(() => {
    throw new FileProblem(`${flag} ${output}: the folder ${folder} is not writable (permission denied)`);
  });
}

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
