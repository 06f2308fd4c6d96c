import { z } from "zod";
import { SEARCH_WINDOW, type Listing } from "../catalog/listing.ts";
import type { Dataservice, DatasetV2, Organization, Page } from "../catalog/models.ts";
import { lines, rowsText, shorten } from "./bounds.ts";
import { defineTool } from "./tool.ts";

/** Search: the Main API's v2 search endpoints with their filters and sorts, one page an answer. */

const paging = {
  page: z.int().min(1).default(1).describe("Page of results, from 1"),
  page_size: z.int().min(1).max(100).default(20).describe("Results a page (at most 100)"),
};

const sorts = <T extends string>(fields: readonly T[]) =>
  z.enum(fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]]).describe('A field; "-" first for descending');

const text = (what: string) => z.string().min(1).optional().describe(what);

const pageOutput = {
  total: z.int().describe("Matches on the platform"),
  page: z.int(),
  page_size: z.int(),
  note: z.string().optional().describe("Present when more results exist, with how to get them"),
};

function pageNote(found: Page<unknown>, pageSize: number): string | undefined {
  const shown = (found.page - 1) * pageSize + found.data.length;
  if (shown >= found.total) return undefined;
  if ((found.page + 1) * pageSize > SEARCH_WINDOW)
    return (
      `Showing ${shown} of ${found.total}: search results stop at ${SEARCH_WINDOW.toLocaleString("en")}; ` +
      "add filters to narrow the search"
    );
  const from = shown - found.data.length + 1;
  const next = `call again with page=${found.page + 1} for more, or add filters`;
  return `Showing results ${from}-${shown} of ${found.total}: ${next}`;
}

/** One page of a search, summarised: the envelope's counts, the items, and their text rendering. */
async function searchAnswer<T, S extends Record<string, unknown>>(
  listing: Listing<T>,
  pageSize: number,
  summarise: (item: T) => S,
  what: string,
  columns: string[],
) {
  const found = await listing.first();
  const items = found.data.map(summarise);
  const note = pageNote(found, pageSize);
  return {
    envelope: { total: found.total, page: found.page, page_size: pageSize, note },
    items,
    text: lines(
      `${found.total} ${what} found (page ${found.page}).`,
      note,
      items.length ? rowsText(items, columns) : undefined,
    ),
  };
}

const datasetItem = z.object({
  id: z.string(),
  title: z.string(),
  slug: z.string(),
  organization: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()),
  resources: z.int().optional().describe("How many resources it has"),
  license: z.string().optional(),
  frequency: z.string().optional(),
  last_update: z.string().optional(),
  url: z.string().optional(),
});

export const searchDatasets = defineTool({
  name: "search_datasets",
  title: "Search datasets",
  description:
    "Full-text search of data.gouv.fr's datasets (the Main API's v2 search), with its filters and sorts. Answers one " +
    "page: each dataset's id, title, organization, short description, tags and resource count. Words are ANDed: " +
    "use a few specific words. Next steps: get_dataset for details, list_dataset_resources for its files.",
  input: z.strictObject({
    q: text("Words to search for"),
    organization: text("An organization id"),
    tag: z.array(z.string().min(1)).optional().describe("Tags, all required"),
    format: text('A resource format, e.g. "csv"'),
    format_family: z.enum(["tabular", "machine_readable", "geographical", "documents", "other"]).optional(),
    license: text('A licence id, e.g. "lov2"'),
    geozone: text("A geographic zone id"),
    granularity: text("A spatial granularity id"),
    temporal_coverage: text("YYYY-MM-DD-YYYY-MM-DD"),
    schema: text("A schema name (schema.data.gouv.fr)"),
    topic: text("A topic id"),
    badge: text("A dataset badge kind"),
    organization_badge: text('An organization badge kind, e.g. "public-service"'),
    producer_type: text('e.g. "public-service", "local-authority", "company", "association", "user"'),
    last_update_range: z.enum(["last_30_days", "last_12_months", "last_3_years"]).optional(),
    featured: z.boolean().optional(),
    sort: sorts(["created", "last_update", "reuses", "followers", "views"]).optional(),
    ...paging,
  }),
  output: z.object({ ...pageOutput, datasets: z.array(datasetItem) }),
  async run({ page, page_size, ...filters }, { context, signal }) {
    const listing = context.dg.datasets.search(filters as never, { page, pageSize: page_size, signal });
    const columns = ["id", "title", "organization", "resources", "last_update"];
    const found = await searchAnswer(listing, page_size, datasetSummary, "datasets", columns);
    return { data: { ...found.envelope, datasets: found.items }, text: found.text };
  },
});

