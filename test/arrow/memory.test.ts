import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonStreamToBatches } from "../../lib/arrow/batches.ts";
import type { ColumnSpec } from "../../lib/arrow/columns.ts";

// a collection before each measure, so that what is measured is what the decoder keeps, not garbage not yet collected
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const COLUMNS: ColumnSpec[] = [
  { name: "__id", type: "int", min: 1, max: 2 ** 31 - 1 },
  { name: "code_commune", type: "string" },
  { name: "nom", type: "string" },
  { name: "releve", type: "date" },
  { name: "valeur", type: "float" },
  { name: "ok", type: "bool" },
  { name: "liste", type: "json" },
];

/**
 * `/data/json/`-shaped bodies of `?rows=N` rows, generated as they are sent and honouring backpressure: the client
 * cannot receive one at once.
 */
function serveGeneratedArrays(): Promise<Server> {
  const server = createServer((request, response) => {
    const total = Number(new URL(request.url!, "http://127.0.0.1").searchParams.get("rows"));
    response.writeHead(200, { "content-type": "application/json" });
    let id = 0;
    const more = () => {
      while (id < total) {
        let text = "";
        for (let n = 0; n < 500 && id < total; n++) {
          id++;
          text += `${id === 1 ? "[" : ","}{"__id":${id},"code_commune":"${String(id % 99_999).padStart(5, "0")}","nom":"Commune n°${id} \\"dite\\" l'été","releve":"2024-06-30","valeur":${id / 8},"ok":${id % 2 === 0},"liste":[${id},{"k":"]}"}]}`;
        }
        if (!response.write(text)) return void response.once("drain", more);
      }
      response.end("]\n");
    };
    more();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let server: Server;
beforeAll(async () => {
  server = await serveGeneratedArrays();
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Decodes `rows` rows from the server; the peaks of live heap and of array buffers above where they started. */
async function decode(
  rows: number,
): Promise<{ rows: number; lastId: number; bytes: number; heap: number; buffers: number }> {
  const { port } = server.address() as AddressInfo;
  // node:http's response stops reading the socket while the decoder works: what is buffered stays small
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    get(`http://127.0.0.1:${port}/data/json/?rows=${rows}`, resolve).on("error", reject),
  );
  let bytes = 0;
  async function* counted() {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  gc();
  const baseline = process.memoryUsage();
  let heap = 0;
  let buffers = 0;
  let decoded = 0;
  let lastId = 0;
  for await (const batch of jsonStreamToBatches(counted(), COLUMNS, 10_000)) {
    decoded += batch.numRows;
    lastId = batch.getChild("__id")!.get(batch.numRows - 1) as number;
    gc();
    const now = process.memoryUsage();
    heap = Math.max(heap, now.heapUsed - baseline.heapUsed);
    buffers = Math.max(buffers, now.arrayBuffers - baseline.arrayBuffers);
  }
  return { rows: decoded, lastId, bytes, heap, buffers };
}

describe("bounded memory while streaming", () => {
  it("a /data/json/ array becomes batches as bytes arrive: live memory does not grow with the stream", async () => {
    const small = await decode(40_000);
    const large = await decode(160_000);
    expect([small.rows, small.lastId, large.rows, large.lastId]).toEqual([40_000, 40_000, 160_000, 160_000]);
    expect(large.bytes).toBeGreaterThan(3.9 * small.bytes);
    // four times the bytes, the same heap: the text of the rows not yet parsed and one batch of parsed rows
    expect(large.heap).toBeLessThan(small.heap + 2e6);
    expect(large.heap).toBeLessThan(large.bytes / 4);
    // Arrow's buffers hold one batch at a time (socket buffers come and go around them)
    expect(large.buffers).toBeLessThan(large.bytes / 2);
  });
});
