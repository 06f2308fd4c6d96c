import { SANDBOX_ORIGIN, orgRef, userRef, type Doc, type Kind } from "../main/seed.ts";
import { de, PUBLISHERS, placeNames, slugify, THEMES, type PublisherKind, type Theme } from "./names.ts";
import { flat, Random } from "./random.ts";
import * as shape from "./shape.ts";
import type { CatalogCounts } from "./shape.ts";

/**
 * A synthetic catalog in the Main API's stored shapes (those of the seed: udata's fixture objects), deterministic
 * for given counts: organizations sized by a long tail whose head is the largest organization, datasets with their
 * resources, tags, licences, frequencies, dates and udata's quality criteria, reuses and dataservices pointing at them.
 */

export interface SyntheticCatalog {
  docs: { kind: Kind; id: string; doc: Doc }[];
}

/**
 * Parts every resource would otherwise repeat, shared: at 380,000 resources each copy costs tens of megabytes. Frozen,
 * so that a write replacing them (as the write routes do) is the only way to change them.
 */
const NO_EXTRAS = Object.freeze({});
const NO_SCHEMA = Object.freeze({ name: null, url: null, version: null });
const NO_VIEWS = Object.freeze({ views: 0 });

const DAY = 86_400_000;
const iso = (time: number) => new Date(time).toISOString().replace("Z", "+00:00");

/** ObjectIds as MongoDB makes them: the creation second, then a counter unique to this catalog. */
function objectId(time: number, kind: number, index: number): string {
  const seconds = Math.floor(time / 1000)
    .toString(16)
    .padStart(8, "0");
  return `${seconds}5d${kind.toString(16).padStart(2, "0")}${index.toString(16).padStart(12, "0")}`;
}

/**
 * Organization sizes: a power law `largest × rank^-a`, its exponent found so that the sizes add up to the datasets
 * organizations publish, then the rounding remainder spread over the tail.
 */
export function organizationSizes(organizations: number, datasets: number, largest: number): number[] {
  const sizes = (a: number) => Array.from({ length: organizations }, (_, k) => Math.round(largest * (k + 1) ** -a));
  const total = (a: number) => sizes(a).reduce((n, s) => n + s, 0);
  let [low, high] = [0.01, 4];
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (total(mid) > datasets) low = mid;
    else high = mid;
  }
  const result = sizes(high);
  let left = datasets - result.reduce((n, s) => n + s, 0);
  for (let k = organizations - 1; left !== 0; k = k > 1 ? k - 1 : organizations - 1) {
    if (left > 0) (result[k]++, left--);
    else if (result[k] > 0 && k > 0) (result[k]--, left++);
  }
  return result;
}

/** Resources per dataset: the fixture's long tail at the platform's mean, then made to add up exactly. */
function resourceCounts(random: Random, datasets: number, resources: number): number[] {
  const fixtureMean = shape.RESOURCES_PER_DATASET.reduce((n, c) => n + c, 0) / shape.RESOURCES_PER_DATASET.length;
  const factor = resources / datasets / fixtureMean;
  const counts = Array.from({ length: datasets }, () =>
    random.next() < 0.02
      ? 0
      : Math.max(1, Math.round(random.pick(shape.RESOURCES_PER_DATASET) * factor * (0.5 + random.next()))),
  );
  let left = resources - counts.reduce((n, c) => n + c, 0);
  while (left !== 0) {
    const i = random.int(datasets);
    if (left > 0) (counts[i]++, left--);
    else if (counts[i] > 1) (counts[i]--, left++);
  }
  return counts;
}

