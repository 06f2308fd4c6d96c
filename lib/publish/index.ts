import type { DataGouv } from "../client.ts";
import { applyPlan, type ApplyOptions, type PublishResult } from "./apply.ts";
import { loadManifest, type ManifestOptions } from "./manifest.ts";
import { planPublish, type Plan } from "./plan.ts";

export { applyPlan, type ApplyOptions, type PublishResult } from "./apply.ts";
export { formatPlan, planJson } from "./format.ts";
export {
  loadManifest,
  parseManifest,
  ManifestError,
  MANIFEST_SCHEMA,
  type Manifest,
  type ManifestOptions,
  type ManifestResource,
} from "./manifest.ts";
export { planPublish, KEY_EXTRA, type Plan, type DatasetStep, type ResourceStep, type Change } from "./plan.ts";

/**
 * Makes the platform match a manifest: reads it, plans, and (unless `dryRun`) applies the plan. Running it again right
 * after changes nothing: the second plan has no writes.
 *
 *   const { plan, result } = await publish(dg, "publish.yaml");
 */
export async function publish(
  dg: DataGouv,
  manifestPath: string,
  options: ApplyOptions & ManifestOptions & { dryRun?: boolean | undefined } = {},
): Promise<{ plan: Plan; result?: PublishResult }> {
  const plan = await planPublish(dg, await loadManifest(manifestPath, options));
  if (options.dryRun) return { plan };
  return { plan, result: await applyPlan(dg, plan, options) };
}
