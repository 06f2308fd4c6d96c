import type { IncomingMessage } from "node:http";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { once } from "node:events";

export interface Upload {
  filename: string;
  size: number;
  /** Hex SHA-1 of the file, the checksum udata records for uploads. */
  sha1: string;
  fields: Record<string, string>;
}

export class UploadError extends Error {}

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
 * The name udata gives an uploaded file, and so the title of the resource it makes (storages' `normalize`, a slug
 * that keeps dots): transliterated to ASCII, lower-cased, apostrophes dropped, every run of other characters than
 * letters, digits and dots one "-", none at either end. "Données 2024 (v2)_communes.csv" is
 * "donnees-2024-v2-communes.csv".
 */
export function uploadedName(filename: string): string {
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

/**
 * Streams the first file part of a multipart/form-data body to `target`, never holding the body in memory. Other
 * (text) fields are collected. Resolves once the closing boundary has been seen; rejects (and removes the partial
 * file) if the body ends early.
 */
export async function receiveFile(req: IncomingMessage, target: string): Promise<Upload> {
  const type = req.headers["content-type"] ?? "";
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!/^multipart\/form-data/i.test(type) || !boundaryMatch)
    throw new UploadError("expected a multipart/form-data body with a file field");
  const delimiter = Buffer.from(`\r\n--${boundaryMatch[1] ?? boundaryMatch[2]}`);
  const out = createWriteStream(target);
  const fields: Record<string, string> = {};
  let filename = "";
  let size = 0;
  const hash = createHash("sha1");
  // the body starts with "--boundary"; prefix CRLF so every delimiter looks the same
  let buffer = Buffer.from("\r\n");
  let state: "preamble" | "headers" | "file" | "field" | "done" = "preamble";
  let fieldName = "";
  let fieldValue: Buffer[] = [];
  let fileSeen = false;

  const writeOut = async (chunk: Buffer) => {
    if (chunk.length === 0) return;
    size += chunk.length;
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  };

  try {
    for await (const data of req) {
      buffer = Buffer.concat([buffer, data as Buffer]);
      for (;;) {
        if (state === "preamble") {
          const at = buffer.indexOf(delimiter);
          if (at < 0) break;
          buffer = buffer.subarray(at + delimiter.length);
          state = "headers";
        } else if (state === "headers") {
          if (buffer.length >= 2 && buffer.subarray(0, 2).toString() === "--") {
            state = "done";
            break;
          }
          const end = buffer.indexOf("\r\n\r\n");
          if (end < 0) break;
          const headers = buffer.subarray(0, end).toString("utf8");
          buffer = buffer.subarray(end + 4);
          const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
          fieldName = /name="([^"]*)"/i.exec(disposition)?.[1] ?? "";
          const file = /filename="([^"]*)"/i.exec(disposition);
          if (file && !fileSeen) {
            filename = file[1];
            fileSeen = true;
            state = "file";
          } else {
            fieldValue = [];
            state = "field";
          }
        } else {
          const at = buffer.indexOf(delimiter);
          const safe = at >= 0 ? at : Math.max(0, buffer.length - delimiter.length);
          if (state === "file") await writeOut(buffer.subarray(0, safe));
          else fieldValue.push(buffer.subarray(0, safe));
          buffer = buffer.subarray(safe);
          if (at < 0) break;
          if (state === "field") fields[fieldName] = Buffer.concat(fieldValue).toString("utf8");
          buffer = buffer.subarray(delimiter.length);
          state = "headers";
        }
      }
      if (state === "done") break;
    }
    if (state !== "done") throw new UploadError("the upload ended before its closing boundary: nothing was kept");
    if (!fileSeen) throw new UploadError("the form has no file field");
    out.end();
    await once(out, "finish");
    return { filename, size, sha1: hash.digest("hex"), fields };
  } catch (error) {
    // a file still being opened appears once its open completes: remove it only after the stream has closed
    out.destroy();
    if (!out.closed) await once(out, "close").catch(() => undefined);
    await rm(target, { force: true });
    throw error;
  }
}