export function generateCatalog(counts: CatalogCounts, seed = "datagouv-kit synthetic catalog"): SyntheticCatalog {
  const random = new Random(seed);
  const places = placeNames();
  const docs: SyntheticCatalog["docs"] = [];
  const slugs = new Set<string>();
  const unique = (text: string) => {
    const base = slugify(text).slice(0, 90) || "jeu-de-donnees";
    let slug = base;
    for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
    slugs.add(slug);
    return slug;
  };
  const dateBetween = (from: number, to: number, skew = 1) => from + (to - from) * random.next() ** skew;

  const organizations: { doc: Doc; place: string; ref: Doc }[] = [];
  const publisherWeights = Object.fromEntries(Object.entries(PUBLISHERS).map(([k, p]) => [k, p.weight])) as Record<
    PublisherKind,
    number
  >;
  const usedPlaces = { departement: 0, region: 0 };
  for (let i = 0; i < counts.organizations; i++) {
    let kind = random.weighted(publisherWeights);
    if (kind === "departement" && usedPlaces.departement >= places.departements.length) kind = "commune";
    if (kind === "region" && usedPlaces.region >= places.regions.length) kind = "commune";
    const place =
      kind === "departement"
        ? places.departements[usedPlaces.departement++].nom
        : kind === "region"
          ? places.regions[usedPlaces.region++].nom
          : kind === "epci"
            ? random.pick(places.epci).nom
            : random.pick(places.communes).nom;
    const publisher = PUBLISHERS[kind];
    const name = publisher.name(place, random);
    const created = dateBetween(shape.OPENED, shape.NOW, 0.8);
    const slug = unique(name);
    const badges = [
      ...publisher.badges,
      ...(random.next() < shape.BADGE_SHARES.certified * 0.4 ? ["certified"] : []),
    ].map((k) => ({ kind: k }));
    const doc: Doc = {
      id: objectId(created, 1, i),
      name,
      acronym: null,
      slug,
      description:
        `${name} publie ses données ouvertes sur data.gouv.fr : ${random.pick(THEMES).title.toLowerCase()}, ` +
        `${random.pick(THEMES).title.toLowerCase()} et d'autres jeux de données sur son territoire.`,
      badges,
      business_number_id: kind === "association" ? null : String(200_000_000 + random.int(699_999_999)).padEnd(14, "0"),
      created_at: iso(created),
      last_modified: iso(dateBetween(created, shape.NOW, 0.5)),
      deleted: null,
      extras: {},
      logo: null,
      logo_thumbnail: null,
      members: [],
      metrics: {
        datasets: 0,
        reuses: 0,
        dataservices: 0,
        followers: random.int(40),
        members: 1 + random.int(6),
        views: 0,
      },
      url: null,
      page: `https://www.data.gouv.fr/organizations/${slug}/`,
      uri: `${SANDBOX_ORIGIN}/api/1/organizations/${slug}/`,
    };
    organizations.push({ doc, place, ref: Object.freeze(orgRef(doc)) });
    docs.push({ kind: "organizations", id: doc.id, doc });
  }

  const users: { doc: Doc; ref: Doc }[] = [];
  const userCount = Math.max(5, Math.round(counts.datasets * shape.USER_DATASETS * 0.2));
  for (let i = 0; i < userCount; i++) {
    const [first, last] = [random.pick(FIRST_NAMES), random.pick(LAST_NAMES)];
    const slug = `${slugify(`${first} ${last}`)}-${i}`;
    const doc: Doc = {
      id: objectId(dateBetween(shape.OPENED, shape.NOW), 2, i),
      first_name: first,
      last_name: last,
      slug,
      avatar: null,
      avatar_thumbnail: null,
      about: null,
      page: `https://www.data.gouv.fr/users/${slug}/`,
      uri: `${SANDBOX_ORIGIN}/api/1/users/${slug}/`,
    };
    users.push({ doc, ref: Object.freeze(userRef(doc)) });
    docs.push({ kind: "users", id: doc.id, doc });
  }

  const userDatasets = Math.round(counts.datasets * shape.USER_DATASETS);
  const sizes = organizationSizes(counts.organizations, counts.datasets - userDatasets, counts.largestOrganization);
  const publishers: (number | null)[] = sizes.flatMap((size, org) => Array<number>(size).fill(org));
  while (publishers.length < counts.datasets) publishers.push(null);
  const perDataset = resourceCounts(random, counts.datasets, counts.resources);
  const datasets: Doc[] = [];
  for (let i = 0; i < counts.datasets; i++) {
    const org = publishers[i] === null ? undefined : organizations[publishers[i]!];
    const owner = org ? null : random.pick(users);
    const dataset = generateDataset(random, {
      index: i,
      theme: random.pick(THEMES),
      place: org?.place ?? random.pick(places.communes).nom,
      organization: org,
      owner,
      resources: perDataset[i],
      unique,
      dateBetween,
    });
    if (org) org.doc.metrics.datasets++;
    datasets.push(dataset);
    docs.push({ kind: "datasets", id: dataset.id, doc: dataset });
  }

  for (let i = 0; i < counts.reuses; i++) {
    const reuse = generateReuse(random, i, datasets, organizations, users, unique, dateBetween);
    docs.push({ kind: "reuses", id: reuse.id, doc: reuse });
  }
  for (let i = 0; i < counts.dataservices; i++) {
    const service = generateDataservice(random, i, datasets, organizations, unique, dateBetween);
    docs.push({ kind: "dataservices", id: service.id, doc: service });
  }
  return { docs };
}

