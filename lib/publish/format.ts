import { relative } from "node:path";
import type { Plan } from "./plan.ts";

const megabytes = (bytes: number | undefined) =>
  bytes === undefined ? "" : bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;

const displayPath = (file: string, cwd: string) => {
  const near = relative(cwd, file);
  return near && !near.startsWith("..") ? near : file;
};

/** The plan as a person reads it: one line per step, create / update / upload / unchanged, then what is left alone. */
export function formatPlan(plan: Plan, cwd = process.cwd()): string {
  const lines: string[] = [];
  const who = `${plan.account.name}${plan.organization ? `, for ${plan.organization.name}` : ""}`;
  lines.push(`${plan.manifest.path} (as ${who}):`);
  const row = (action: string, what: string) => lines.push(`  ${action.padEnd(9)} ${what}`);
  const { dataset } = plan;
  if (dataset.action === "create")
    row(
      "create",
      `dataset "${plan.manifest.title}"${plan.manifest.private ? " as a draft" : plan.resources.length ? " (a draft until its resources are in place)" : ""}`,
    );
  else if (dataset.action === "update")
    row("update", `dataset ${dataset.id}: ${dataset.changes.map((c) => c.field).join(", ")}`);
  else row("unchanged", `dataset ${dataset.id} "${plan.manifest.title}"`);
  for (const step of plan.resources) {
    const name = `resource "${step.title}"`;
    if (step.action === "upload") {
      const extra =
        step.resourceId && step.changes.length ? `; then ${step.changes.map((c) => c.field).join(", ")}` : "";
      row("upload", `${name} from ${displayPath(step.file!, cwd)} (${step.reason}, ${megabytes(step.size)})${extra}`);
    } else if (step.action === "create") row("create", `${name} linking ${String(step.payload.url)}`);
    else if (step.action === "update") row("update", `${name}: ${step.changes.map((c) => c.field).join(", ")}`);
    else row("unchanged", step.file ? `${name} (${displayPath(step.file, cwd)})` : name);
  }
  if (plan.reorder) row("reorder", "resources, into the manifest's order");
  if (plan.untouched.length)
    lines.push(
      `  left alone: ${plan.untouched.length} resource${plan.untouched.length > 1 ? "s" : ""} not in the ` +
        `manifest (${plan.untouched.map((r) => `"${r.title}"`).join(", ")})`,
    );
  lines.push(
    plan.writes
      ? `${plan.writes} change${plan.writes > 1 ? "s" : ""} to make`
      : "nothing to do: the platform matches the manifest",
  );
  return lines.join("\n");
}

/** The plan as data, for scripts (`--json`). */
export function planJson(plan: Plan): Record<string, unknown> {
  return {
    manifest: plan.manifest.path,
    account: plan.account,
    organization: plan.organization ?? null,
    dataset: {
      action: plan.dataset.action,
      id: plan.dataset.id ?? null,
      changes: plan.dataset.changes.map((c) => c.field),
    },
    resources: plan.resources.map((s) => ({
      key: s.key,
      title: s.title,
      action: s.action,
      id: s.resourceId ?? null,
      reason: s.reason ?? null,
      file: s.file ?? null,
      checksum: s.checksum ?? null,
      changes: s.changes.map((c) => c.field),
    })),
    reorder: plan.reorder,
    untouched: plan.untouched,
    writes: plan.writes,
  };
}
