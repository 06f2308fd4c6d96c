import type { HttpClient, HttpResponse } from "../http/client.ts";
import { Listing, suggestions, type ListOptions } from "./listing.ts";
import type { Post, SiteInfo, SpatialLevel, Topic, Zone } from "./models.ts";
import { anyObject, parsePost, parseSite, parseTopic } from "./parse.ts";
import { RouteMethods } from "./routes/invoke.ts";
import { SITE_ROUTES, SPATIAL_ROUTES } from "./routes/platform.ts";
import { POST_ROUTES } from "./routes/community.ts";

/** The site-wide catalog exports (udata's CSV adapters: `;`-separated, quoted). */
export const CATALOG_EXPORTS = ["datasets", "resources", "organizations", "reuses", "dataservices"] as const;
export type CatalogExport = (typeof CATALOG_EXPORTS)[number];

export class Site extends RouteMethods(SITE_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  /** `GET /api/1/site/`: the site's id, title and platform-wide metrics. */
  async get(): Promise<SiteInfo> {
    return parseSite(await this.#http.json("main", "api/1/site/"));
  }

  /** A catalog export as a byte stream (the response, once headers have arrived). */
  export(kind: CatalogExport, signal?: AbortSignal): Promise<HttpResponse> {
    if (!(CATALOG_EXPORTS as readonly string[]).includes(kind)) {
      throw new TypeError(`unknown catalog export ${JSON.stringify(kind)}: use one of ${CATALOG_EXPORTS.join(", ")}`);
    }
    return this.#http.stream("main", `api/1/site/${kind}.csv`, { signal, headers: { accept: "text/csv" } });
  }
}

export class Topics {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  async get(idOrSlug: string): Promise<Topic> {
    return parseTopic(await this.#http.json("main", `api/2/topics/${encodeURIComponent(idOrSlug)}/`));
  }

  /** Every public topic (`GET /api/2/topics/`, udata's TopicsAPI), newest first; by tag, organization or text. */
  list(
    filters: { q?: string; tag?: string | string[]; organization?: string; sort?: string } = {},
    options: ListOptions = {},
  ): Listing<Topic> {
    return new Listing(this.#http, "api/2/topics/", { ...filters }, options, parseTopic);
  }

  search(
    filters: { q?: string | undefined; tag?: string | string[] | undefined; sort?: string | undefined } = {},
    options: ListOptions = {},
  ): Listing<Topic> {
    return new Listing(this.#http, "api/2/topics/search/", { ...filters }, options, parseTopic, true);
  }

  /** What a topic gathers (datasets, reuses, dataservices), paged. */
  elements(
    idOrSlug: string,
    filters: { class?: string | undefined; q?: string | undefined } = {},
    options: ListOptions = {},
  ): Listing<Record<string, unknown>> {
    return new Listing(
      this.#http,
      `api/2/topics/${encodeURIComponent(idOrSlug)}/elements/`,
      { ...filters },
      options,
      (value, where) => anyObject<Record<string, unknown>>(value, where),
    );
  }
}

export class Posts extends RouteMethods(POST_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  list(filters: { sort?: string | undefined } = {}, options: ListOptions = {}): Listing<Post> {
    return new Listing(this.#http, "api/1/posts/", { ...filters }, options, parsePost);
  }

  async get(idOrSlug: string): Promise<Post> {
    return parsePost(await this.#http.json("main", `api/1/posts/${encodeURIComponent(idOrSlug)}/`));
  }
}

export class Spatial extends RouteMethods(SPATIAL_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  /** One zone (or several, comma-separated ids) as GeoJSON features. */
  zones(ids: string | string[]): Promise<{ type: string; features: Zone[]; [key: string]: unknown }> {
    const list = Array.isArray(ids) ? ids.join(",") : ids;
    return this.#http.json("main", `api/1/spatial/zones/${encodeURIComponent(list)}/`);
  }

  suggestZones(q: string, size = 10): Promise<Record<string, unknown>[]> {
    return suggestions(this.#http, "api/1/spatial/zones/suggest/", q, size);
  }

  levels(): Promise<SpatialLevel[]> {
    return this.#http.json<SpatialLevel[]>("main", "api/1/spatial/levels/");
  }

  granularities(): Promise<SpatialLevel[]> {
    return this.#http.json<SpatialLevel[]>("main", "api/1/spatial/granularities/");
  }
}

export class Tags {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  suggest(q: string, size = 10): Promise<Record<string, unknown>[]> {
    return suggestions(this.#http, "api/1/tags/suggest/", q, size);
  }
}
