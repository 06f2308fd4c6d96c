import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HttpClient } from "../http/client.ts";
import { writeAtomically } from "../files.ts";
import { spoolResponse } from "./spool.ts";

/**
 * A download cache keyed by URL: a second download of an unchanged file asks the server with If-None-Match /
 * If-Modified-Since and reuses the copy on 304. `refresh` fetches again regardless.
 */
export interface CacheOptions {
  /** Default: DATAGOUV_CACHE_DIR, else .cache/datagouv in the working directory. */
  dir?: string;
  refresh?: boolean;
  onBytes?: (bytes: number) => void;
  /** Stops the download (the cached copy, if any, stays as it was). */
  signal?: AbortSignal;
}

interface Entry {
  url: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: string;
  size: number;
}

export interface Cached {
  file: string;
  /** "downloaded", or "revalidated" when the server answered 304. */
  status: "downloaded" | "revalidated";
  size: number;
  /** What identifies this version of the file: the server's ETag or Last-Modified, else when it was fetched. */
  version: string;
}

export function cacheDir(dir?: string): string {
  return dir ?? process.env.DATAGOUV_CACHE_DIR ?? join(process.cwd(), ".cache", "datagouv");
}

export async function cachedDownload(http: HttpClient, url: string, options: CacheOptions = {}): Promise<Cached> {
  const dir = cacheDir(options.dir);
  await mkdir(dir, { recursive: true });
  const key = createHash("sha256").update(url).digest("hex").slice(0, 32);
  const file = join(dir, `${key}.data`);
  const metaFile = join(dir, `${key}.json`);
  const entry = options.refresh
    ? undefined
    : await readFile(metaFile, "utf8").then(
        (text) => JSON.parse(text) as Entry,
        () => undefined,
      );
  const present = entry
    ? await stat(file).then(
        () => true,
        () => false,
      )
    : false;
  const headers: Record<string, string> = {};
  if (entry && present) {
    if (entry.etag) headers["if-none-match"] = entry.etag;
    if (entry.lastModified) headers["if-modified-since"] = entry.lastModified;
  }
  const response = await http.stream("download", url, { headers, accept: [304], signal: options.signal });
  if (response.status === 304 && entry && present) {
    await response.body.dump();
    return { file, status: "revalidated", size: entry.size, version: versionOf(entry) };
  }
  const size = await writeAtomically(file, (temporary) =>
    spoolResponse(http, "download", response, temporary, { onChunk: (chunk) => options.onBytes?.(chunk.length) }),
  );
  const header = (name: string) =>
    typeof response.headers[name] === "string" ? (response.headers[name] as string) : undefined;
  const next: Entry = {
    url,
    etag: header("etag"),
    lastModified: header("last-modified"),
    fetchedAt: new Date().toISOString(),
    size,
  };
  await writeAtomically(metaFile, (temporary) => writeFile(temporary, JSON.stringify(next)));
  return { file, status: "downloaded", size, version: versionOf(next) };
}

function versionOf(entry: Entry): string {
  return entry.etag ?? entry.lastModified ?? entry.fetchedAt;
}
