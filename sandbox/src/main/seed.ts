import { readFileSync } from "node:fs";
import { SEED_ORGANIZATIONS, SEED_TABULAR } from "../tabular/datasets.ts";
import type { TabularResourceInfo } from "../types.ts";

/** Where the sandbox's own URLs point in stored documents; replaced by the request's origin when served. */
export const SANDBOX_ORIGIN = "http://sandbox.origin.invalid";

export type Doc = Record<string, any>;
export type Kind =
  | "datasets"
  | "organizations"
  | "reuses"
  | "dataservices"
  | "discussions"
  | "posts"
  | "topics"
  | "users"
  | "site"
  | "follows";

export interface MainSeed {
  docs: { kind: Kind; id: string; doc: Doc }[];
}

const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../seed/main-api/${name}`, import.meta.url), "utf8"));

export function orgRef(org: Doc): Doc {
  const { id, name, acronym, slug, badges, logo, logo_thumbnail, page, uri } = org;
  return {
    id,
    name,
    acronym: acronym ?? null,
    slug,
    class: "Organization",
    badges: badges ?? [],
    logo: logo ?? null,
    logo_thumbnail: logo_thumbnail ?? null,
    page,
    uri: `${SANDBOX_ORIGIN}/api/1/organizations/${slug}/`,
  };
}

export function userRef(user: Doc): Doc {
  const { id, first_name, last_name, slug, avatar, avatar_thumbnail, page } = user;
  return {
    id,
    first_name,
    last_name,
    slug,
    class: "User",
    avatar: avatar ?? null,
    avatar_thumbnail: avatar_thumbnail ?? null,
    page,
    uri: `${SANDBOX_ORIGIN}/api/1/users/${slug}/`,
  };
}

/**
 * The Main API's seed: udata's own fixture (15 real datasets with their organizations, resources, reuses, discussions
 * and dataservices, 20 posts, the site), datagouv_client's recorded objects, and one dataset per sandbox tabular resource.
 */
export function buildMainSeed(tabular: TabularResourceInfo[]): MainSeed {
  const docs = new Map<string, { kind: Kind; id: string; doc: Doc }>();
  const put = (kind: Kind, doc: Doc) => {
    const key = `${kind}/${doc.id}`;
    if (!docs.has(key)) docs.set(key, { kind, id: doc.id, doc });
  };
  const users = (user: Doc | null | undefined) => {
    if (user?.id) put("users", { ...user, uri: `${SANDBOX_ORIGIN}/api/1/users/${user.slug}/` });
  };
  // production's answer for an organization wins over the fixture tool's dump of the same one
  const recordedOrg = fixture("organization_metadata.json");
  put("organizations", recordedOrg);
  const results = fixture("udata_results.json");
  for (const entry of results.datasets) {
    const organization = entry.organization
      ? { ...entry.organization, uri: `${SANDBOX_ORIGIN}/api/1/organizations/${entry.organization.slug}/` }
      : null;
    if (organization) {
      put("organizations", organization);
      for (const member of organization.members ?? []) users(member.user);
    }
    const dataset = entry.dataset;
    const created =
      dataset.created_at ??
      dataset.internal?.created_at_internal ??
      dataset.created_at_internal ??
      "2020-01-01T00:00:00+00:00";
    const modified = dataset.last_modified ?? dataset.last_modified_internal ?? created;
    users(dataset.owner);
    put("datasets", {
      license: "lov2",
      ...dataset,
      created_at: created,
      last_modified: modified,
      last_update: dataset.last_update ?? modified,
      organization: organization ? orgRef(organization) : null,
      resources: entry.resources,
      community_resources: entry.community_resources.map((r: Doc) => ({ ...r, dataset: dataset.id })),
      badges: dataset.badges ?? [],
      private: dataset.private ?? false,
      uri: `${SANDBOX_ORIGIN}/api/1/datasets/${dataset.slug}/`,
    });
    for (const reuse of entry.reuses) put("reuses", { ...reuse, datasets: [dataset.id], owner: reuse.owner ?? null });
    for (const discussion of entry.discussions) {
      for (const message of discussion.discussion) users(message.posted_by);
      put("discussions", { ...discussion, subject: discussion.subject ?? { class: "Dataset", id: dataset.id } });
    }
    for (const dataservice of entry.dataservices) {
      put("dataservices", {
        ...dataservice,
        machine_documentation_url: `${SANDBOX_ORIGIN}/sandbox/openapi/${dataservice.id}.json`,
        datasets: {
          rel: "subsection",
          href: `${SANDBOX_ORIGIN}/api/1/datasets/?dataservice=${dataservice.id}`,
          type: "GET",
          total: 1,
        },
        dataset_ids: [dataset.id],
      });
    }
  }
  for (const post of results.posts) put("posts", post);
  put("site", { ...results.site, id: results.site.id });

  const recorded = fixture("dataset_metadata.json");
  put("datasets", { ...recorded, organization: recorded.organization ?? orgRef(recordedOrg) });
  const topic = fixture("topic_metadata.json");
  put("topics", { ...topic, element_list: fixture("elements_metadata.json").data });

  const organizations = new Map(SEED_ORGANIZATIONS.map((org) => [org.id, org]));
  for (const org of SEED_ORGANIZATIONS) {
    put("organizations", {
      id: org.id,
      name: org.name,
      acronym: org.acronym ?? null,
      slug: org.slug,
      description: org.description,
      badges: org.badges.map((kind) => ({ kind })),
      business_number_id: null,
      created_at: "2014-04-17T18:21:21+00:00",
      last_modified: "2026-01-01T00:00:00+00:00",
      deleted: null,
      extras: {},
      logo: null,
      logo_thumbnail: null,
      members: [],
      metrics: {},
      url: null,
      page: `https://www.data.gouv.fr/organizations/${org.slug}/`,
      uri: `${SANDBOX_ORIGIN}/api/1/organizations/${org.slug}/`,
    });
  }
  for (const info of tabular) {
    const seed = SEED_TABULAR.find((s) => s.resourceId === info.resourceId);
    if (!seed) continue;
    const org = docs.get(`organizations/${seed.organizationId}`)?.doc ?? organizations.get(seed.organizationId);
    put("datasets", tabularDataset(seed, info, org ? orgRef(org) : null));
  }
  return { docs: [...docs.values()] };
}

