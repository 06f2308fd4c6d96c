import { createHash } from "node:crypto";
import { mkdir, open, readdir, rename, rm, type FileHandle } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { writeFile } from "../respond.ts";

/**
 * The bare export URLs' bytes kept as files. Production redirects those URLs to a nightly file, so their bytes stay the
 * same between two changes of the catalog; here the first request after a change writes the file while it streams,
 * and the next ones read it, as fast as a static file is served (a full catalog's resources export is 240 MB).
 */
export class ExportFiles {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The file of one export, for one state of the catalog and one origin (its URLs carry the origin). */
  path(kind: string, state: string, origin: string): string {
    const key = createHash("sha1").update(origin).digest("hex").slice(0, 12);
    return join(this.#dir, `${kind}-${state}-${key}.csv`);
  }

  /** Streams the file if it exists; false when it does not (yet). */
  async serve(res: ServerResponse, path: string): Promise<boolean> {
    let file: FileHandle;
    try {
      file = await open(path, "r");
    } catch {
      return false;
    }
    try {
      if (await writeFile(res, file)) res.end();
      return true;
    } finally {
      await file.close();
    }
  }

  /** A file being written next to its final place: kept if `done`, removed if `abandon`ed. */
  async writer(
    path: string,
  ): Promise<{ write(chunk: string): Promise<void>; done(): Promise<void>; abandon(): Promise<void> }> {
    await mkdir(this.#dir, { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.part`;
    const file = await open(temporary, "w");
    const dir = this.#dir;
    return {
      write: async (chunk) => void (await file.write(chunk)),
      async done() {
        await file.close();
        await rename(temporary, path);
        const kind = path.slice(dir.length + 1).split("-")[0];
        for (const name of await readdir(dir))
          if (name.startsWith(`${kind}-`) && join(dir, name) !== path && !name.endsWith(".part"))
            await rm(join(dir, name), { force: true });
      },
      async abandon() {
        await file.close().catch(() => {});
        await rm(temporary, { force: true });
      },
    };
  }
}
