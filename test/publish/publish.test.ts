import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataGouv } from "../../lib/client.ts";
import { loadManifest, ManifestError, planPublish, publish, KEY_EXTRA } from "../../lib/publish/index.ts";
import { SEED_ORGANIZATIONS, startSandbox, type Sandbox } from "../../sandbox/src/index.ts";
import { API_KEY, OTHER_KEY } from "../support/sandbox.ts";

/** `datagouv publish` against a sandbox keeping its state on disk, restarted midway. */

const run = promisify(execFile);
let dir: string;
let sandbox: Sandbox;
let dg: DataGouv;
let port = 0;
const writes: string[] = [];
const INSEE = SEED_ORGANIZATIONS[0];

async function start(): Promise<void> {
  sandbox = await startSandbox({
    port,
    dataDir: join(dir, "state"),
    apiKeys: [API_KEY, OTHER_KEY],
    tabular: { bigRows: 1000 },
    onRequest: (method, path) => method !== "GET" && writes.push(`${method} ${path}`),
  });
  port = Number(new URL(sandbox.url).port);
  dg = new DataGouv({ sandboxUrl: sandbox.url, apiKey: API_KEY, retry: { retries: 0 }, logger: { warn() {} } }, {});
}

async function stop(): Promise<void> {
  await dg.close();
  await sandbox.close();
}

