import { DataGouv } from "../client.ts";
import { UsageError } from "./exit.ts";

/**
 * The client the commands share, configured from the environment. A malformed setting (DATAGOUV_SANDBOX_URL that is
 * not a URL) is the user's to fix, so it is a usage error rather than an unexpected one.
 */
export function connect(): DataGouv {
  try {
    return new DataGouv();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}
