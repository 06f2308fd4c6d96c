import { basename } from "node:path";
import { stat } from "node:fs/promises";
import type { DataGouv } from "../client.ts";
import type { DatasetInput, ResourceInput } from "../catalog/inputs.ts";
import type { Dataset, Resource } from "../catalog/models.ts";
import { normalizeTags } from "../catalog/tags.ts";
import { sha1File, uploadedTitle } from "../catalog/upload.ts";
import { DataGouvError } from "../http/errors.ts";
import { ManifestError, type Manifest, type ManifestResource } from "./manifest.ts";

/** The extras entry that ties a dataset or resource on the platform to its manifest entry. */
export const KEY_EXTRA = "publish:key";

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export interface DatasetStep {
  action: "create" | "update" | "unchanged";
  /** The existing dataset, when there is one. */
  id?: string;
  page?: string;
  changes: Change[];
  /** What is sent: the whole dataset on create, the changed fields on update. */
  payload: DatasetInput;
}

export interface ResourceStep {
  /** create: a new remote resource; upload: a file, new or changed; update: metadata only. */
  action: "create" | "upload" | "update" | "unchanged";
  key: string;
  title: string;
  line: number;
  resourceId?: string;
  file?: string;
  size?: number;
  checksum?: string;
  /** Why an upload happens. */
  reason?: "new file" | "file changed";
  changes: Change[];
  payload: ResourceInput;
}

export interface Plan {
  manifest: Manifest;
  account: { id: string; name: string };
  organization?: { id: string; slug: string; name: string };
  dataset: DatasetStep;
  resources: ResourceStep[];
  /** Whether the resources will need putting in the manifest's order once the others are done. */
  reorder: boolean;
  /** Resources on the platform that the manifest does not name: left alone. */
  untouched: { id: string; title: string }[];
  /** How many steps write something. */
  writes: number;
}

const text = (value: unknown) =>
  value === null || value === undefined ? "" : String(value).replace(/\r\n/g, "\n").trim();
const day = (value: unknown) => (value ? String(value).slice(0, 10) : "");

function sameTags(a: unknown, b: string[]): boolean {
  const left = new Set(normalizeTags((Array.isArray(a) ? a : []).map(String)));
  const right = new Set(normalizeTags(b));
  return left.size === right.size && [...right].every((t) => left.has(t));
}

/** The dataset fields the manifest sets, as the API takes them. */
function desiredDataset(manifest: Manifest, organizationId: string | undefined): DatasetInput {
  const input: DatasetInput = { title: manifest.title, description: manifest.description, private: manifest.private };
  for (const field of ["description_short", "acronym", "license", "frequency"] as const)
    if (manifest[field] !== undefined) input[field] = manifest[field];
  if (manifest.tags) input.tags = normalizeTags(manifest.tags);
  if (manifest.temporal_coverage)
    input.temporal_coverage = { start: manifest.temporal_coverage.start, end: manifest.temporal_coverage.end ?? null };
  const extras = { ...(manifest.extras ?? {}), ...(manifest.key ? { [KEY_EXTRA]: manifest.key } : {}) };
  if (Object.keys(extras).length) input.extras = extras;
  if (organizationId) input.organization = organizationId;
  return input;
}

function datasetChanges(remote: Dataset, desired: DatasetInput): Change[] {
  const changes: Change[] = [];
  const differs = (field: string, same: boolean) => {
    if (!same) changes.push({ field, from: remote[field], to: desired[field] });
  };
  for (const field of ["title", "description", "description_short", "acronym", "license", "frequency"]) {
    if (desired[field] !== undefined) differs(field, text(remote[field]) === text(desired[field]));
  }
  if (desired.tags) differs("tags", sameTags(remote.tags, desired.tags));
  differs("private", Boolean(remote.private) === Boolean(desired.private));
  if (desired.temporal_coverage) {
    const coverage = (remote.temporal_coverage ?? {}) as { start?: string; end?: string };
    differs(
      "temporal_coverage",
      day(coverage.start) === day(desired.temporal_coverage.start) &&
        day(coverage.end) === day(desired.temporal_coverage.end),
    );
  }
  if (desired.extras) {
    const extras = (remote.extras ?? {}) as Record<string, unknown>;
    differs(
      "extras",
      Object.entries(desired.extras).every(([k, v]) => JSON.stringify(extras[k]) === JSON.stringify(v)),
    );
  }
  return changes;
}

