import { spawn, execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIG_RESOURCE_ID, SEED_TABULAR } from "../../sandbox/src/index.ts";
import { datagouv, STACK_LINE } from "../support/cli.ts";
import { testSandbox } from "../support/sandbox.ts";

/** The conventions a command-line user expects: help, suggestions, usage that matches the parser, quiet terminals. */

let env: Awaited<ReturnType<typeof testSandbox>>;
let dir: string;
let commands: string[];

beforeAll(async () => {
  env = await testSandbox();
  dir = mkdtempSync(join(tmpdir(), "datagouv-conventions-"));
  commands = [...(await datagouv(["--help"])).stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
});
afterAll(async () => {
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

const onSandbox = (args: string[], extra: Record<string, string> = {}) =>
  datagouv(args, { DATAGOUV_SANDBOX_URL: env.sandbox.url, DATAGOUV_CACHE_DIR: join(dir, "cache"), ...extra });

/** The command under a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
async function atTerminal(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const line = ["node", "build/lib/cli/bin.js", ...args].map((word) => `'${word}'`).join(" ");
  const { NO_COLOR: _, ...inherited } = process.env;
  try {
    const { stdout } = await promisify(execFile)("script", ["-qec", line, "/dev/null"], {
      env: {
        ...inherited,
        TERM: "xterm-256color",
        DATAGOUV_SANDBOX_URL: env.sandbox.url,
        DATAGOUV_CACHE_DIR: join(dir, "cache"),
        ...extra,
      },
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, output: e.stdout };
  }
}

const ESCAPE = "\x1b[";
/** A carriage return that rewrites a line (a terminal's own line ends are \r\n). */
const REWRITE = /\r(?!\n)/;

describe("help", () => {
  it("datagouv help <command> prints that command's help, the same as <command> --help", async () => {
    expect(commands).toEqual(
      expect.arrayContaining(["tabular", "metrics", "datasets", "catalog", "publish", "sandbox"]),
    );
    for (const command of commands) {
      const help = await datagouv(["help", command]);
      expect([command, help.code]).toEqual([command, 0]);
      expect(help.stdout).toMatch(new RegExp(`^usage: datagouv ${command}`));
      expect(help.stdout).toBe((await datagouv([command, "--help"])).stdout);
    }
    expect((await datagouv(["tabular", "-h"])).stdout).toBe((await datagouv(["help", "tabular"])).stdout);
  });

  it("datagouv help alone is the top-level help; no command at all is a usage error with it on stderr", async () => {
    const help = await datagouv(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await datagouv(["--help"])).stdout);
    expect(help.stdout).toMatch(/datagouv help <command>/);
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 2 usage error .* 3 API error, 4 file or disk error, 1 unexpected/);
    const none = await datagouv([]);
    expect([none.code, none.stdout]).toEqual([2, ""]);
    expect(none.stderr).toBe(help.stdout);
  });

  it("--version and -V print the package's version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8"));
    for (const flag of ["--version", "-V"])
      expect(await datagouv([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});

/** The flags of a help's usage lines, and those of its Options list. */
function flagsOf(help: string): { usage: Set<string>; listed: Set<string> } {
  const usage = help.split("\n\n")[0];
  const list = help.split("\nOptions:\n")[1]?.split("\n\n")[0] ?? "";
  return {
    usage: new Set([...usage.matchAll(/--([\w-]+)/g)].map((m) => m[1])),
    listed: new Set([...list.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1])),
  };
}

describe("usage lines printed from the table that parses them", () => {
  it("every command's usage names exactly the options its list describes, and the parser takes each of them", async () => {
    for (const command of commands) {
      const help = (await datagouv([command, "--help"])).stdout;
      const { usage, listed } = flagsOf(help);
      expect([command, [...usage].sort()]).toEqual([command, [...listed].sort()]);
      // every listed flag at once, each with a value where it takes one: the parser must know them all
      const line = [...listed].flatMap((flag) =>
        new RegExp(`^ {2}(?:-\\w, )?--${flag} \\S`, "m").test(help) ? [`--${flag}`, "1"] : [`--${flag}`],
      );
      const accepted = await datagouv([command, ...line, "--help"]);
      expect([command, accepted.code, accepted.stderr]).toEqual([command, 0, ""]);
      expect(accepted.stdout).toBe(help);
    }
  });

  it("tabular's usage names --memory-limit; metrics' names --group-by and --agg", async () => {
    const usageOf = async (command: string) => (await datagouv([command, "--help"])).stdout.split("\n\n")[0];
    expect(await usageOf("tabular")).toMatch(/\[--memory-limit SIZE\]/);
    expect(await usageOf("metrics")).toMatch(/\[--group-by col\]\.\.\.\s.*\[--agg col:op\]\.\.\./s);
  });

  it("--resource-format filters the search on the resources' format; --format is left to output formats", async () => {
    const { code, stdout } = await onSandbox(["datasets", "search", "", "--resource-format", "json", "--limit", "50"]);
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as { id: string }[]).map((d) => d.id);
    const expected = await env.dg.datasets.search({ format: "json" }, { limit: 50 }).all();
    expect(ids).toEqual(expected.map((d) => d.id));
    const all = JSON.parse((await onSandbox(["datasets", "search", "", "--limit", "50"])).stdout);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(all.length);
    expect((await datagouv(["help", "datasets"])).stdout).not.toMatch(/--format\b/);
  });
});

describe("errors", () => {
  it("an unexpected error is one line and a pointer to --debug; with --debug, its stack", async () => {
    // a profile answered with an empty 200 is nothing the toolkit knows how to read
    env.sandbox.faults.set("/tabular/api/resources/*/profile/:status=200");
    try {
      const plain = await onSandbox(["tabular", SEED_TABULAR[1].resourceId]);
      expect(plain.code).toBe(1);
      const lines = plain.stderr.trim().split("\n");
      expect(lines.at(-2)).toMatch(/^datagouv: unexpected error: \w+: /);
      expect(lines.at(-1)).toBe("(run it again with --debug to print where it happened)");
      expect(plain.stderr).not.toMatch(STACK_LINE);
      const debug = await onSandbox(["tabular", SEED_TABULAR[1].resourceId, "--debug"]);
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(STACK_LINE);
      expect((await onSandbox(["--debug", "tabular", SEED_TABULAR[1].resourceId])).stderr).toMatch(STACK_LINE);
    } finally {
      env.sandbox.faults.clear();
    }
  });

  it("a reader that stops reading ends the command quietly", async () => {
    const child = spawn(process.execPath, ["build/lib/cli/bin.js", "datasets", "search", "", "--limit", "100"], {
      env: { ...process.env, DATAGOUV_SANDBOX_URL: env.sandbox.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.stdout.destroy();
    const [code] = await once(child, "exit");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  });
});

describe("terminals", () => {
  it("errors are in colour on a terminal, plain with NO_COLOR or TERM=dumb", async () => {
    const colour = await atTerminal(["tabluar"]);
    expect(colour.code).toBe(2);
    expect(colour.output).toContain(`${ESCAPE}1;31mdatagouv:`);
    const plains: Record<string, string>[] = [{ NO_COLOR: "1" }, { TERM: "dumb" }];
    for (const plain of plains) {
      const { code, output } = await atTerminal(["tabluar"], plain);
      expect([plain, code, output.includes(ESCAPE)]).toEqual([plain, 2, false]);
      expect(output).toMatch(/^datagouv: unknown command "tabluar": did you mean tabular\?/);
    }
  });

  it("the progress line is rewritten in place on a terminal, and written as plain lines with TERM=dumb", async () => {
    const file = join(dir, "departements.csv");
    const live = await atTerminal(["tabular", SEED_TABULAR[1].resourceId, "--output", file]);
    expect(live.code).toBe(0);
    expect(live.output).toMatch(REWRITE);
    expect(live.output).toContain(`${ESCAPE}K`);
    const dumb = await atTerminal(["tabular", SEED_TABULAR[1].resourceId, "--output", file], { TERM: "dumb" });
    expect(dumb.code).toBe(0);
    expect(dumb.output).not.toMatch(REWRITE);
    expect(dumb.output.includes("\x1b")).toBe(false);
    const rows = (await env.dg.tabular(SEED_TABULAR[1].resourceId).count())!.toLocaleString("en");
    expect(dumb.output).toMatch(new RegExp(`: ${rows} rows, [\\d.]+ MB in [\\d.]+ s \\([\\d.]+ MB/s\\)\r\n`));
  });

  it("the closing progress line gives the row count once", async () => {
    const { code, stderr } = await onSandbox(["tabular", BIG_RESOURCE_ID, "--output", join(dir, "big.parquet")]);
    expect(code).toBe(0);
    const closing = stderr
      .split("\n")
      .filter((line) => line.startsWith(`${BIG_RESOURCE_ID}`))
      .at(-1)!;
    expect(closing).toMatch(/: 20,000 rows, [\d.]+ MB in [\d.]+ s \([\d.]+ MB\/s\)$/);
    expect(closing.match(/rows/g)).toHaveLength(1);
  });
});
