import { execFile } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ICruiseResult, IViolation } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const CONFIG = ".dependency-cruiser.cjs";
const cruiser = join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
// the very command `npm run deps` (and so `npm run check`) runs
const [command, ...args] = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.deps as string).split(
  /\s+/,
);
const folders = args.filter((a, i) => !a.startsWith("-") && !args[i - 1]?.startsWith("--"));

/** The cruise's result as JSON; the cruiser exits non-zero when it finds violations, which are then in the result. */
async function cruise(cwd: string): Promise<ICruiseResult> {
  const output = await run(process.execPath, [cruiser, ...args, "--output-type", "json"], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`the cruiser failed: ${error.stderr}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(output.stdout) as ICruiseResult;
}

const describeViolation = (v: IViolation) =>
  v.cycle?.length
    ? `${v.rule.name}: ${[v.from, ...v.cycle.map((step) => step.name)].join(" → ")}`
    : `${v.rule.name}: ${v.from} → ${v.to}`;

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((path) => !/(^|\/)(\.observablehq|build|dist|node_modules)\//.test(path));
}

describe("the repository's imports", () => {
  let result: ICruiseResult;
  beforeAll(async () => {
    result = await cruise(root);
  });

  it("`npm run deps` is the dependency cruiser over the sources, with the repository's rules", () => {
    expect(command).toBe("depcruise");
    expect(args.slice(0, 2)).toEqual(["--config", CONFIG]);
    expect(folders).toEqual(["lib", "loaders", "sandbox/src", "site", "src"]);
  });

  it("form no circle and point only downward", () => {
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
    expect(result.summary.error).toBe(0);
  });

  it("are all seen: every source file is a module of the cruise, every relative import resolves", () => {
    const cruised = result.modules.map((m) => m.source).filter((s) => folders.some((f) => s.startsWith(`${f}/`)));
    expect(cruised.sort()).toEqual(folders.flatMap(sources).sort());
    const unresolved = result.modules.flatMap((m) =>
      m.dependencies
        .filter((d) => d.couldNotResolve && d.module.startsWith("."))
        .map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
    const edge = (from: string, to: string) =>
      result.modules.find((m) => m.source === from)?.dependencies.find((d) => d.resolved === to);
    // the `.ts` extension imports, the client's dynamic import of the engine, type-only imports, and the sandbox's
    // imports of the library by its package name are all edges
    expect(edge("lib/client.ts", "lib/duckdb/engine.ts")?.dynamic).toBe(true);
    expect(edge("lib/duckdb/remote.ts", "lib/tabular/export-engine.ts")?.dependencyTypes).toContain("type-only");
    expect(edge("sandbox/src/main/index.ts", "lib/index.ts")?.module).toBe("datagouv-kit");
    const edges = result.modules.reduce((n, m) => n + m.dependencies.filter((d) => !d.coreModule).length, 0);
    expect(edges).toBeGreaterThan(cruised.length * 2);
  });
});

describe("the rules", () => {
  const scratch = mkdtempSync(join(tmpdir(), "datagouv-layout-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("each catch what they forbid, and allow the sandbox's and the site's package imports", async () => {
    // a small tree with the repository's config and folders, breaking each rule once
    const files: Record<string, string> = {
      "lib/index.ts": "export {};",
      "lib/client.ts": "export {};",
      "lib/files.ts": 'import "../loaders/index.ts";',
      "lib/http/errors.ts": "export {};",
      "lib/http/client.ts": 'import "../catalog/datasets.ts";',
      "lib/catalog/datasets.ts": 'import "../duckdb/export.ts";',
      "lib/duckdb/export.ts": 'import "../client.ts";',
      "lib/query/ast.ts": 'import "../http/errors.ts";\nimport "../tabular/rows.ts";',
      "lib/tabular/rows.ts": "export {};",
      "lib/notebook/show.ts": 'import "../cli/run.ts";',
      "lib/cli/run.ts": 'import "datagouv-kit-sandbox";',
      "lib/arrow/columns.ts": 'import type { B } from "./batches.ts";\nexport type A = B;',
      "lib/arrow/batches.ts": 'import type { A } from "./columns.ts";\nexport type B = A[];',
      "loaders/index.ts": 'import "../site/build.ts";',
      "site/build.ts": 'import "datagouv-kit";',
      "src/data/home.json.ts": 'import "datagouv-kit";',
      "sandbox/src/index.ts":
        'import "datagouv-kit";\nimport "../../lib/query/ast.ts";\nimport "../../test/helper.ts";',
      "test/helper.ts": "export {};",
      "package.json": JSON.stringify({
        name: "datagouv-kit",
        exports: { ".": { "datagouv-kit:source": "./lib/index.ts" } },
      }),
      "sandbox/package.json": JSON.stringify({
        name: "datagouv-kit-sandbox",
        exports: { ".": { "datagouv-kit:source": "./src/index.ts" } },
      }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { module: "NodeNext", allowImportingTsExtensions: true, noEmit: true, strict: true },
      }),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), `${text}\n`);
    }
    copyFileSync(join(root, CONFIG), join(scratch, CONFIG));
    mkdirSync(join(scratch, "node_modules"));
    symlinkSync("..", join(scratch, "node_modules/datagouv-kit"));
    symlinkSync("../sandbox", join(scratch, "node_modules/datagouv-kit-sandbox"));

    const found = (await cruise(scratch)).summary.violations.map(describeViolation).sort();
    expect(found).toEqual([
      "apis-below-engine: lib/catalog/datasets.ts → lib/duckdb/export.ts",
      "cli-at-the-top: lib/notebook/show.ts → lib/cli/run.ts",
      "core-below-client: lib/duckdb/export.ts → lib/client.ts",
      "http-at-the-bottom: lib/http/client.ts → lib/catalog/datasets.ts",
      "lib-stays-below: lib/files.ts → loaders/index.ts",
      "lib-without-sandbox: lib/cli/run.ts → sandbox/src/index.ts",
      "loaders-below-site: loaders/index.ts → site/build.ts",
      "no-circular: lib/arrow/batches.ts → lib/arrow/columns.ts → lib/arrow/batches.ts",
      "query-model-pure: lib/query/ast.ts → lib/tabular/rows.ts",
      "sandbox-self-contained: sandbox/src/index.ts → test/helper.ts",
      "sandbox-uses-package-names: sandbox/src/index.ts → lib/query/ast.ts",
    ]);
    // every rule of the config was put to the test
    const config = (await import(join(scratch, CONFIG))) as { default: { forbidden: { name: string }[] } };
    expect(new Set(found.map((line) => line.split(":")[0]))).toEqual(
      new Set(config.default.forbidden.map((rule) => rule.name)),
    );
  });
});