interface DatasetPlan {
  index: number;
  theme: Theme;
  place: string;
  organization: { doc: Doc; ref: Doc } | undefined;
  owner: { doc: Doc; ref: Doc } | null;
  resources: number;
  unique: (text: string) => string;
  dateBetween: (from: number, to: number, skew?: number) => number;
}

/** How recently a dataset of each frequency was last touched: a daily one days ago, an annual one within the year. */
const STALENESS: Partial<Record<string, number>> = {
  continuous: 2,
  hourly: 2,
  daily: 3,
  weekly: 10,
  monthly: 40,
  quarterly: 100,
  semiannual: 200,
  annual: 400,
  biennial: 800,
};

function generateDataset(random: Random, plan: DatasetPlan): Doc {
  const { theme, place } = plan;
  const year = 2014 + random.int(13);
  const title =
    random.next() < 0.4 ? flat(theme.title, " ", de(place), " en ", String(year)) : flat(theme.title, " – ", place);
  const slug = plan.unique(title);
  const created = plan.dateBetween(shape.OPENED, shape.NOW, 0.8);
  const frequency = random.weighted(shape.FREQUENCIES);
  const license = random.weighted(shape.LICENSES);
  const staleness = STALENESS[frequency];
  const modified =
    staleness === undefined
      ? plan.dateBetween(created, shape.NOW, 2)
      : Math.max(created, shape.NOW - random.next() * staleness * 1.3 * DAY);
  const fulfilled = staleness !== undefined && shape.NOW - modified <= staleness * DAY;
  const described = random.next() < 0.75;
  const publisher = plan.organization?.doc.name ?? flat(plan.owner!.doc.first_name, " ", plan.owner!.doc.last_name);
  const description = described
    ? flat(
        theme.title,
        " ",
        de(place),
        ", publiés par ",
        publisher,
        ".\n\nLe jeu de données rassemble les informations disponibles depuis ",
        String(year),
        ". Chaque fichier décrit ses colonnes ; la documentation précise les sources et les définitions.",
      )
    : flat(theme.title, ".");
  const resources = Array.from({ length: plan.resources }, (_, k) =>
    generateResource(random, theme, slug, k, created, modified),
  );
  const coverage =
    random.next() < 0.4 ? { start: `${year}-01-01`, end: random.next() < 0.3 ? null : `${year}-12-31` } : null;
  const granularity =
    random.next() < 0.6 ? random.pick(["fr:commune", "fr:departement", "fr:region", "country", "poi"]) : null;
  const quality = {
    all_resources_available: random.next() < 0.9,
    dataset_description_quality: described,
    has_open_format: resources.some((r) => shape.OPEN_FORMATS.has(r.format)),
    has_resources: resources.length > 0,
    license: license !== "notspecified",
    resources_documentation: resources.some((r) => r.type === "documentation"),
    spatial: granularity !== null,
    temporal_coverage: coverage !== null,
    update_frequency: frequency !== "unknown",
    update_fulfilled_in_time: fulfilled,
  };
  // udata's score: the share of criteria met, having resources aside (the fixture's 0.67 is six of nine)
  const { has_resources: _, ...criteria } = quality;
  const met = Object.values(criteria).filter(Boolean).length;
  const tags = random.sample([...theme.tags, ...random.sample(EXTRA_TAGS, 3)], 1 + random.int(5));
  return {
    id: objectId(created, 3, plan.index),
    title,
    acronym: null,
    slug,
    description,
    description_short: description.slice(0, 200),
    created_at: iso(created),
    last_modified: iso(modified),
    last_update: iso(modified),
    deleted: null,
    archived: null,
    featured: false,
    private: false,
    tags,
    badges: random.next() < 0.01 ? [{ kind: "hvd" }] : [],
    frequency,
    frequency_date: null,
    extras: {},
    harvest: null,
    metrics: { discussions: random.int(3), followers: random.int(12), reuses: 0, views: 0, resources_downloads: null },
    organization: plan.organization?.ref ?? null,
    owner: plan.owner?.ref ?? null,
    temporal_coverage: coverage,
    spatial: granularity ? { geom: null, granularity, zones: [] } : null,
    license,
    access_type: "open",
    quality: { ...quality, score: met / 9 },
    schema: null,
    community_resources: [],
    internal: { created_at_internal: iso(created), last_modified_internal: iso(modified) },
    page: flat("https://www.data.gouv.fr/datasets/", slug, "/"),
    uri: flat(SANDBOX_ORIGIN, "/api/1/datasets/", slug, "/"),
    resources,
  };
}

