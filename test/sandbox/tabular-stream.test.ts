import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { get as httpGet, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duck } from "datagouv-kit/duckdb";
import { openSandboxDatabase } from "../../sandbox/src/db.ts";
import { createTabularService } from "../../sandbox/src/tabular/index.ts";
import { BIG_RESOURCE_ID } from "../../sandbox/src/index.ts";
import { mountApi } from "./helpers/mount.ts";

/** Streams (core/data.py): the whole result without holding it, whatever pace the client reads at. */

let db: Duck;
let server: Awaited<ReturnType<typeof mountApi>>;
const responses: ServerResponse[] = [];
// streams are staged in the temporary directory: this file's own, to see what is left in it
const staging = mkdtempSync(join(tmpdir(), "datagouv-stream-test-"));
const systemTmp = process.env.TMPDIR;

beforeAll(async () => {
  process.env.TMPDIR = staging;
  db = await openSandboxDatabase();
  const tabular = await createTabularService({ db }, { bigRows: 60_000 });
  server = await mountApi(tabular, "/tabular", (res) => responses.push(res));
});
afterAll(async () => {
  await server.close();
  db.close();
  process.env.TMPDIR = systemTmp;
  if (systemTmp === undefined) delete process.env.TMPDIR;
  rmSync(staging, { recursive: true, force: true });
});

const capped = () => `${server.url}/api/resources/${BIG_RESOURCE_ID}/data/json/?__id__less=50000`;

describe("Tabular streams hold no result in memory", () => {
  it("a client that stops reading holds the stream: the server queues at most about one chunk (backpressure)", async () => {
    const response = await new Promise<IncomingMessage>((resolve) => httpGet(capped(), resolve));
    response.pause();
    const served = responses.at(-1)!;
    // wait until the server makes no more progress: the socket is full (or, writing blindly, the result is all queued)
    let queued = 0;
    let progress = -1;
    let still = 0;
    for (const started = Date.now(); still < 500 && Date.now() - started < 8000;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      queued = Math.max(queued, served.writableLength);
      const now = (served.socket?.bytesWritten ?? 0) + served.writableLength;
      still = now === progress ? still + 20 : 0;
      progress = now;
    }
    expect(served.writableEnded).toBe(false);
    const body: Buffer[] = [];
    response.on("data", (chunk: Buffer) => body.push(chunk));
    await new Promise((resolve) => response.on("end", resolve).resume());
    const text = Buffer.concat(body).toString("utf8");
    expect(JSON.parse(text)).toHaveLength(50_000);
    // a stream writing without waiting would queue what the paused socket refuses: megabytes of the 8 MB body
    expect(text.length).toBeGreaterThan(5_000_000);
    expect(queued).toBeLessThan(1_500_000);
  });

  it("memory stays bounded while streaming the capped maximum (50,000 rows)", async () => {
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    let peak = before;
    const watch = setInterval(() => (peak = Math.max(peak, used())), 2);
    const response = await fetch(capped());
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    clearInterval(watch);
    expect(bytes).toBeGreaterThan(5_000_000);
    // the rows as JavaScript values would take several times the body; uncollected garbage stays below it
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });

  it("the file DuckDB writes a stream into is gone before its bytes are sent: a client leaving half-way, a crash, a refusal leave nothing", async () => {
    const controller = new AbortController();
    const response = await fetch(capped(), { signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value?.length).toBeGreaterThan(0);
    expect(responses.at(-1)!.writableEnded).toBe(false);
    expect(readdirSync(staging)).toEqual([]);
    controller.abort();
    await reader.cancel().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readdirSync(staging)).toEqual([]);
    // a refused query writes nothing either, nor one past the cap (its file is written while it is counted)
    expect((await fetch(`${server.url}/api/resources/${BIG_RESOURCE_ID}/data/json/?nope__exact=1`)).status).toBe(400);
    expect(readdirSync(staging)).toEqual([]);
    const refused = await fetch(`${server.url}/api/resources/${BIG_RESOURCE_ID}/data/json/`);
    expect([refused.status, (await refused.json()).errors[0].title]).toEqual([403, "Output is too long"]);
    expect(readdirSync(staging)).toEqual([]);
  });
});
