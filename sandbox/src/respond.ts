import type { FileHandle } from "node:fs/promises";
import type { ServerResponse } from "node:http";

/** Small response helpers shared by the sandbox's APIs. */

export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-expose-headers": "*",
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Writes with backpressure; resolves false once the client has gone. */
export async function write(res: ServerResponse, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });
  }
  return !res.destroyed;
}

/** Writes a file's bytes from its start, in large reads, with backpressure; resolves false once the client has gone. */
export async function writeFile(res: ServerResponse, file: FileHandle): Promise<boolean> {
  for await (const chunk of file.createReadStream({ start: 0, highWaterMark: 256 * 1024, autoClose: false })) {
    if (!(await write(res, chunk as Buffer))) return false;
  }
  return true;
}
