import { z } from "zod";
import type { Resource } from "../catalog/models.ts";
import { isTabularResource } from "../tabular/api.ts";
import { lines, rowsText, shorten } from "./bounds.ts";
import { summariseOpenApi, type Parameter } from "./openapi.ts";
import { organizationSummary } from "./search-tools.ts";
import { defineTool } from "./tool.ts";

/** One object of the catalog in detail: dataset, its resources, a resource, an organization, a dataservice. */

const DESCRIPTION_CHARS = 3_000;
const RESOURCES_SHOWN = 10;

const id = (what: string) => z.string().min(1).describe(what);

const resourceItem = z.object({
  id: z.string(),
  title: z.string(),
  format: z.string().optional(),
  type: z.string().optional(),
  filesize: z.number().optional(),
  mime: z.string().optional(),
  url: z.string(),
  last_modified: z.string().optional(),
  tabular: z.boolean().describe("Whether the Tabular API serves its rows (from its metadata)"),
});

function resourceSummary(r: Resource): z.input<typeof resourceItem> {
  return {
    id: r.id,
    title: r.title,
    format: r.format ?? undefined,
    type: r.type ?? undefined,
    filesize: r.filesize ?? undefined,
    mime: r.mime ?? undefined,
    url: r.url,
    last_modified: r.last_modified ?? undefined,
    tabular: isTabularResource(r),
  };
}

const RESOURCE_COLUMNS = ["id", "title", "format", "filesize", "tabular"];

export const getDataset = defineTool({
  name: "get_dataset",
  title: "Get a dataset",
  description:
    "A dataset's metadata by id or slug: title, description, organization, tags, licence, update frequency, " +
    "temporal and spatial coverage, dates, quality score, metrics, and its first resources (list_dataset_resources " +
    "pages through all of them). Resources marked tabular can be queried with query_tabular.",
  input: z.strictObject({ dataset: id("The dataset's id or slug") }),
  output: z.object({
    id: z.string(),
    title: z.string(),
    slug: z.string(),
    description: z.string().optional(),
    organization: z.object({ id: z.string(), name: z.string() }).optional(),
    tags: z.array(z.string()),
    license: z.string().optional(),
    frequency: z.string().optional(),
    temporal_coverage: z.object({ start: z.string().optional(), end: z.string().optional() }).optional(),
    spatial_granularity: z.string().optional(),
    created_at: z.string().optional(),
    last_update: z.string().optional(),
    quality_score: z.number().optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    resource_count: z.int(),
    resources: z.array(resourceItem),
    url: z.string().optional(),
    note: z.string().optional(),
  }),
  async run({ dataset }, { context, signal }) {
    const d = await context.dg.datasets.get(dataset, { signal });
    const all = d.resources ?? [];
    const resources = all.slice(0, RESOURCES_SHOWN).map(resourceSummary);
    const cut = (d.description ?? "").length > DESCRIPTION_CHARS;
    const note = lines(
      all.length > RESOURCES_SHOWN &&
        `${RESOURCES_SHOWN} of ${all.length} resources shown: ` +
          `list_dataset_resources(dataset="${d.id}") pages through all`,
      cut && `The description was cut at ${DESCRIPTION_CHARS} characters`,
    );
    const data = {
      id: d.id,
      title: d.title,
      slug: d.slug,
      description: shorten(d.description, DESCRIPTION_CHARS),
      organization: d.organization ? { id: d.organization.id, name: d.organization.name } : undefined,
      tags: d.tags ?? [],
      license: d.license ?? undefined,
      frequency: d.frequency ?? undefined,
      temporal_coverage: d.temporal_coverage
        ? { start: d.temporal_coverage.start ?? undefined, end: d.temporal_coverage.end ?? undefined }
        : undefined,
      spatial_granularity: d.spatial?.granularity ?? undefined,
      created_at: d.created_at,
      last_update: d.last_update,
      quality_score: d.quality?.score,
      metrics: d.metrics,
      resource_count: all.length,
      resources,
      url: d.page,
      note: note || undefined,
    };
    return {
      data,
      text: lines(
        `${d.title} (${d.id})`,
        d.organization && `Organization: ${d.organization.name}`,
        `Licence: ${d.license ?? "none"}; frequency: ${d.frequency ?? "unknown"}; last update: ${d.last_update ?? "?"}`,
        (d.tags ?? []).length > 0 && `Tags: ${d.tags!.join(", ")}`,
        shorten(d.description, 600),
        `Resources (${all.length}):`,
        rowsText(resources, RESOURCE_COLUMNS),
        note,
      ),
    };
  },
});

