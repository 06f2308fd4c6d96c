import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import type { Api } from "../http/errors.ts";

export interface SpoolWatch {
  /** Each chunk as it passes. */
  onChunk?: (chunk: Buffer) => void;
  /** The body was cut and is being fetched again from the start: what the chunks seen so far counted is void. */
  onRestart?: () => void;
}

/**
 * Writes a response's body to a file as it arrives (constant memory). A body cut short is fetched again from the start
 * (within the request's retry budget) and the file written anew; a failure to write the file (a full disk) is thrown as
 * it is, never taken for the network's.
 */
export function spoolResponse(
  http: HttpClient,
  api: Api,
  response: HttpResponse,
  file: string,
  watch: SpoolWatch = {},
): Promise<number> {
  let attempts = 0;
  return http.readFully(response, async (current) => {
    if (attempts++ > 0) watch.onRestart?.();
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        watch.onChunk?.(chunk);
        callback(null, chunk);
      },
    });
    // the stream that failed first is the one at fault: the pipeline then destroys the others with its error
    let origin: "body" | "file" | undefined;
    const sink = createWriteStream(file).once("error", () => (origin ??= "file"));
    current.body.once("error", () => (origin ??= "body"));
    try {
      await pipeline(current.body, count, sink);
    } catch (error) {
      throw origin === "file" ? error : http.bodyError(api, "GET", current.url, error);
    }
    return bytes;
  });
}

/**
 * Counts the rows of a stream as its chunks pass: a `/data/json/` row has one `"__id":` key (within a string value it
 * would be escaped); a CSV row starts after a newline with something other than a newline (the header starts the
 * stream, and the stream's closing newline starts nothing). A quoted field holding a line break counts twice: progress
 * only.
 */
export function rowCounter(format: "json" | "csv"): (chunk: Buffer) => number {
  if (format === "csv") {
    let afterNewline = false;
    return (chunk) => {
      let rows = afterNewline && chunk.length > 0 && chunk[0] !== 10 ? 1 : 0;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) {
        if (at + 1 < chunk.length && chunk[at + 1] !== 10) rows++;
      }
      if (chunk.length > 0) afterNewline = chunk[chunk.length - 1] === 10;
      return rows;
    };
  }
  const key = Buffer.from('"__id":');
  let tail = Buffer.alloc(0);
  return (chunk) => {
    let rows = 0;
    // a key cut between two chunks lies whole in the join of the last chunk's end and this one's start
    if (Buffer.concat([tail, chunk.subarray(0, key.length - 1)]).includes(key)) rows++;
    for (let at = chunk.indexOf(key); at >= 0; at = chunk.indexOf(key, at + key.length)) rows++;
    tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - key.length + 1)));
    return rows;
  };
}

/**
 * Whether any of the files holds the byte, read through one buffer: a scan of the spooled bytes costs far less than
 * DuckDB testing every value for it.
 */
export async function anyHolds(files: string[], byte: number): Promise<boolean> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const file of files) {
    const handle = await open(file, "r");
    try {
      for (let read; (read = (await handle.read(buffer, 0, buffer.length, null)).bytesRead) > 0;)
        if (buffer.subarray(0, read).includes(byte)) return true;
    } finally {
      await handle.close();
    }
  }
  return false;
}