/** Runs the command line as a user would; resolves with its exit code and outputs. */
async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["build/lib/cli/bin.js", "publish", ...args], {
      env: { ...process.env, DATAGOUV_SANDBOX_URL: sandbox.url, DATAGOUV_API_KEY: API_KEY, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const manifestPath = () => join(dir, "project", "publish.yaml");

async function writeManifest(
  overrides: { title?: string; docTitle?: string; organization?: string; id?: string } = {},
): Promise<void> {
  await writeFile(
    manifestPath(),
    [
      overrides.id ? `id: ${overrides.id}` : "key: communes-pop",
      `title: ${overrides.title ?? "Population des communes (test)"}`,
      "description: |",
      "  Population municipale par commune.",
      "  Source : recensement.",
      `organization: ${overrides.organization ?? INSEE.slug}`,
      "license: lov2",
      "frequency: annual",
      "tags: [Population, communes, démographie]",
      "temporal_coverage: { start: 2021-01-01, end: 2021-12-31 }",
      "resources:",
      "  - title: Population 2021",
      "    file: data/population.csv",
      "    description: Une ligne par commune",
      "  - title: Départements",
      "    key: departements",
      "    file: data/departements.csv",
      `  - title: ${overrides.docTitle ?? "Documentation"}`,
      "    key: doc",
      "    url: https://example.org/population-doc.pdf",
      "    type: documentation",
      "    format: pdf",
      "",
    ].join("\n"),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "datagouv-publish-"));
  await mkdir(join(dir, "project", "data"), { recursive: true });
  await writeFile(
    join(dir, "project", "data", "population.csv"),
    "code_insee,nom,population\n01001,L'Abergement-Clémenciat,832\n75056,Paris,2133111\n97411,Saint-Denis,153810\n",
  );
  await writeFile(join(dir, "project", "data", "departements.csv"), "code,nom\n01,Ain\n2A,Corse-du-Sud\n");
  await writeManifest();
  await start();
});
afterAll(async () => {
  await stop().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe("datagouv publish", () => {
  it("--dry-run prints the plan and writes nothing", async () => {
    const before = writes.length;
    const { code, stdout } = await cli([manifestPath(), "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/create\s+dataset "Population des communes \(test\)"/);
    expect(stdout).toMatch(/upload\s+resource "Population 2021" from .*population\.csv \(new file/);
    expect(stdout).toMatch(/create\s+resource "Documentation" linking https:\/\/example\.org\/population-doc\.pdf/);
    expect(stdout).toMatch(/4 changes to make/);
    expect(writes.length).toBe(before);
  });

  it("creates the dataset, uploads the files, links the URL; the rows are served by the Tabular API", async () => {
    const { code, stdout, stderr } = await cli([manifestPath()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/done: 4 changes made; dataset [0-9a-f]{24}/);
    expect(stderr).toMatch(/uploaded .*population\.csv \(new file\)/);
    const datasets = await dg.organizations.datasets(INSEE.id, {}, { auth: true }).all();
    const created = datasets.filter((d) => (d.extras as Record<string, unknown>)?.[KEY_EXTRA] === "communes-pop");
    expect(created).toHaveLength(1);
    const dataset = await dg.datasets.get(created[0].id);
    expect([dataset.title, dataset.private, dataset.license, dataset.frequency]).toEqual([
      "Population des communes (test)",
      false,
      "lov2",
      "annual",
    ]);
    expect(dataset.description?.trim()).toBe("Population municipale par commune.\nSource : recensement.");
    expect([...(dataset.tags ?? [])].sort()).toEqual(["communes", "demographie", "population"]);
    expect(dataset.resources!.map((r) => [r.title, r.type, r.format])).toEqual([
      ["Population 2021", "main", "csv"],
      ["Départements", "main", "csv"],
      ["Documentation", "documentation", "pdf"],
    ]);
    const population = dataset.resources![0];
    const rows = await dg.tabular(population.id).sort("population", "desc").all();
    expect(rows.map((r) => [r.code_insee, r.population])).toEqual([
      ["75056", 2133111],
      ["97411", 153810],
      ["01001", 832],
    ]);
  });

  it("a second run is a no-op: nothing to do, no write request at all", async () => {
    const before = writes.length;
    const { code, stdout } = await cli([manifestPath()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/nothing to do: the platform matches the manifest/);
    expect(stdout).not.toMatch(/^\s+(create|update|upload)\s/m);
    expect(writes.slice(before)).toEqual([]);
  });

  it("a changed file is the only upload; a changed title the only update", async () => {
    await writeFile(
      join(dir, "project", "data", "departements.csv"),
      "code,nom\n01,Ain\n2A,Corse-du-Sud\n2B,Haute-Corse\n",
    );
    await writeManifest({ docTitle: "Documentation technique" });
    const before = writes.length;
    const { plan, result } = await publish(dg, manifestPath());
    expect(plan.dataset.action).toBe("unchanged");
    expect(plan.resources.map((s) => [s.key, s.action])).toEqual([
      ["Population 2021", "unchanged"],
      ["departements", "upload"],
      ["doc", "update"],
    ]);
    expect(plan.resources[1].reason).toBe("file changed");
    expect(plan.resources[2].changes.map((c) => c.field)).toEqual(["title"]);
    const done = writes.slice(before);
    expect(done.filter((w) => w.endsWith("/upload/"))).toEqual([
      `POST /api/1/datasets/${result!.datasetId}/resources/${result!.resources.departements}/upload/`,
    ]);
    expect(done.filter((w) => w.startsWith("PUT"))).toHaveLength(2); // the uploaded file's metadata, the link's title
    expect(await dg.tabular(result!.resources.departements).count()).toBe(3);
    expect((await planPublish(dg, await loadManifest(manifestPath()))).writes).toBe(0);
  });

  it("a sandbox restart keeps everything: the next run finds it all and changes nothing", async () => {
    const before = (await planPublish(dg, await loadManifest(manifestPath()))).dataset.id;
    await stop();
    await start();
    const plan = await planPublish(dg, await loadManifest(manifestPath()));
    expect([plan.dataset.id, plan.writes]).toEqual([before, 0]);
    expect(await dg.tabular(plan.resources[0].resourceId!).count()).toBe(3);
  });

  it("a connection cut during an upload leaves the previous file in place; the next run finishes the job", async () => {
    await writeFile(
      join(dir, "project", "data", "population.csv"),
      `code_insee,nom,population\n${Array.from({ length: 30_000 }, (_, i) => `${String(i).padStart(5, "0")},Commune ${i},${i}`).join("\n")}\n`,
    );
    const plan = await planPublish(dg, await loadManifest(manifestPath()));
    const rid = plan.resources[0].resourceId!;
    const previous = (await dg.datasets.get(plan.dataset.id!)).resources!.find((r) => r.id === rid)!;
    sandbox.faults.set("*/upload/:cut-request-after=100000");
    const cut = await cli([manifestPath()]);
    sandbox.faults.clear();
    expect(cut.code).toBe(3);
    expect(cut.stderr).toMatch(/POST .*\/upload\/ failed/);
    const after = (await dg.datasets.get(plan.dataset.id!)).resources!.find((r) => r.id === rid)!;
    expect([after.checksum?.value, after.filesize, after.title]).toEqual([
      previous.checksum?.value,
      previous.filesize,
      "Population 2021",
    ]);
    expect(await dg.tabular(rid).count()).toBe(3);
    expect(
      (await readdir(join(dir, "state"), { recursive: true })).filter((f) => String(f).includes(".upload-")),
    ).toEqual([]);

    const again = await cli([manifestPath()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/upload\s+resource "Population 2021" .*\(file changed/);
    expect(await dg.tabular(rid).count()).toBe(30_000);
  });

  it("a missing or wrong key gets 401; another organization's dataset 403; nothing changes", async () => {
    const missing = await cli([manifestPath()], { DATAGOUV_API_KEY: "" });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/401.*no API key configured.*DATAGOUV_API_KEY/s);
    const wrong = await cli([manifestPath()], { DATAGOUV_API_KEY: "wrong-key-12345" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/401 — Invalid API token/);
    expect(wrong.stderr).not.toContain("wrong-key-12345");

    // the other key administers one commune only: Insee's dataset is not its to change
    const id = (await planPublish(dg, await loadManifest(manifestPath()))).dataset.id!;
    await writeManifest({ id, title: "Pris par un autre" });
    const before = writes.length;
    const forbidden = await cli([manifestPath()], { DATAGOUV_API_KEY: OTHER_KEY.split("@")[0] });
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(
      /PUT .* failed: 403 — You do not have the permission to modify that object\..*member/s,
    );
    expect(writes.slice(before)).toEqual([`PUT /api/1/datasets/${id}/`]);
    expect((await dg.datasets.get(id)).title).toBe("Population des communes (test)");
    await writeManifest();
  });

  it("manifest mistakes are reported with their lines, before anything is sent", async () => {
    const bad = join(dir, "project", "bad.yaml");
    await writeFile(
      bad,
      [
        "key: x",
        "title: T",
        "description: D",
        "licence: lov2",
        "frequency: sometimes",
        "resources:",
        "  - title: A",
        "    file: data/missing.csv",
        "  - title: B",
        "    url: ftp://nope",
        "",
      ].join("\n"),
    );
    const schema = await cli([bad]);
    expect(schema.code).toBe(2);
    expect(schema.stderr).toContain(`${bad}:4: unknown field "licence" (did you mean "license"?)`);
    expect(schema.stderr).toContain(`${bad}:10: resources[1].url must be an http(s) URL`);

    await writeFile(
      bad,
      [
        "key: x",
        "title: T",
        "description: D",
        "license: lov2",
        "frequency: sometimes",
        "organization: nobody-at-all",
        "resources:",
        "  - title: A",
        "    file: data/missing.csv",
        "",
      ].join("\n"),
    );
    await expect(loadManifest(bad)).rejects.toThrow(`${bad}:9: resources[0].file: data/missing.csv does not exist`);
    await writeFile(
      bad,
      [
        "key: x",
        "title: T",
        "description: D",
        "license: lov2",
        "frequency: sometimes",
        "organization: nobody-at-all",
        "",
      ].join("\n"),
    );
    const platform = await planPublish(dg, await loadManifest(bad)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(platform).toBeInstanceOf(ManifestError);
    expect((platform as ManifestError).problems).toEqual([
      expect.stringMatching(
        new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5: unknown frequency "sometimes": one of .*annual`),
      ),
      `${bad}:6: no organization "nobody-at-all" on the platform`,
    ]);
    await writeFile(
      join(dir, "project", "bad.json"),
      '{"key": "x", "title": "T",\n "description": "D",\n "resources": [{"title": "A", "file": "data/population.csv", "url": "https://example.org"}]}\n',
    );
    const both = await cli([join(dir, "project", "bad.json")]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/bad\.json:3: resources\[0\] needs exactly one of "file" .* or "url"/);
  });

  it("a file outside the manifest's folder is refused, symbolic links included, unless --allow-outside", async () => {
    const secret = join(dir, "secret.txt");
    await writeFile(secret, "not for publication\n");
    const outside = join(dir, "project", "outside.yaml");
    const manifest = (file: string) =>
      ["key: outside", "title: T", "description: D", "resources:", "  - title: S", `    file: ${file}`, ""].join("\n");
    await writeFile(outside, manifest("../secret.txt"));
    const refused = await cli([outside, "--dry-run"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${outside}:6: resources[0].file: ../secret.txt is outside the manifest's folder`);
    expect(refused.stderr).toContain("--allow-outside");
    expect(refused.stdout).toBe("");
    // a link inside the folder that points out of it is outside too
    await symlink(secret, join(dir, "project", "data", "link.txt"));
    await writeFile(outside, manifest("data/link.txt"));
    await expect(loadManifest(outside)).rejects.toThrow("data/link.txt is outside the manifest's folder");
    await writeFile(outside, manifest("../secret.txt"));
    const allowed = await cli([outside, "--dry-run", "--allow-outside"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/upload +resource "S" from .*secret\.txt/);
  });

  it("without an organization the key's user owns the dataset, found again through its own datasets; --json for scripts", async () => {
    const own = join(dir, "project", "own.json");
    await writeFile(
      own,
      JSON.stringify(
        {
          key: "my-notes",
          title: "Mes notes",
          description: "Un jeu à moi",
          private: true,
          resources: [{ title: "Notes", file: "data/departements.csv" }],
        },
        null,
        2,
      ),
    );
    const first = await cli([own, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const { plan, result } = JSON.parse(first.stdout);
    expect([plan.dataset.action, plan.resources.map((r: { action: string }) => r.action), plan.writes]).toEqual([
      "create",
      ["upload"],
      2,
    ]);
    const mine = await dg.datasets.mine();
    expect(
      mine.filter((d) => d.id === result.datasetId).map((d) => [d.title, d.private, d.organization ?? null]),
    ).toEqual([["Mes notes", true, null]]);
    const second = JSON.parse((await cli([own, "--json"])).stdout);
    expect([second.plan.dataset.id, second.plan.writes, second.result]).toEqual([result.datasetId, 0, null]);
  });

  it("--schema prints the JSON Schema the manifests are checked against", async () => {
    const { code, stdout } = await cli(["--schema"]);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.required).toEqual(["title", "description"]);
    expect(Object.keys(schema.properties)).toContain("resources");
  });
});
