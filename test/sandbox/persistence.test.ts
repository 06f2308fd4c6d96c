import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_TABULAR } from "../../sandbox/src/index.ts";

const KEY = "persistence-key-0001";
let dir: string;
let child: ChildProcess | undefined;
let stderr = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "datagouv-persist-"));
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

/** `datagouv sandbox --data DIR` in a child process; resolves with its URL once it prints "listening on". */
async function start(): Promise<string> {
  child = spawn(
    process.execPath,
    ["build/lib/cli/bin.js", "sandbox", "--data", dir, "--api-key", KEY, "--big-rows", "2000"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = /^listening on (http:\/\/\S+)$/.exec(line);
    if (match) return match[1];
    throw new Error(`unexpected first line: ${line}`);
  }
  throw new Error("the sandbox exited before listening");
}

async function kill(): Promise<void> {
  const exited = new Promise((resolve) => child!.once("exit", resolve));
  child!.kill("SIGKILL");
  await exited;
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": KEY },
    body: JSON.stringify(body),
  });

describe("persistence with --data", () => {
  it("an acknowledged write survives a kill -9 and a restart", async () => {
    let url = await start();
    const created = await (
      await post(`${url}/api/1/datasets/`, {
        title: "Kept across crashes",
        organization: SEED_TABULAR[0].organizationId,
      })
    ).json();
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    await kill();
    url = await start();
    const back = await fetch(`${url}/api/1/datasets/${created.id}/`);
    expect(back.status).toBe(200);
    expect((await back.json()).title).toBe("Kept across crashes");
    await kill();
    // a key given on the command line is a secret: never echoed
    expect(stderr).not.toContain(KEY);
  });

  it("a kill in the middle of an upload keeps the previous file and leaves nothing behind", async () => {
    let url = await start();
    const dataset = await (
      await post(`${url}/api/1/datasets/`, { title: "Upload target", organization: SEED_TABULAR[0].organizationId })
    ).json();
    const form = new FormData();
    form.append("file", new Blob(["a,b\n1,2\n3,4\n"], { type: "text/csv" }), "first.csv");
    const first = await (
      await fetch(`${url}/api/1/datasets/${dataset.id}/upload/`, {
        method: "POST",
        headers: { "x-api-key": KEY },
        body: form,
      })
    ).json();

    // a replacement whose body never finishes: half of it is sent, then the server is killed
    const boundary = "----kill-test";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="second.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head + "a,b\n" + "9,9\n".repeat(50_000)));
      },
    });
    const upload = fetch(`${url}/api/1/datasets/${dataset.id}/resources/${first.id}/upload/`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await kill();
    expect(await upload).toBeInstanceOf(Error);

    url = await start();
    const rows = await (await fetch(`${url}/tabular/api/resources/${first.id}/data/`)).json();
    expect(rows.data.map((r: any) => [r.a, r.b])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const files = await readdir(join(dir, "files"));
    expect(files.filter((name) => name.startsWith(".upload-"))).toEqual([]);
    await kill();
  });
});
