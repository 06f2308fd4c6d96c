import type {
  Dataservice,
  Dataset,
  DatasetV2,
  Discussion,
  Organization,
  Page,
  Post,
  Resource,
  ResourceWithDataset,
  Reuse,
  SiteInfo,
  Topic,
  User,
} from "./models.ts";

/**
 * Light checks of what the toolkit relies on. A payload that does not fit is reported with the field's path; a payload
 * that fits is returned as it is, every unknown field kept.
 */
type Kind = "string" | "number" | "boolean" | "object" | "array";
type Shape = Record<string, Kind | `${Kind}?` | `${Kind}|null?`>;

export class PayloadError extends TypeError {
  override readonly name = "PayloadError";
}

function kindOf(value: unknown): Kind | "null" | "undefined" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as Kind | "undefined";
}

function check<T>(value: unknown, where: string, shape: Shape): T {
  if (kindOf(value) !== "object") throw new PayloadError(`${where}: expected an object, got ${kindOf(value)}`);
  const record = value as Record<string, unknown>;
  for (const [field, rule] of Object.entries(shape)) {
    const optional = rule.endsWith("?");
    const [kind, nullable] = rule.replace("?", "").split("|") as [Kind, string | undefined];
    const actual = kindOf(record[field]);
    if (actual === "undefined" && optional) continue;
    if (actual === "null" && nullable === "null") continue;
    if (actual !== kind)
      throw new PayloadError(`${where}.${field}: expected ${kind}${nullable ? " or null" : ""}, got ${actual}`);
  }
  return value as T;
}

export function parseResource(value: unknown, where = "resource"): Resource {
  return check<Resource>(value, where, {
    id: "string",
    title: "string|null?",
    url: "string",
    extras: "object?",
    format: "string|null?",
    filesize: "number|null?",
  });
}

export function parseDataset(value: unknown, where = "dataset"): Dataset {
  const dataset = check<Dataset>(value, where, {
    id: "string",
    title: "string",
    slug: "string",
    tags: "array?",
    resources: "array?",
    organization: "object|null?",
    extras: "object?",
  });
  dataset.resources?.forEach((resource, i) => parseResource(resource, `${where}.resources[${i}]`));
  return dataset;
}

export function parseDatasetV2(value: unknown, where = "dataset"): DatasetV2 {
  const dataset = check<DatasetV2>(value, where, {
    id: "string",
    title: "string",
    slug: "string",
    resources: "object",
  });
  check(dataset.resources, `${where}.resources`, { href: "string", total: "number" });
  return dataset;
}

export function parseResourceWithDataset(value: unknown, where = "resource"): ResourceWithDataset {
  const body = check<ResourceWithDataset>(value, where, { resource: "object", dataset_id: "string|null?" });
  parseResource(body.resource, `${where}.resource`);
  return body;
}

export function parseOrganization(value: unknown, where = "organization"): Organization {
  return check<Organization>(value, where, {
    id: "string",
    name: "string",
    slug: "string",
    members: "array?",
    badges: "array?",
  });
}

export function parseUser(value: unknown, where = "user"): User {
  return check<User>(value, where, { id: "string" });
}

export function parseReuse(value: unknown, where = "reuse"): Reuse {
  return check<Reuse>(value, where, { id: "string", title: "string", slug: "string", datasets: "array?" });
}

export function parseDataservice(value: unknown, where = "dataservice"): Dataservice {
  return check<Dataservice>(value, where, {
    id: "string",
    title: "string",
    machine_documentation_url: "string|null?",
    base_api_url: "string|null?",
  });
}

export function parseDiscussion(value: unknown, where = "discussion"): Discussion {
  const discussion = check<Discussion>(value, where, { id: "string", title: "string", discussion: "array" });
  discussion.discussion.forEach((message, i) => check(message, `${where}.discussion[${i}]`, { content: "string" }));
  return discussion;
}

export function parseTopic(value: unknown, where = "topic"): Topic {
  return check<Topic>(value, where, { id: "string", name: "string" });
}

export function parsePost(value: unknown, where = "post"): Post {
  return check<Post>(value, where, { id: "string", name: "string" });
}

export function parseSite(value: unknown, where = "site"): SiteInfo {
  return check<SiteInfo>(value, where, { id: "string", title: "string", metrics: "object?" });
}

/** The pager envelope, each item checked with `item`. */
export function parsePage<T>(value: unknown, item: (value: unknown, where: string) => T, where = "page"): Page<T> {
  const page = check<Page<T>>(value, where, {
    data: "array",
    page: "number",
    page_size: "number",
    total: "number",
    next_page: "string|null?",
    previous_page: "string|null?",
    facets: "object?",
  });
  page.data.forEach((entry, i) => item(entry, `${where}.data[${i}]`));
  return page;
}

/** For endpoints whose items the toolkit does not inspect. */
export function anyObject<T>(value: unknown, where: string): T {
  return check<T>(value, where, {});
}
