import type { DataGouv } from "../client.ts";
import { UsageError } from "./exit.ts";

/**
 * The client the commands share, configured from the environment, loaded only when a command runs (not for its help).
 * A malformed setting (DATAGOUV_SANDBOX_URL that is not a URL) is the user's to fix: a usage error, not an unexpected one.
 */
export async function connect(): Promise<DataGouv> {
  const { DataGouv } = await import("../client.ts");
  try {
    return new DataGouv();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}
