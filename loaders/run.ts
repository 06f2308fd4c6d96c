import { DataGouv } from "../lib/client.ts";

/** The client loaders use: the sandbox when DATAGOUV_SANDBOX_URL is set, the live platform otherwise. */
export function loaderClient(): DataGouv {
  return new DataGouv({ retry: { retries: 2 } });
}

/** Monthly metrics rows in calendar order. */
export function monthly<T extends { metric_month: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.metric_month.localeCompare(b.metric_month));
}

/** Runs a data loader: its value as JSON on stdout, failures on stderr with a non-zero exit (the build stops). */
export async function emitJson(load: (dg: DataGouv) => Promise<unknown>): Promise<void> {
  const dg = loaderClient();
  try {
    process.stdout.write(JSON.stringify(await load(dg)));
  } catch (error) {
    process.stderr.write(`loader failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await dg.close();
  }
}

export function param(name: string): string {
  const prefix = `--${name}=`;
  const found = process.argv.find((arg) => arg.startsWith(prefix));
  if (!found) throw new Error(`missing ${prefix}…`);
  return found.slice(prefix.length);
}

/** Runs a data loader whose output is bytes (Arrow IPC, Parquet): written to stdout, failures as for `emitJson`. */
export async function emitBytes(load: (dg: DataGouv) => Promise<Uint8Array>): Promise<void> {
  const dg = loaderClient();
  try {
    process.stdout.write(await load(dg));
  } catch (error) {
    process.stderr.write(`loader failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await dg.close();
  }
}
