import type { HttpClient } from "../http/client.ts";
import { DataGouvError } from "../http/errors.ts";
import { TabularApi } from "../tabular/api.ts";
import type { ExportableMetrics, ExportableTabular } from "../tabular/export-engine.ts";
import type { ResourceProfile } from "../tabular/profile.ts";

/**
 * A resource's profile, asked of the Tabular API on first use and then shared: choosing the mode, typing the remote
 * streams and typing the local load all read it, and one export asks for it once.
 */
export type ProfileOnce = () => Promise<ResourceProfile>;

export function profileOnce(http: HttpClient, resourceId: string): ProfileOnce {
  let asked: Promise<ResourceProfile> | undefined;
  return () => (asked ??= new TabularApi(http).profile(resourceId));
}

/** The profile, or undefined where the Tabular API does not serve the resource (by default, 404 and 410). */
export function servedProfile(
  profile: ProfileOnce,
  unserved: readonly number[] = [404, 410],
): Promise<ResourceProfile | undefined> {
  return profile().catch((error: unknown) => {
    if (error instanceof DataGouvError && error.status !== undefined && unserved.includes(error.status))
      return undefined;
    throw error;
  });
}

/** Where an export runs; a Tabular query's comes with its resource's profile, as asked while choosing (or not yet). */
export type Placement =
  | { mode: "remote" | "local"; query: ExportableTabular; profile: ProfileOnce }
  | { mode: "remote"; query: ExportableMetrics };
