import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file so that it appears only once complete: the work writes a temporary file beside the target, which is
 * renamed over it on success and removed on failure. A failed export leaves nothing behind.
 */
export async function writeAtomically<T>(path: string, work: (temporary: string) => Promise<T>): Promise<T> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const result = await work(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true, recursive: true });
    throw error;
  }
}