function tabularDataset(seed: (typeof SEED_TABULAR)[number], info: TabularResourceInfo, organization: Doc | null): Doc {
  const now = info.createdAt;
  return {
    id: seed.datasetId,
    title: seed.title,
    acronym: null,
    slug: seed.slug,
    description: seed.description,
    description_short: seed.description,
    created_at: "2020-01-01T00:00:00+00:00",
    last_modified: now,
    last_update: now,
    deleted: null,
    archived: null,
    featured: false,
    private: false,
    tags: seed.tags,
    badges: [],
    frequency: seed.frequency,
    frequency_date: null,
    extras: {},
    harvest: null,
    metrics: { discussions: 0, followers: 0, reuses: 0, views: 0, resources_downloads: null },
    organization,
    owner: null,
    temporal_coverage: null,
    spatial: { geom: null, granularity: "fr:commune", zones: ["country:fr"] },
    license: seed.license,
    access_type: "open",
    schema: null,
    community_resources: [],
    page: `https://www.data.gouv.fr/datasets/${seed.slug}/`,
    uri: `${SANDBOX_ORIGIN}/api/1/datasets/${seed.slug}/`,
    resources: [tabularResource(info)],
  };
}

/** A resource the Tabular API serves, with the hydra extras that say so. */
export function tabularResource(info: TabularResourceInfo, title = info.title): Doc {
  return {
    id: info.resourceId,
    title,
    description: null,
    filetype: "file",
    type: "main",
    format: info.format,
    mime: "text/csv",
    url: `${SANDBOX_ORIGIN}/sandbox/files/${info.resourceId}.csv`,
    latest: `${SANDBOX_ORIGIN}/api/1/datasets/r/${info.resourceId}`,
    checksum: null,
    filesize: info.filesize,
    created_at: info.createdAt,
    last_modified: info.createdAt,
    metrics: { views: 0 },
    harvest: null,
    extras: {
      "analysis:parsing:parsing_table": info.table,
      "analysis:parsing:started_at": info.createdAt,
      "analysis:parsing:finished_at": info.createdAt,
      "analysis:checksum": null,
      "analysis:content-length": info.filesize,
      "analysis:mime-type": "text/csv",
      "check:available": true,
      "check:status": 200,
    },
    preview_url: `https://explore.data.gouv.fr/fr/resources/${info.resourceId}`,
    schema: null,
    internal: { created_at_internal: info.createdAt, last_modified_internal: info.createdAt },
  };
}
