import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datagouv as run } from "../support/cli.ts";
import { sendJson, startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === "/api/1/datasets/known/")
      return sendJson(res, 200, { id: "known", title: "Known", slug: "known", resources: [] });
    sendJson(res, 404, {
      message:
        "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
    });
  });
});
afterAll(() => server.close());

const datagouv = (args: string[]) => run(args, { DATAGOUV_SANDBOX_URL: server.url });

describe("the datagouv command line", () => {
  it("prints a dataset as JSON on stdout", async () => {
    const { code, stdout } = await datagouv(["datasets", "get", "known"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).title).toBe("Known");
  });

  it("an API error exits 3 with the server's message on stderr and nothing on stdout", async () => {
    const { code, stdout, stderr } = await datagouv(["datasets", "get", "missing"]);
    expect(code).toBe(3);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/404 — The requested URL was not found/);
  });

  it("usage errors exit 2: unknown command, unknown flag", async () => {
    expect((await datagouv(["frobnicate"])).code).toBe(2);
    const flag = await datagouv(["datasets", "search", "x", "--bogus"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/bogus/);
  });

  it("--help lists the commands, and each command has its own --help", async () => {
    const { code, stdout } = await datagouv(["--help"]);
    expect(code).toBe(0);
    const commands = [...stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
    expect(commands).toEqual(
      expect.arrayContaining(["tabular", "metrics", "datasets", "catalog", "publish", "sandbox"]),
    );
    for (const command of commands) {
      const help = await datagouv([command, "--help"]);
      expect([command, help.code]).toEqual([command, 0]);
      expect(help.stdout).toContain(`usage: datagouv ${command}`);
    }
  });
});
