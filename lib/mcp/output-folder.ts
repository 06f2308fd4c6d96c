import { lstat, mkdir, realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ToolRefusal } from "./tool.ts";

/**
 * A path an assistant gives is untrusted: files are written (exports) and read (uploads) only inside the output
 * folder the server was started with. Absolute paths, `..`, hidden names (the folder keeps its download cache under
 * `.cache`) and symbolic links leading out are refused; the answer is the real path to use.
 */
export async function outputPath(outputDir: string, requested: string): Promise<string> {
  const refuse = refusal(outputDir, requested, "exports are written");
  const target = checked(outputDir, requested, refuse);
  await mkdir(dirname(target), { recursive: true });
  const [root, parent] = await Promise.all([realpath(outputDir), realpath(dirname(target))]);
  if (!inside(root, parent)) throw refuse("goes through a link outside the folder");
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw refuse("is a symbolic link");
  if (existing?.isDirectory()) throw refuse("is a folder");
  return join(parent, basename(target));
}

/** A file to read (an upload), under the same rules: it must exist inside the output folder. */
export async function inputPath(outputDir: string, requested: string): Promise<string> {
  const refuse = refusal(outputDir, requested, "files are read");
  const target = checked(outputDir, requested, refuse);
  const [root, real] = await Promise.all([
    realpath(outputDir).catch(() => outputDir),
    realpath(target).catch(() => {
      throw refuse("does not exist");
    }),
  ]);
  if (!inside(root, real)) throw refuse("goes through a link outside the folder");
  if (!(await stat(real)).isFile()) throw refuse("is not a file");
  return real;
}

function refusal(outputDir: string, requested: string, what: string) {
  return (why: string) =>
    new ToolRefusal(
      `${JSON.stringify(requested)} ${why}: ${what} only inside the output folder ${outputDir}; give a file name ` +
        'such as "result.parquet" or "folder/result.csv"',
    );
}

function checked(outputDir: string, requested: string, refuse: (why: string) => ToolRefusal): string {
  if (requested.includes("\0")) throw refuse("contains a NUL character");
  if (isAbsolute(requested) || /^[a-zA-Z]:/.test(requested)) throw refuse("is an absolute path");
  const target = resolve(outputDir, requested);
  const within = relative(outputDir, target);
  if (within === "" || within.startsWith("..") || isAbsolute(within)) throw refuse("leads outside the output folder");
  if (within.split(sep).some((part) => part.startsWith("."))) throw refuse("names a hidden file or folder");
  return target;
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(`${root}${sep}`);
}
