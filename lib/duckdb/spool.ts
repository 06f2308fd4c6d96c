import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import type { Api } from "../http/errors.ts";

/** Writes a response's body to a file as it arrives (constant memory), showing each chunk as it passes. */
export async function spoolResponse(
  http: HttpClient,
  api: Api,
  response: HttpResponse,
  file: string,
  onChunk?: (chunk: Buffer) => void,
): Promise<number> {
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      onChunk?.(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response.body, count, createWriteStream(file));
  } catch (error) {
    throw http.bodyError(api, "GET", response.url, error);
  }
  return bytes;
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
