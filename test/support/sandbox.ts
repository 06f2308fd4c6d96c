import { startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox/src/index.ts";
import { DataGouv } from "../../lib/client.ts";

export const API_KEY = "test-producer-key-0001";
export const OTHER_KEY = "test-other-key-0002@commune-de-sixt-sur-aff";

/** A sandbox for one test file: small generated resource, known keys. */
export async function testSandbox(
  options: SandboxOptions = {},
): Promise<{ sandbox: Sandbox; dg: DataGouv; close(): Promise<void> }> {
  const sandbox = await startSandbox({ tabular: { bigRows: 20_000 }, apiKeys: [API_KEY, OTHER_KEY], ...options });
  const dg = new DataGouv(
    { sandboxUrl: sandbox.url, apiKey: API_KEY, retry: { retries: 0 }, logger: { warn() {} } },
    {},
  );
  return {
    sandbox,
    dg,
    async close() {
      await dg.close();
      await sandbox.close();
    },
  };
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json(): any }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}