export const listDatasetResources = defineTool({
  name: "list_dataset_resources",
  title: "List a dataset's resources",
  description:
    "The files and links (resources) of a dataset, a page at a time: id, title, format, size, type, URL, and whether " +
    "the Tabular API serves its rows. Filter by type (main, documentation, update, api, code, other) or words.",
  input: z.strictObject({
    dataset: id("The dataset's id"),
    type: z.enum(["main", "documentation", "update", "api", "code", "other"]).optional(),
    q: z.string().min(1).optional().describe("Words in the resource's title"),
    page: z.int().min(1).default(1),
    page_size: z.int().min(1).max(50).default(50),
  }),
  output: z.object({
    total: z.int(),
    page: z.int(),
    resources: z.array(resourceItem),
    note: z.string().optional(),
  }),
  async run({ dataset, type, q, page, page_size }, { context, signal }) {
    const found = await context.dg.datasets
      .resources(dataset, { type, q }, { page, pageSize: page_size, signal })
      .first();
    const resources = found.data.map(resourceSummary);
    const shown = (found.page - 1) * page_size + resources.length;
    const note =
      shown < found.total
        ? `Resources ${shown - resources.length + 1}-${shown} of ${found.total}: call again with page=${found.page + 1}`
        : undefined;
    return {
      data: { total: found.total, page: found.page, resources, note },
      text: lines(`${found.total} resources.`, note, rowsText(resources, RESOURCE_COLUMNS)),
    };
  },
});

export const getResource = defineTool({
  name: "get_resource",
  title: "Get a resource",
  description:
    "One resource (a file or link of a dataset) by id: title, format, size, MIME type, URL, checksum, dates, its " +
    "dataset, and whether the Tabular API serves its rows (asked of the Tabular API itself). Next: " +
    "get_resource_profile for its columns, query_tabular for its rows, sql_resource for SQL over it.",
  input: z.strictObject({ resource_id: id("The resource's id (a UUID)") }),
  output: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    dataset_id: z.string().optional(),
    format: z.string().optional(),
    type: z.string().optional(),
    filetype: z.string().optional(),
    filesize: z.number().optional(),
    mime: z.string().optional(),
    url: z.string(),
    checksum: z.object({ type: z.string(), value: z.string() }).optional(),
    created_at: z.string().optional(),
    last_modified: z.string().optional(),
    schema: z.string().optional(),
    tabular: z.boolean().describe("Whether the Tabular API serves its rows"),
  }),
  async run({ resource_id }, { context, signal }) {
    const { resource: r, dataset_id } = await context.dg.datasets.resource(resource_id, { signal });
    const tabular = await context.dg.tabularApi.isTabular(r, { confirm: true });
    const data = {
      id: r.id,
      title: r.title,
      description: shorten(r.description, DESCRIPTION_CHARS),
      dataset_id: dataset_id ?? undefined,
      format: r.format ?? undefined,
      type: r.type ?? undefined,
      filetype: r.filetype ?? undefined,
      filesize: r.filesize ?? undefined,
      mime: r.mime ?? undefined,
      url: r.url,
      checksum: r.checksum ? { type: r.checksum.type, value: r.checksum.value } : undefined,
      created_at: r.created_at,
      last_modified: r.last_modified,
      schema: r.schema?.name ?? undefined,
      tabular,
    };
    return {
      data,
      text: lines(
        `${r.title} (${r.id}), resource of dataset ${dataset_id ?? "?"}`,
        `Format: ${r.format ?? "?"}; size: ${r.filesize ?? "?"} bytes; last modified: ${r.last_modified ?? "?"}`,
        `URL: ${r.url}`,
        tabular
          ? "The Tabular API serves its rows: query_tabular, export_tabular"
          : "The Tabular API does not serve its rows: sql_resource loads a CSV file locally",
      ),
    };
  },
});

export const getOrganization = defineTool({
  name: "get_organization",
  title: "Get an organization",
  description:
    "An organization by id or slug: name, acronym, description, website, badges, SIRET, dates and metrics (datasets, " +
    "reuses, followers, views). search_datasets(organization=id) lists its datasets; metrics its visits and downloads.",
  input: z.strictObject({ organization: id("The organization's id or slug") }),
  output: z.object({
    id: z.string(),
    name: z.string(),
    acronym: z.string().optional(),
    slug: z.string(),
    description: z.string().optional(),
    website: z.string().optional(),
    badges: z.array(z.string()),
    business_number_id: z.string().optional(),
    created_at: z.string().optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    members: z.int().optional(),
    url: z.string().optional(),
  }),
  async run({ organization }, { context, signal }) {
    const o = await context.dg.organizations.get(organization, { signal });
    const summary = organizationSummary(o);
    const data = {
      id: o.id,
      name: o.name,
      acronym: summary.acronym,
      slug: o.slug,
      description: shorten(o.description, DESCRIPTION_CHARS),
      website: o.url ?? undefined,
      badges: summary.badges,
      business_number_id: o.business_number_id ?? undefined,
      created_at: o.created_at,
      metrics: o.metrics,
      members: o.members?.length,
      url: o.page,
    };
    return {
      data,
      text: lines(
        `${o.name}${o.acronym ? ` (${o.acronym})` : ""}, ${o.id}`,
        summary.badges.length > 0 && `Badges: ${summary.badges.join(", ")}`,
        o.metrics && `Metrics: ${JSON.stringify(o.metrics)}`,
        shorten(o.description, 600),
      ),
    };
  },
});

