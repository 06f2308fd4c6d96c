import { execFile } from "node:child_process";
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The repository's root: the datagouv-kit package, with the sandbox's package in sandbox/. */
export const REPO = fileURLToPath(new URL("../..", import.meta.url));

const exec = promisify(execFile);

export interface Tarball {
  path: string;
  /** The .tgz's own size. */
  bytes: number;
  files: number;
}

/**
 * The environment of a user's shell. Under `npm test`, npm hands its scripts the repository's own prefix and package
 * fields; left in, they would point a child npm or npx back at the repository.
 */
export function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.entries(process.env).filter(
    ([name]) => name !== "npm_config_local_prefix" && !/^npm_(package|lifecycle)_/.test(name),
  );
  return { ...Object.fromEntries(env), ...extra };
}

/** npm as a user runs it, from `cwd`. */
export async function npm(cwd: string, args: string[], timeoutMs = 180_000): Promise<string> {
  const env = userEnvironment();
  const { stdout } = await exec("npm", args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 << 20 });
  return stdout;
}

/**
 * `npm pack`s datagouv-kit and datagouv-kit-sandbox into `dir`. Scripts are skipped: `prepare` would compile again what
 * `npm test` has just compiled, so a build older than its sources is refused instead.
 */
export async function packPackages(dir: string): Promise<{ kit: Tarball; sandbox: Tarball }> {
  await refuseStaleBuild(["lib", "loaders"], "build");
  await refuseStaleBuild(["sandbox/src"], "sandbox/build");
  const packed = JSON.parse(
    await npm(REPO, [
      "pack",
      "--json",
      "--ignore-scripts",
      "--workspaces",
      "--include-workspace-root",
      "--pack-destination",
      dir,
    ]),
  ) as { name: string; filename: string; size: number; entryCount: number }[];
  const tarball = (name: string): Tarball => {
    const found = packed.find((entry) => entry.name === name);
    if (!found) throw new Error(`npm pack made no tarball for ${name}`);
    return { path: join(dir, found.filename), bytes: found.size, files: found.entryCount };
  };
  return { kit: tarball("datagouv-kit"), sandbox: tarball("datagouv-kit-sandbox") };
}

/** A new project in `dir` (an ES module package, as `npm init` makes), with `packages` installed into it. */
export async function freshProject(dir: string, packages: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
  );
  await npm(dir, ["install", "--no-audit", "--no-fund", ...packages]);
}

/**
 * A project's node_modules as `du` sees it: the files' own bytes (what install-size tools and npm's "unpacked size"
 * count) and the disk they take, in whole blocks.
 */
export async function installedSize(dir: string): Promise<{ bytes: number; diskBytes: number }> {
  const du = async (flags: string[]) =>
    Number((await exec("du", [...flags, join(dir, "node_modules")])).stdout.split("\t")[0]);
  return { bytes: await du(["-s", "-b"]), diskBytes: (await du(["-s", "-k"])) * 1024 };
}

export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(join(REPO, dir), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) latest = Math.max(latest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return latest;
}

async function refuseStaleBuild(sources: string[], build: string): Promise<void> {
  const built = await newest(build).catch(() => 0);
  const edited = Math.max(...(await Promise.all(sources.map(newest))));
  if (built < edited) throw new Error(`${build} is older than ${sources.join(", ")}: run \`npm run compile\` first`);
}
