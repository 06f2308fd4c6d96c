import type { HttpClient } from "../http/client.ts";
import { maskHeaders, type GetOptions } from "./datasets.ts";
import { follow } from "./follow.ts";
import { Listing, suggestions, type ListOptions } from "./listing.ts";
import type { Dataset, Organization, Reuse, User } from "./models.ts";
import { parseDataset, parseOrganization, parseReuse, parseUser } from "./parse.ts";
import { RouteMethods } from "./routes/invoke.ts";
import { ORGANIZATION_ROUTES } from "./routes/organizations.ts";
import { USER_ROUTES } from "./routes/people.ts";

export interface OrganizationFilters {
  q?: string | undefined;
  badge?: string | undefined;
  name?: string | undefined;
  business_number_id?: string | undefined;
  sort?:
    `${"" | "-"}${"name" | "reuses" | "datasets" | "followers" | "views" | "created" | "last_modified"}` | undefined;
}

export class Organizations extends RouteMethods(ORGANIZATION_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  list(filters: OrganizationFilters = {}, options: ListOptions = {}): Listing<Organization> {
    return new Listing(this.#http, "api/1/organizations/", { ...filters }, options, parseOrganization);
  }

  search(filters: OrganizationFilters = {}, options: ListOptions = {}): Listing<Organization> {
    return new Listing(this.#http, "api/2/organizations/search/", { ...filters }, options, parseOrganization, true);
  }

  async get(idOrSlug: string, options: GetOptions = {}): Promise<Organization> {
    const body = await this.#http.json("main", `api/1/organizations/${encodeURIComponent(idOrSlug)}/`, {
      headers: maskHeaders(options),
      signal: options.signal,
    });
    return options.fields ? (body as Organization) : parseOrganization(body);
  }

  follow(idOrSlug: string): Promise<number> {
    return follow(this.#http, "organizations", idOrSlug, true);
  }

  unfollow(idOrSlug: string): Promise<number> {
    return follow(this.#http, "organizations", idOrSlug, false);
  }

  /** Its public datasets (`GET /api/1/organizations/{org}/datasets/`); with `{ auth: true }`, its drafts too for its members. */
  datasets(
    idOrSlug: string,
    filters: { sort?: string | undefined; q?: string | undefined } = {},
    options: ListOptions = {},
  ): Listing<Dataset> {
    return new Listing(
      this.#http,
      `api/1/organizations/${encodeURIComponent(idOrSlug)}/datasets/`,
      { ...filters },
      options,
      parseDataset,
    );
  }

  /** Its reuses (a plain list in udata, not paged). */
  async reuses(idOrSlug: string): Promise<Reuse[]> {
    const body = await this.#http.json<unknown[]>(
      "main",
      `api/1/organizations/${encodeURIComponent(idOrSlug)}/reuses/`,
    );
    return body.map((reuse, i) => parseReuse(reuse, `reuses[${i}]`));
  }

  suggest(q: string, size = 10): Promise<Record<string, unknown>[]> {
    return suggestions(this.#http, "api/1/organizations/suggest/", q, size);
  }
}

export class Users extends RouteMethods(USER_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  async get(idOrSlug: string, options: GetOptions = {}): Promise<User> {
    return parseUser(
      await this.#http.json("main", `api/1/users/${encodeURIComponent(idOrSlug)}/`, {
        headers: maskHeaders(options),
        signal: options.signal,
      }),
    );
  }

  /** The account the API key belongs to. */
  async me(): Promise<User> {
    return parseUser(await this.#http.json("main", "api/1/me/", { auth: true }));
  }

  suggest(q: string, size = 10): Promise<Record<string, unknown>[]> {
    return suggestions(this.#http, "api/1/users/suggest/", q, size);
  }
}
