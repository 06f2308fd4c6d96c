import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import type { Api } from "../http/errors.ts";

export interface Progress {
  rows?: number;
  bytes: number;
  /** What is being transferred. */
  label: string;
}

/** Writes a response's body to a file as it arrives (constant memory), reporting bytes as they pass. */
export async function spoolResponse(http: HttpClient, api: Api, response: HttpResponse, file: string, onBytes?: (bytes: number) => void): Promise<number> {
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      onBytes?.(chunk.length);
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
