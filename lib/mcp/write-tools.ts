import { basename } from "node:path";
import { z } from "zod";
import type { Dataset, Resource } from "../catalog/models.ts";
import { lines } from "./bounds.ts";
import { inputPath } from "./output-folder.ts";
import { defineTool } from "./tool.ts";

/**
 * Publishing, listed only when the server has an API key and was started with --allow-writes. Each tool changes the
 * platform in the key's name; a new dataset starts as a draft unless asked otherwise.
 */

const text = (what: string) => z.string().min(1).optional().describe(what);

const datasetFields = {
  description: text("Markdown"),
  license: text('A licence id, e.g. "lov2", "odc-odbl", "cc-by"'),
  frequency: text('An update frequency id, e.g. "monthly", "annual", "irregular"'),
  tags: z.array(z.string().min(1)).optional(),
};

const datasetAnswer = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  private: z.boolean().describe("A draft, seen only by its producers"),
  url: z.string().optional(),
});

const datasetOf = (d: Dataset) => ({
  id: d.id,
  slug: d.slug,
  title: d.title,
  private: d.private ?? false,
  url: d.page,
});

const resourceAnswer = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  format: z.string().optional(),
  filesize: z.number().optional(),
});

const resourceOf = (r: Resource) => ({
  id: r.id,
  title: r.title,
  url: r.url,
  format: r.format ?? undefined,
  filesize: r.filesize ?? undefined,
});

export const createDataset = defineTool({
  name: "create_dataset",
  title: "Create a dataset",
  description:
    "Creates a dataset on data.gouv.fr in the API key's name, for an organization the key's user belongs to or for " +
    "the user. It stays a draft (private) unless private=false: add its resources, then update_dataset(private=false).",
  writes: true,
  input: z.strictObject({
    title: z.string().min(1),
    organization: text("The publishing organization's id or slug (default: the key's user)"),
    private: z.boolean().default(true).describe("Keep it a draft"),
    ...datasetFields,
    description: z.string().min(1).describe("Markdown: what the data is, who makes it, how"),
  }),
  output: datasetAnswer,
  async run(input, { context, signal }) {
    const d = await context.dg.datasets.create(input, { signal });
    return { data: datasetOf(d), text: `Created ${d.private ? "the draft" : "the dataset"} ${d.title} (${d.id})` };
  },
});

export const updateDataset = defineTool({
  name: "update_dataset",
  title: "Update a dataset",
  description:
    "Changes the fields given of a dataset (publish a draft with private=false); the others stay as they are.",
  writes: true,
  destructive: true,
  input: z.strictObject({
    dataset: z.string().min(1).describe("The dataset's id or slug"),
    title: text("A new title"),
    private: z.boolean().optional(),
    ...datasetFields,
  }),
  output: datasetAnswer,
  async run({ dataset, ...patch }, { context, signal }) {
    const d = await context.dg.datasets.update(dataset, patch, { signal });
    return { data: datasetOf(d), text: `Updated ${d.title} (${d.id})${d.private ? ", a draft" : ""}` };
  },
});

const resourceType = z.enum(["main", "documentation", "update", "api", "code", "other"]).optional();

export const addResourceLink = defineTool({
  name: "add_resource_link",
  title: "Add a link resource",
  description: "Adds a resource that points at a file or an API elsewhere (a remote resource) to a dataset.",
  writes: true,
  input: z.strictObject({
    dataset: z.string().min(1).describe("The dataset's id"),
    title: z.string().min(1),
    url: z.url().describe("Where the file or API is"),
    type: resourceType,
    format: text('e.g. "csv", "pdf", "json"'),
    description: text("Markdown"),
  }),
  output: resourceAnswer,
  async run({ dataset, ...input }, { context, signal }) {
    const r = await context.dg.datasets.createResource(dataset, input, { signal });
    return { data: resourceOf(r), text: `Added ${r.title} (${r.id}) to dataset ${dataset}` };
  },
});

export const uploadResource = defineTool({
  name: "upload_resource",
  title: "Upload a file as a resource",
  description:
    "Uploads a file from the server's output folder (an export, say) to a dataset: a new resource, or a new version " +
    "of resource_id. Files outside the output folder are refused. title and type set the resource's fields after.",
  writes: true,
  destructive: true,
  long: true,
  input: z.strictObject({
    dataset: z.string().min(1).describe("The dataset's id"),
    path: z.string().min(1).describe("A file inside the output folder"),
    resource_id: text("Replace this resource's file (a new version) instead of adding a resource"),
    title: text("The resource's title (default: the file's name)"),
    type: resourceType,
  }),
  output: resourceAnswer,
  async run({ dataset, path, resource_id, title, type }, { context, signal }) {
    const file = await inputPath(context.outputDir, path);
    let r = await context.dg.datasets.uploadResource(dataset, file, { resourceId: resource_id, signal });
    if (title || type)
      r = await context.dg.datasets.updateResource(dataset, r.id, { title: title ?? basename(file), type }, { signal });
    return {
      data: resourceOf(r),
      text: lines(`Uploaded ${basename(file)} as ${r.title} (${r.id})`, `URL: ${r.url}`),
    };
  },
});

export const updateResource = defineTool({
  name: "update_resource",
  title: "Update a resource",
  description: "Changes the fields given of a dataset's resource; the others stay as they are.",
  writes: true,
  destructive: true,
  input: z.strictObject({
    dataset: z.string().min(1).describe("The dataset's id"),
    resource_id: z.string().min(1),
    title: text("A new title"),
    description: text("Markdown"),
    type: resourceType,
    format: text('e.g. "csv"'),
  }),
  output: resourceAnswer,
  async run({ dataset, resource_id, ...patch }, { context, signal }) {
    const r = await context.dg.datasets.updateResource(dataset, resource_id, patch, { signal });
    return { data: resourceOf(r), text: `Updated ${r.title} (${r.id})` };
  },
});

export const WRITE_TOOLS = [createDataset, updateDataset, addResourceLink, uploadResource, updateResource];
