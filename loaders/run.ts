import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { DataGouv } from "../lib/client.ts";
import type { Traffic } from "./traffic.ts";

/**
 * What data loaders run on. Framework starts one process per loader, so this module and the ones it loads at once stay
 * small: the client (undici) and DuckDB load only when a loader asks for them.
 */

/** The client loaders use: the sandbox when DATAGOUV_SANDBOX_URL is set, the live platform otherwise. */
export async function loaderClient(traffic?: Traffic): Promise<DataGouv> {
  const { DataGouv } = await import("../lib/client.ts");
  if (!traffic) return new DataGouv({ retry: { retries: 2 } });
  const { countingDispatcher } = await import("./traffic.ts");
  return new DataGouv({ retry: { retries: 2 }, dispatcher: countingDispatcher(traffic) });
}

/** A parameter Framework passes to a parameterized loader (`--id=…`). */
export function param(name: string): string {
  const prefix = `--${name}=`;
  const found = process.argv.find((arg) => arg.startsWith(prefix));
  if (!found) throw new Error(`missing ${prefix}…`);
  return found.slice(prefix.length);
}

/** Runs a data loader whose output a build prepared (`writePages`): the file, copied to stdout. */
export async function emitFile(path: string | URL): Promise<void> {
  try {
    await pipeline(createReadStream(path), process.stdout, { end: false });
  } catch (error) {
    process.stderr.write(`loader failed: ${(error as Error).message} (build the site with its build script)\n`);
    process.exitCode = 1;
  }
}

/** Runs a data loader: its value as JSON on stdout, failures on stderr with a non-zero exit (the build stops). */
export async function emitJson(load: (dg: DataGouv) => Promise<unknown>): Promise<void> {
  await emit(async (dg) => JSON.stringify(await load(dg)));
}

/** Runs a data loader whose output is bytes (Arrow IPC, Parquet): written to stdout, failures as for `emitJson`. */
export async function emitBytes(load: (dg: DataGouv) => Promise<Uint8Array>): Promise<void> {
  await emit(load);
}

async function emit(load: (dg: DataGouv) => Promise<string | Uint8Array>): Promise<void> {
  const dg = await loaderClient();
  try {
    process.stdout.write(await load(dg));
  } catch (error) {
    process.stderr.write(`loader failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await dg.close();
  }
}
