import type { DataGouv } from "../client.ts";
import type { Resource } from "../catalog/models.ts";
import type { UploadProgress } from "../catalog/upload.ts";
import type { Plan, ResourceStep } from "./plan.ts";

export interface ApplyOptions {
  /** One line per step done. */
  log?: ((line: string) => void) | undefined;
  /** Bytes sent of each upload. */
  onUpload?: ((file: string, ...progress: Parameters<UploadProgress>) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface PublishResult {
  datasetId: string;
  page?: string;
  /** The platform's id of each manifest resource, by key. */
  resources: Record<string, string>;
  /** Steps carried out (as counted by the plan; an upload and the update naming it are one step). */
  writes: number;
}

/**
 * Carries out a plan. A new dataset is created as a draft and made public (if the manifest says so) only once its
 * resources are in place, so nobody sees it half-published; each step is one request, so a run that stops midway is
 * finished by the next one, which finds what was done by its keys.
 */
export async function applyPlan(dg: DataGouv, plan: Plan, options: ApplyOptions = {}): Promise<PublishResult> {
  const log = options.log ?? (() => {});
  const signal = options.signal;
  let writes = 0;
  let datasetId = plan.dataset.id;
  let page = plan.dataset.page;
  const publishLater = plan.dataset.action === "create" && !plan.manifest.private && plan.resources.length > 0;
  if (plan.dataset.action === "create") {
    const created = await dg.datasets.create(
      { ...plan.dataset.payload, private: publishLater ? true : plan.dataset.payload.private },
      { signal },
    );
    datasetId = created.id;
    page = String(created.page ?? "");
    writes++;
    log(`created dataset ${created.id} "${created.title}"${publishLater ? " as a draft" : ""}`);
  } else if (plan.dataset.action === "update") {
    await dg.datasets.update(datasetId!, plan.dataset.payload, { signal });
    writes++;
    log(`updated dataset ${datasetId}: ${plan.dataset.changes.map((c) => c.field).join(", ")}`);
  }
  const ids: Record<string, string> = {};
  for (const step of plan.resources) {
    const id = await applyResource(dg, datasetId!, step, options);
    ids[step.key] = id;
    if (step.action !== "unchanged") {
      writes++;
      log(describeDone(step, id));
    }
  }
  if (plan.reorder) {
    const dataset = await dg.datasets.get(datasetId!, { auth: true, signal });
    const current = (dataset.resources ?? []) as Resource[];
    const managed = plan.resources.map((s) => ids[s.key]);
    const order = [...managed, ...current.map((r) => r.id).filter((id) => !managed.includes(id))];
    await dg.datasets.reorderResources(datasetId!, order, { signal });
    writes++;
    log("put the resources in the manifest's order");
  }
  if (publishLater) {
    await dg.datasets.update(datasetId!, { private: false }, { signal });
    log(`published dataset ${datasetId}`);
  }
  return { datasetId: datasetId!, page, resources: ids, writes };
}

async function applyResource(
  dg: DataGouv,
  datasetId: string,
  step: ResourceStep,
  options: ApplyOptions,
): Promise<string> {
  const signal = options.signal;
  switch (step.action) {
    case "unchanged":
      return step.resourceId!;
    case "update":
      await dg.datasets.updateResource(datasetId, step.resourceId!, step.payload, { signal });
      return step.resourceId!;
    case "create":
      return (
        await dg.datasets.createResource(
          datasetId,
          { ...step.payload, title: step.title, url: String(step.payload.url) },
          { signal },
        )
      ).id;
    case "upload": {
      const file = step.file!;
      const uploaded = await dg.datasets.uploadResource(datasetId, file, {
        resourceId: step.resourceId,
        signal,
        onProgress: (sent, total) => options.onUpload?.(file, sent, total),
      });
      // the platform names an uploaded resource after its file: set the manifest's title, type, format and key
      await dg.datasets.updateResource(datasetId, uploaded.id, step.payload, { signal });
      return uploaded.id;
    }
  }
}

function describeDone(step: ResourceStep, id: string): string {
  switch (step.action) {
    case "create":
      return `created remote resource ${id} "${step.title}"`;
    case "upload":
      return `uploaded ${step.file} (${step.reason}) to resource ${id} "${step.title}"`;
    default:
      return `updated resource ${id} "${step.title}": ${step.changes.map((c) => c.field).join(", ")}`;
  }
}