function datasetSummary(d: DatasetV2): z.input<typeof datasetItem> {
  return {
    id: d.id,
    title: d.title,
    slug: d.slug,
    organization: d.organization?.name ?? undefined,
    description: shorten(d.description_short || d.description, 300),
    tags: d.tags ?? [],
    resources: typeof d.resources?.total === "number" ? d.resources.total : undefined,
    license: d.license ?? undefined,
    frequency: d.frequency ?? undefined,
    last_update: d.last_update ?? undefined,
    url: d.page ?? undefined,
  };
}

const organizationItem = z.object({
  id: z.string(),
  name: z.string(),
  acronym: z.string().optional(),
  slug: z.string(),
  badges: z.array(z.string()),
  datasets: z.number().optional(),
  followers: z.number().optional(),
  url: z.string().optional(),
});

export const searchOrganizations = defineTool({
  name: "search_organizations",
  title: "Search organizations",
  description:
    "Search the organizations that publish on data.gouv.fr (ministries, agencies, local authorities, companies), " +
    "with the API's filters and sorts. Answers one page: id, name, acronym, badges and dataset count. Pass an id " +
    "to search_datasets(organization=…) to list what it publishes, or to get_organization for details.",
  input: z.strictObject({
    q: text("Words to search for"),
    badge: text('A badge kind, e.g. "public-service", "certified", "local-authority"'),
    name: text("The exact name"),
    business_number_id: text("A SIRET number"),
    sort: sorts(["name", "reuses", "datasets", "followers", "views", "created", "last_modified"]).optional(),
    ...paging,
  }),
  output: z.object({ ...pageOutput, organizations: z.array(organizationItem) }),
  async run({ page, page_size, ...filters }, { context, signal }) {
    const listing = context.dg.organizations.search(filters as never, { page, pageSize: page_size, signal });
    const columns = ["id", "name", "acronym", "datasets"];
    const found = await searchAnswer(listing, page_size, organizationSummary, "organizations", columns);
    return { data: { ...found.envelope, organizations: found.items }, text: found.text };
  },
});

export function organizationSummary(o: Organization): z.input<typeof organizationItem> {
  const metrics = o.metrics ?? {};
  return {
    id: o.id,
    name: o.name,
    acronym: o.acronym ?? undefined,
    slug: o.slug,
    badges: (o.badges ?? []).map((b) => b.kind),
    datasets: typeof metrics.datasets === "number" ? metrics.datasets : undefined,
    followers: typeof metrics.followers === "number" ? metrics.followers : undefined,
    url: o.page ?? undefined,
  };
}

const dataserviceItem = z.object({
  id: z.string(),
  title: z.string(),
  organization: z.string().optional(),
  description: z.string().optional(),
  base_api_url: z.string().optional(),
  machine_documentation_url: z.string().optional().describe("Its OpenAPI document, if it publishes one"),
  tags: z.array(z.string()),
});

export const searchDataservices = defineTool({
  name: "search_dataservices",
  title: "Search dataservices (APIs)",
  description:
    "Search the APIs registered on data.gouv.fr (dataservices: third-party APIs such as the Sirene or address APIs, " +
    "not data.gouv.fr's own), with the API's filters and sort. Answers one page: id, title, organization, base URL " +
    "and whether an OpenAPI document exists. Next: get_dataservice, then get_dataservice_openapi for its endpoints.",
  input: z.strictObject({
    q: text("Words to search for"),
    organization: text("An organization id"),
    tag: z.array(z.string().min(1)).optional().describe("Tags, all required"),
    featured: z.boolean().optional(),
    // udata's DataserviceSearch sorts
    sort: sorts(["created", "views", "followers"]).optional(),
    ...paging,
  }),
  output: z.object({ ...pageOutput, dataservices: z.array(dataserviceItem) }),
  async run({ page, page_size, ...filters }, { context, signal }) {
    const listing = context.dg.dataservices.search(filters as never, { page, pageSize: page_size, signal });
    const columns = ["id", "title", "organization", "base_api_url"];
    const found = await searchAnswer(listing, page_size, dataserviceSummary, "dataservices", columns);
    return { data: { ...found.envelope, dataservices: found.items }, text: found.text };
  },
});

function dataserviceSummary(d: Dataservice): z.input<typeof dataserviceItem> {
  return {
    id: d.id,
    title: d.title,
    organization: d.organization?.name ?? undefined,
    description: shorten(d.description, 300),
    base_api_url: d.base_api_url ?? undefined,
    machine_documentation_url: d.machine_documentation_url ?? undefined,
    tags: d.tags ?? [],
  };
}

export const SEARCH_TOOLS = [searchDatasets, searchOrganizations, searchDataservices];
