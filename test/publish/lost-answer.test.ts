import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_EXTRA } from "../../lib/publish/index.ts";
import { SEED_ORGANIZATIONS } from "../../sandbox/src/index.ts";
import { API_KEY, testSandbox } from "../support/sandbox.ts";

/**
 * An upload the platform made but whose answer was lost: the resource exists, named after its file as udata names it
 * (the file's name slugified), with the file's SHA-1, and without the manifest's title or key. The same command run
 * again must take it for the manifest's resource, not upload a second one.
 */

const run = promisify(execFile);
let dir: string;
let env: Awaited<ReturnType<typeof testSandbox>>;
const INSEE = SEED_ORGANIZATIONS[0];
// udata keeps "donnees-2024-v2-communes.csv": accents, case, spaces, brackets and underscores do not survive
const FILE = "Données 2024 (v2)_communes.csv";
const KEY = "lost-answer";

async function publish(manifest: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["build/lib/cli/bin.js", "publish", manifest], {
      env: { ...process.env, DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_API_KEY: API_KEY },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function project(name: string, resources: string[]): Promise<string> {
  const folder = join(dir, name);
  await mkdir(join(folder, "data"), { recursive: true });
  await writeFile(join(folder, "data", FILE), `code,nom\n01001,L'Abergement-Clémenciat\n75056,Paris\n${name}\n`);
  const manifest = join(folder, "publish.yaml");
  await writeFile(
    manifest,
    [
      `key: ${name}`,
      `title: Communes (${name})`,
      "description: Les communes.",
      `organization: ${INSEE.slug}`,
      "license: lov2",
      "resources:",
      ...resources,
      "",
    ].join("\n"),
  );
  return manifest;
}

/** The dataset the manifest `key` made, as the platform has it. */
async function dataset(key: string) {
  const all = await env.dg.organizations.datasets(INSEE.id, {}, { auth: true }).all();
  const found = all.filter((d) => (d.extras as Record<string, unknown>)?.[KEY_EXTRA] === key);
  expect(found).toHaveLength(1);
  return env.dg.datasets.get(found[0].id, { auth: true });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "datagouv-lost-"));
  env = await testSandbox();
});
afterAll(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an upload whose answer was lost", () => {
  it("is recorded by the sandbox as udata records it: the file's slugified name, its SHA-1 and size", async () => {
    const manifest = await project("recorded", ["  - title: Communes", `    key: ${KEY}`, `    file: data/${FILE}`]);
    env.sandbox.faults.set("*/upload/:reset-after=1,nth=1");
    const cut = await publish(manifest);
    env.sandbox.faults.clear();
    expect(cut.code).toBe(3);
    const [resource] = (await dataset("recorded")).resources!;
    expect(resource.title).toBe("donnees-2024-v2-communes.csv");
    expect(resource.checksum?.type).toBe("sha1");
    expect(resource.checksum?.value).toMatch(/^[0-9a-f]{40}$/);
    expect(resource.filesize).toBeGreaterThan(0);
  });

  it.each([
    ["with a key", ["  - title: Communes", `    key: ${KEY}`, `    file: data/${FILE}`]],
    ["without one", ["  - title: Communes", `    file: data/${FILE}`]],
  ])("%s: the first run says to check, the second finds the resource and ends with one", async (_, resources) => {
    const name = resources.length === 3 ? "keyed" : "unkeyed";
    const manifest = await project(name, resources);
    env.sandbox.faults.set("*/upload/:reset-after=1,nth=1");
    const cut = await publish(manifest);
    env.sandbox.faults.clear();
    expect(cut.code).toBe(3);
    expect(cut.stderr).toMatch(/check whether the change was made/);
    expect((await dataset(name)).resources).toHaveLength(1);

    const again = await publish(manifest);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/^\s*upload\s/m);
    const { resources: after } = await dataset(name);
    expect(after).toHaveLength(1);
    expect(after![0].title).toBe("Communes");
    expect((after![0].extras as Record<string, unknown>)[KEY_EXTRA]).toBe(resources.length === 3 ? KEY : "Communes");

    const third = await publish(manifest);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/nothing to do/);
  });
});
