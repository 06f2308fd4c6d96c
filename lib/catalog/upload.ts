import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Readable } from "node:stream";

/** Bytes sent so far of an upload, and its whole size. */
export type UploadProgress = (sent: number, total: number) => void;

/** Letters NFKD does not take apart, as udata's transliteration writes them. */
const LIGATURES: Record<string, string> = {
  œ: "oe",
  Œ: "OE",
  æ: "ae",
  Æ: "AE",
  ß: "ss",
  ø: "o",
  Ø: "O",
  ł: "l",
  Ł: "L",
  đ: "d",
  Đ: "D",
};

/**
 * The title the platform gives a resource made by uploading a file named `filename`: the name it stores the file
 * under, a slug that keeps dots (udata's storages `normalize`): transliterated to ASCII, lower-cased, apostrophes
 * dropped, every run of other characters than letters, digits and dots one "-". "Données 2024 (v2)_communes.csv"
 * becomes "donnees-2024-v2-communes.csv". Letters outside the Latin scripts are not transliterated here.
 */
export function uploadedTitle(filename: string): string {
  return filename
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[œŒæÆßøØłŁđĐ]/g, (letter) => LIGATURES[letter])
    .toLowerCase()
    .replace(/['\u2019]/g, "")
    .split(/[^a-z0-9.]+/)
    .filter(Boolean)
    .join("-");
}

export interface MultipartFile {
  body: Readable;
  headers: Record<string, string>;
  size: number;
}

/**
 * A `multipart/form-data` body carrying one file under `field`, streamed from disk chunk by chunk (a large file is
 * never held in memory), with its exact Content-Length so the server knows from the start how much is coming.
 */
export async function multipartFile(
  path: string,
  options: { field?: string | undefined; filename?: string | undefined; onProgress?: UploadProgress | undefined } = {},
): Promise<MultipartFile> {
  const { size } = await stat(path);
  const boundary = `----datagouv-${randomBytes(12).toString("hex")}`;
  const filename = (options.filename ?? basename(path)).replace(/["\r\n]/g, "_");
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? "file"}"; ` +
      `filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = head.length + size + tail.length;
  const onProgress = options.onProgress;
  async function* parts(): AsyncGenerator<Buffer> {
    let sent = 0;
    const pass = (chunk: Buffer) => {
      sent += chunk.length;
      onProgress?.(sent, total);
      return chunk;
    };
    yield pass(head);
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) yield pass(chunk as Buffer);
    yield pass(tail);
  }
  return {
    body: Readable.from(parts(), { objectMode: false }),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(total) },
    size,
  };
}

/** The SHA-1 of a file, read as a stream: what udata records as a stored file's checksum. */
export async function sha1File(path: string): Promise<string> {
  const hash = createHash("sha1");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