export const getDataservice = defineTool({
  name: "get_dataservice",
  title: "Get a dataservice (API)",
  description:
    "A dataservice (an API registered on data.gouv.fr) by id: title, description, organization, base URL, where its " +
    "OpenAPI document and documentation are, access type, licence, tags, dates. get_dataservice_openapi summarises " +
    "its endpoints.",
  input: z.strictObject({ dataservice_id: id("The dataservice's id") }),
  output: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    organization: z.object({ id: z.string(), name: z.string() }).optional(),
    base_api_url: z.string().optional(),
    machine_documentation_url: z.string().optional(),
    technical_documentation_url: z.string().optional(),
    business_documentation_url: z.string().optional(),
    access_type: z.string().optional(),
    license: z.string().optional(),
    tags: z.array(z.string()),
    created_at: z.string().optional(),
    datasets: z.array(z.string()).optional().describe("Ids of the datasets it serves"),
  }),
  async run({ dataservice_id }, { context, signal }) {
    const d = await context.dg.dataservices.get(dataservice_id, { signal });
    const str = (value: unknown) => (typeof value === "string" && value.length ? value : undefined);
    const datasets = Array.isArray(d.dataset_ids) ? d.dataset_ids.map(String) : undefined;
    const data = {
      id: d.id,
      title: d.title,
      description: shorten(d.description, DESCRIPTION_CHARS),
      organization: d.organization ? { id: d.organization.id, name: d.organization.name } : undefined,
      base_api_url: str(d.base_api_url),
      machine_documentation_url: str(d.machine_documentation_url),
      technical_documentation_url: str(d.technical_documentation_url),
      business_documentation_url: str(d.business_documentation_url),
      access_type: str(d.access_type),
      license: str(d.license),
      tags: d.tags ?? [],
      created_at: str(d.created_at),
      datasets,
    };
    return {
      data,
      text: lines(
        `${d.title} (${d.id})`,
        d.organization && `Organization: ${d.organization.name}`,
        data.base_api_url && `Base URL: ${data.base_api_url}`,
        data.machine_documentation_url
          ? `OpenAPI document: ${data.machine_documentation_url} (get_dataservice_openapi summarises it)`
          : "No OpenAPI document published",
        data.access_type && `Access: ${data.access_type}`,
        shorten(d.description, 600),
      ),
    };
  },
});

export const getDataserviceOpenapi = defineTool({
  name: "get_dataservice_openapi",
  title: "Summarise a dataservice's OpenAPI document",
  description:
    "Fetches a dataservice's OpenAPI (or Swagger 2.0) document and summarises it: title, version, servers, and each " +
    "endpoint (method, path, summary) with its parameters (name, where, type, required). Schemas and responses are " +
    "left out. Call the API at its servers' URL as the summary says.",
  input: z.strictObject({
    dataservice_id: id("The dataservice's id"),
    max_endpoints: z.int().min(1).max(300).default(100).describe("Endpoints to list at most"),
  }),
  output: z.object({
    title: z.string().optional(),
    version: z.string().optional(),
    description: z.string().optional(),
    source: z.string(),
    servers: z.array(z.string()),
    endpoint_count: z.int(),
    endpoints: z.array(
      z.object({
        method: z.string(),
        path: z.string(),
        summary: z.string().optional(),
        parameters: z.array(
          z.object({
            name: z.string(),
            in: z.string(),
            required: z.boolean(),
            type: z.string().optional(),
            description: z.string().optional(),
          }),
        ),
      }),
    ),
    note: z.string().optional(),
  }),
  async run({ dataservice_id, max_endpoints }, { context }) {
    const service = await context.dg.dataservices.get(dataservice_id);
    const document = await context.dg.dataservices.openapi(service);
    const summary = summariseOpenApi(document, { endpoints: max_endpoints, parameters: 40 });
    const note =
      summary.endpointCount > summary.endpoints.length
        ? `${summary.endpoints.length} of ${summary.endpointCount} endpoints listed: ` +
          "raise max_endpoints (up to 300) for more"
        : undefined;
    const servers = summary.servers.length ? summary.servers : service.base_api_url ? [service.base_api_url] : [];
    const endpointLines = summary.endpoints.map(
      (e) =>
        `${e.method} ${e.path}${e.summary ? ` — ${e.summary}` : ""}` +
        (e.parameters.length ? `\n  ${e.parameters.map(describeParameter).join("; ")}` : ""),
    );
    return {
      data: {
        title: summary.title,
        version: summary.version,
        description: summary.description,
        source: String(service.machine_documentation_url),
        servers,
        endpoint_count: summary.endpointCount,
        endpoints: summary.endpoints,
        note,
      },
      text: lines(
        `${[summary.title ?? service.title, summary.version].filter(Boolean).join(" ")}: ` +
          `${summary.endpointCount} endpoints`,
        servers.length > 0 && `Servers: ${servers.join(", ")}`,
        ...endpointLines,
        note,
      ),
    };
  },
});

function describeParameter(p: Parameter): string {
  return `${p.name} (${[p.in, p.type, p.required && "required"].filter(Boolean).join(", ")})`;
}

export const DETAIL_TOOLS = [
  getDataset,
  listDatasetResources,
  getResource,
  getOrganization,
  getDataservice,
  getDataserviceOpenapi,
];