const EXTENSIONS: Record<string, string> = { "page web": "html", www: "html", shapefile: "zip", gtfs: "zip" };

function generateResource(
  random: Random,
  theme: Theme,
  datasetSlug: string,
  position: number,
  created: number,
  modified: number,
): Doc {
  const type = position === 0 ? "main" : random.weighted(shape.RESOURCE_TYPES);
  const format =
    type === "documentation"
      ? random.pick(["pdf", "pdf", "html", "docx"])
      : random.next() < 0.7
        ? theme.formats[position % theme.formats.length]
        : random.weighted(shape.FORMATS);
  const filetype = format === "www" || format === "page web" ? "remote" : random.weighted(shape.FILETYPES);
  const at = Math.min(modified, created + random.next() * (modified - created + DAY));
  const stamp = iso(at);
  const digits = stamp.replace(/\D/g, "");
  const name = type === "documentation" ? "documentation" : flat(datasetSlug.slice(0, 40), "-", String(position + 1));
  const extension = EXTENSIONS[format] ?? format;
  const id = random.uuid();
  const file = filetype === "file";
  return {
    id,
    title: type === "documentation" ? "Documentation" : flat(name, ".", extension),
    description: random.next() < 0.3 ? flat(theme.title, " : fichier ", String(position + 1), ".") : null,
    filetype,
    type,
    format,
    mime: shape.MIME_TYPES[format] ?? null,
    url: file
      ? flat(
          "https://static.data.gouv.fr/resources/",
          datasetSlug,
          "/",
          digits.slice(0, 8),
          "-",
          digits.slice(8, 14),
          "/",
          name,
          ".",
          extension,
        )
      : flat("https://donnees.", datasetSlug.slice(0, 24), ".fr/", name, ".", extension),
    latest: flat(SANDBOX_ORIGIN, "/api/1/datasets/r/", id),
    checksum: file ? { type: "sha1", value: random.hex(40) } : null,
    // the fixture's sizes: a few hundred bytes to a gigabyte, most between 10 kB and 10 MB
    filesize: file ? Math.round(200 * 10 ** (random.next() * 6.5)) : null,
    created_at: stamp,
    last_modified: stamp,
    metrics: NO_VIEWS,
    harvest: null,
    extras: NO_EXTRAS,
    preview_url: null,
    schema: NO_SCHEMA,
    internal: { created_at_internal: stamp, last_modified_internal: stamp },
  };
}