function desiredResource(entry: ManifestResource, remote: Resource | undefined): ResourceInput {
  const input: ResourceInput = { title: entry.title, type: entry.type as ResourceInput["type"] };
  if (entry.description !== undefined) input.description = entry.description;
  if (entry.format !== undefined) input.format = entry.format;
  if (entry.url) input.url = entry.url;
  // extras are replaced whole by an update: keep what is there, and add the key
  input.extras = { ...((remote?.extras ?? {}) as Record<string, unknown>), [KEY_EXTRA]: entry.key };
  return input;
}

function resourceChanges(remote: Resource, desired: ResourceInput): Change[] {
  const changes: Change[] = [];
  const check = (field: string, same: boolean) => {
    if (!same) changes.push({ field, from: remote[field], to: desired[field] });
  };
  check("title", text(remote.title) === text(desired.title));
  if (desired.description !== undefined) check("description", text(remote.description) === text(desired.description));
  check("type", (remote.type ?? "main") === desired.type);
  if (desired.format !== undefined)
    check("format", text(remote.format).toLowerCase() === text(desired.format).toLowerCase());
  if (desired.url !== undefined) check("url", remote.url === desired.url);
  check("extras", (remote.extras as Record<string, unknown> | undefined)?.[KEY_EXTRA] === desired.extras?.[KEY_EXTRA]);
  return changes;
}

/** The platform's resource for a manifest entry: by key, else an unclaimed one with its title (or its file's name). */
function match(
  entry: ManifestResource,
  remote: Resource[],
  claimed: Set<string>,
  checksum: string | undefined,
): Resource | undefined {
  const free = remote.filter((r) => !claimed.has(r.id));
  const byKey = free.find((r) => (r.extras as Record<string, unknown> | undefined)?.[KEY_EXTRA] === entry.key);
  if (byKey) return byKey;
  const unkeyed = free.filter((r) => (r.extras as Record<string, unknown> | undefined)?.[KEY_EXTRA] === undefined);
  const byTitle = unkeyed.filter((r) => text(r.title) === text(entry.title));
  if (byTitle.length === 1) return byTitle[0];
  // an upload whose answer was lost, or whose follow-up update never happened, is named after its file as the
  // platform stores it (a slug of its name): that name and the same bytes claim it
  if (entry.file && checksum) {
    const names = [uploadedTitle(basename(entry.file)), basename(entry.file)];
    return unkeyed.find((r) => names.includes(text(r.title)) && r.checksum?.value === checksum);
  }
  return undefined;
}

async function findDataset(
  dg: DataGouv,
  manifest: Manifest,
  organizationId: string | undefined,
): Promise<Dataset | undefined> {
  if (manifest.id) {
    try {
      const dataset = await dg.datasets.get(manifest.id, { auth: true });
      if (dataset.deleted)
        throw new ManifestError(manifest.path, [
          {
            line: manifest.lineOf("id"),
            message: `dataset ${manifest.id} was deleted on ${dataset.deleted}: restore it on data.gouv.fr, or drop "id" to create a new one`,
          },
        ]);
      return dataset;
    } catch (error) {
      if (error instanceof DataGouvError && error.status === 404)
        throw new ManifestError(manifest.path, [
          { line: manifest.lineOf("id"), message: `no dataset ${manifest.id} on ${dg.http.endpoints.main}` },
        ]);
      throw error;
    }
  }
  const candidates = organizationId
    ? await dg.organizations.datasets(organizationId, {}, { auth: true, pageSize: 100 }).all()
    : await dg.datasets.mine();
  const found = candidates.filter(
    (d) => !d.deleted && (d.extras as Record<string, unknown> | undefined)?.[KEY_EXTRA] === manifest.key,
  );
  if (found.length > 1) {
    throw new ManifestError(manifest.path, [
      {
        line: manifest.lineOf("key"),
        message:
          `${found.length} datasets carry the key "${manifest.key}" (${found.map((d) => d.id).join(", ")}): give ` +
          `the manifest the "id" of the one to manage`,
      },
    ]);
  }
  return found[0] ? dg.datasets.get(found[0].id, { auth: true }) : undefined;
}

/**
 * What publishing the manifest would do: reads the platform (with the API key, to see drafts), writes nothing. Fails
 * with a ManifestError naming the line when the manifest names what the platform does not know.
 */
export async function planPublish(dg: DataGouv, manifest: Manifest): Promise<Plan> {
  const me = await dg.users.me();
  const [licenses, frequencies] = await Promise.all([dg.datasets.licenses(), dg.datasets.frequencies()]);
  const problems: { line: number; message: string }[] = [];
  if (manifest.license && !licenses.some((l) => l.id === manifest.license)) {
    problems.push({
      line: manifest.lineOf("license"),
      message: `unknown license "${manifest.license}": one of ${licenses.map((l) => l.id).join(", ")}`,
    });
  }
  if (manifest.frequency && !frequencies.some((f) => f.id === manifest.frequency)) {
    problems.push({
      line: manifest.lineOf("frequency"),
      message: `unknown frequency "${manifest.frequency}": one of ${frequencies.map((f) => f.id).join(", ")}`,
    });
  }
  let organization: Plan["organization"];
  if (manifest.organization) {
    try {
      const org = await dg.organizations.get(manifest.organization);
      organization = { id: org.id, slug: String(org.slug), name: String(org.name) };
    } catch (error) {
      if (!(error instanceof DataGouvError && error.status === 404)) throw error;
      problems.push({
        line: manifest.lineOf("organization"),
        message: `no organization "${manifest.organization}" on the platform`,
      });
    }
  }
  if (problems.length) throw new ManifestError(manifest.path, problems);

  const remote = await findDataset(dg, manifest, organization?.id);
  const desired = desiredDataset(manifest, organization?.id);
  let dataset: DatasetStep;
  if (!remote) dataset = { action: "create", changes: [], payload: desired };
  else {
    const changes = datasetChanges(remote, desired);
    const payload: DatasetInput = Object.fromEntries(changes.map((c) => [c.field, desired[c.field]]));
    if (payload.extras) payload.extras = { ...((remote.extras ?? {}) as Record<string, unknown>), ...payload.extras };
    dataset = {
      action: changes.length ? "update" : "unchanged",
      id: remote.id,
      page: String(remote.page ?? ""),
      changes,
      payload,
    };
  }

  const existing = (remote?.resources ?? []) as Resource[];
  const claimed = new Set<string>();
  const resources: ResourceStep[] = [];
  for (const entry of manifest.resources) {
    const checksum = entry.file ? await sha1File(entry.file) : undefined;
    const size = entry.file ? (await stat(entry.file)).size : undefined;
    const found = match(entry, existing, claimed, checksum);
    if (found) claimed.add(found.id);
    if (found && entry.url && found.filetype === "file") {
      throw new ManifestError(manifest.path, [
        {
          line: entry.line,
          message:
            `resource "${entry.title}" is an uploaded file on the platform, and the manifest gives it a url: give ` +
            `it a new "key" (the old one is then left alone)`,
        },
      ]);
    }
    const payload = desiredResource(entry, found);
    const base = {
      key: entry.key,
      title: entry.title,
      line: entry.line,
      resourceId: found?.id,
      file: entry.file,
      size,
      checksum,
      payload,
    };
    if (entry.file) {
      const same = found?.checksum?.value === checksum && (found?.checksum?.type ?? "sha1") === "sha1";
      if (!found || !same) {
        resources.push({
          ...base,
          action: "upload",
          reason: found ? "file changed" : "new file",
          changes: found ? resourceChanges(found, payload) : [],
        });
        continue;
      }
    } else if (!found) {
      resources.push({ ...base, action: "create", changes: [] });
      continue;
    }
    const changes = resourceChanges(found!, payload);
    resources.push({ ...base, action: changes.length ? "update" : "unchanged", changes });
  }
  const untouched = existing.filter((r) => !claimed.has(r.id)).map((r) => ({ id: r.id, title: r.title }));
  // new resources are appended; the manifest's come first, in its order, then the others as they were
  const placeholder = (step: ResourceStep) => step.resourceId ?? `new:${step.key}`;
  const asItWillBe = [...existing.map((r) => r.id), ...resources.filter((s) => !s.resourceId).map(placeholder)];
  const wanted = [...resources.map(placeholder), ...untouched.map((r) => r.id)];
  const reorder = asItWillBe.join("\n") !== wanted.join("\n");
  const writes =
    (dataset.action === "unchanged" ? 0 : 1) +
    resources.filter((s) => s.action !== "unchanged").length +
    (reorder ? 1 : 0);
  const name = [me.first_name, me.last_name].filter(Boolean).join(" ") || String(me.slug ?? me.id);
  return { manifest, account: { id: me.id, name }, organization, dataset, resources, reorder, untouched, writes };
}