function generateReuse(
  random: Random,
  index: number,
  datasets: Doc[],
  organizations: { doc: Doc; ref: Doc }[],
  users: { ref: Doc }[],
  unique: (text: string) => string,
  dateBetween: (from: number, to: number, skew?: number) => number,
): Doc {
  // a few datasets gather most reuses: pick toward the start of a shuffled-by-construction list
  const used = [
    ...new Set(
      Array.from({ length: 1 + random.int(3) }, () => datasets[Math.floor(datasets.length * random.next() ** 3)]),
    ),
  ];
  for (const d of used) d.metrics.reuses++;
  const type = random.weighted(shape.REUSE_TYPES);
  const title = `${REUSE_WORDS[type]} : ${used[0].title}`.slice(0, 120);
  const slug = unique(title);
  const created = dateBetween(Math.max(...used.map((d) => Date.parse(d.created_at))), shape.NOW);
  const organization = random.next() < 0.6 ? random.pick(organizations) : undefined;
  if (organization) organization.doc.metrics.reuses++;
  return {
    id: objectId(created, 4, index),
    title,
    slug,
    description:
      `${REUSE_WORDS[type]} construite à partir de ` +
      `${used.length === 1 ? "un jeu de données" : `${used.length} jeux de données`} publiés sur data.gouv.fr.`,
    type,
    topic: random.weighted(shape.REUSE_TOPICS),
    url: `https://reutilisations.example.org/${slug}`,
    image: null,
    image_thumbnail: null,
    tags: random.sample(
      used.flatMap((d) => d.tags as string[]),
      3,
    ),
    private: false,
    featured: false,
    badges: [],
    extras: {},
    metrics: { datasets: used.length, discussions: 0, followers: random.int(10), views: 0 },
    organization: organization?.ref ?? null,
    owner: organization ? null : random.pick(users).ref,
    created_at: iso(created),
    last_modified: iso(dateBetween(created, shape.NOW, 2)),
    deleted: null,
    archived: null,
    datasets: used.map((d) => d.id),
    page: `https://www.data.gouv.fr/reuses/${slug}/`,
    uri: `${SANDBOX_ORIGIN}/api/1/reuses/${slug}/`,
  };
}

function generateDataservice(
  random: Random,
  index: number,
  datasets: Doc[],
  organizations: { doc: Doc; ref: Doc }[],
  unique: (text: string) => string,
  dateBetween: (from: number, to: number, skew?: number) => number,
): Doc {
  const organization = random.pick(organizations);
  organization.doc.metrics.dataservices++;
  const served = random.sample(datasets, 1 + random.int(2));
  const title = `API ${served[0].title}`.slice(0, 100);
  const slug = unique(title);
  const created = dateBetween(Date.UTC(2019, 0, 1), shape.NOW);
  const id = objectId(created, 5, index);
  return {
    id,
    title,
    acronym: null,
    slug,
    description: `Une API qui sert ${served.map((d) => d.title).join(" et ")}.`,
    base_api_url: `https://api.${slug.slice(0, 30)}.example.org/v1/`,
    machine_documentation_url: `${SANDBOX_ORIGIN}/sandbox/openapi/${id}.json`,
    technical_documentation_url: null,
    business_documentation_url: null,
    authorization_request_url: null,
    availability: 99 + random.int(10) / 10,
    access_type: "open",
    format: "REST",
    license: random.weighted(shape.LICENSES),
    private: false,
    tags: random.sample(
      served.flatMap((d) => d.tags as string[]),
      2,
    ),
    extras: {},
    harvest: null,
    contact_points: [],
    rate_limiting: null,
    metrics: { discussions: 0, followers: random.int(8), views: 0 },
    organization: organization.ref,
    created_at: iso(created),
    metadata_modified_at: iso(dateBetween(created, shape.NOW, 2)),
    archived_at: null,
    deleted_at: null,
    datasets: {
      rel: "subsection",
      href: `${SANDBOX_ORIGIN}/api/1/datasets/?dataservice=${id}`,
      type: "GET",
      total: served.length,
    },
    dataset_ids: served.map((d) => d.id),
    self_web_url: `https://www.data.gouv.fr/dataservices/${slug}/`,
  };
}

const REUSE_WORDS: Record<string, string> = {
  application: "Application",
  visualization: "Visualisation",
  news_article: "Article",
  paper: "Étude",
  api: "API",
  post: "Billet",
};

const FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alex", "Sacha", "Lou", "Morgan", "Jordan", "Charlie", "Eden"];
const LAST_NAMES = [
  "Martin",
  "Bernard",
  "Thomas",
  "Petit",
  "Robert",
  "Richard",
  "Durand",
  "Dubois",
  "Moreau",
  "Laurent",
];
const EXTRA_TAGS = ["open-data", "territoires", "services-publics", "economie", "environnement", "mobilite", "culture"];
