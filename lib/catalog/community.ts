import { parse as parseYaml } from "yaml";
import type { HttpClient } from "../http/client.ts";
import { maskHeaders, type GetOptions } from "./datasets.ts";
import { follow } from "./follow.ts";
import type { DiscussionInput, ReuseInput, WriteOptions } from "./inputs.ts";
import { Listing, type ListOptions } from "./listing.ts";
import type { Dataservice, Discussion, Reuse } from "./models.ts";
import { parseDataservice, parseDiscussion, parseReuse } from "./parse.ts";
import { RouteMethods } from "./routes/invoke.ts";
import { DATASERVICE_ROUTES, DISCUSSION_ROUTES, REUSE_ROUTES } from "./routes/community.ts";

export interface ReuseFilters {
  q?: string | undefined;
  dataset?: string | undefined;
  organization?: string | undefined;
  owner?: string | undefined;
  tag?: string | string[] | undefined;
  type?: string | undefined;
  topic?: string | undefined;
  featured?: boolean | undefined;
  sort?: `${"" | "-"}${"title" | "created" | "last_update" | "datasets" | "followers" | "views"}` | undefined;
}

export class Reuses extends RouteMethods(REUSE_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  list(filters: ReuseFilters = {}, options: ListOptions = {}): Listing<Reuse> {
    return new Listing(this.#http, "api/1/reuses/", { ...filters }, options, parseReuse);
  }

  search(filters: ReuseFilters = {}, options: ListOptions = {}): Listing<Reuse> {
    return new Listing(this.#http, "api/2/reuses/search/", { ...filters }, options, parseReuse, true);
  }

  async get(idOrSlug: string, options: GetOptions = {}): Promise<Reuse> {
    return parseReuse(
      await this.#http.json("main", `api/1/reuses/${encodeURIComponent(idOrSlug)}/`, {
        headers: maskHeaders(options),
        signal: options.signal,
        auth: options.auth,
      }),
    );
  }

  /** Publishes a reuse: title, description, url, type and topic are required; `datasets` links dataset ids. */
  async create(input: ReuseInput, options: WriteOptions = {}): Promise<Reuse> {
    return parseReuse(
      await this.#http.json("main", "api/1/reuses/", {
        method: "POST",
        json: input,
        auth: true,
        signal: options.signal,
      }),
    );
  }

  async update(idOrSlug: string, patch: ReuseInput, options: WriteOptions = {}): Promise<Reuse> {
    return parseReuse(
      await this.#http.json("main", `api/1/reuses/${encodeURIComponent(idOrSlug)}/`, {
        method: "PUT",
        json: patch,
        auth: true,
        idempotent: true,
        signal: options.signal,
      }),
    );
  }

  async delete(idOrSlug: string, options: WriteOptions = {}): Promise<void> {
    await this.#http.json("main", `api/1/reuses/${encodeURIComponent(idOrSlug)}/`, {
      method: "DELETE",
      auth: true,
      signal: options.signal,
    });
  }

  /** Links one more dataset to the reuse (linking it again changes nothing, so the request may be replayed). */
  async addDataset(reuseIdOrSlug: string, datasetId: string, options: WriteOptions = {}): Promise<Reuse> {
    const path = `api/1/reuses/${encodeURIComponent(reuseIdOrSlug)}/datasets/`;
    return parseReuse(
      await this.#http.json("main", path, {
        method: "POST",
        json: { id: datasetId, class: "Dataset" },
        auth: true,
        idempotent: true,
        signal: options.signal,
      }),
    );
  }

  follow(idOrSlug: string): Promise<number> {
    return follow(this.#http, "reuses", idOrSlug, true);
  }

  unfollow(idOrSlug: string): Promise<number> {
    return follow(this.#http, "reuses", idOrSlug, false);
  }
}

export interface DataserviceFilters {
  q?: string | undefined;
  organization?: string | undefined;
  owner?: string | undefined;
  tag?: string | string[] | undefined;
  dataset?: string | undefined;
  sort?: string | undefined;
}

export class Dataservices extends RouteMethods(DATASERVICE_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  list(filters: DataserviceFilters = {}, options: ListOptions = {}): Listing<Dataservice> {
    return new Listing(this.#http, "api/1/dataservices/", { ...filters }, options, parseDataservice);
  }

  search(filters: DataserviceFilters = {}, options: ListOptions = {}): Listing<Dataservice> {
    return new Listing(this.#http, "api/2/dataservices/search/", { ...filters }, options, parseDataservice, true);
  }

  async get(id: string, options: GetOptions = {}): Promise<Dataservice> {
    return parseDataservice(
      await this.#http.json("main", `api/1/dataservices/${encodeURIComponent(id)}/`, {
        headers: maskHeaders(options),
        signal: options.signal,
      }),
    );
  }

  /**
   * The API's OpenAPI document, fetched from its `machine_documentation_url` (JSON or YAML). It lives on the producer's
   * own server, so it is fetched as a plain download: no API key is ever sent there.
   */
  async openapi(dataservice: Dataservice | string): Promise<Record<string, unknown>> {
    const service = typeof dataservice === "string" ? await this.get(dataservice) : dataservice;
    const url = service.machine_documentation_url;
    if (!url)
      throw new TypeError(`dataservice ${service.id} (${service.title}) publishes no machine-readable documentation`);
    const text = await this.#http.text("download", url, {
      headers: { accept: "application/json, application/yaml, text/yaml, */*" },
    });
    const trimmed = text.trimStart();
    return (trimmed.startsWith("{") ? JSON.parse(trimmed) : parseYaml(text)) as Record<string, unknown>;
  }
}

export interface DiscussionFilters {
  /** The id of the object discussed (dataset, reuse, …). */
  for?: string | string[] | undefined;
  org?: string | undefined;
  user?: string | undefined;
  closed?: boolean | undefined;
  sort?: `${"" | "-"}${"created" | "discussion.posted_on"}` | undefined;
}

export class Discussions extends RouteMethods(DISCUSSION_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  list(filters: DiscussionFilters = {}, options: ListOptions = {}): Listing<Discussion> {
    return new Listing(this.#http, "api/1/discussions/", { ...filters }, options, parseDiscussion);
  }

  async get(id: string): Promise<Discussion> {
    return parseDiscussion(await this.#http.json("main", `api/1/discussions/${encodeURIComponent(id)}/`));
  }

  /** Opens a discussion on a dataset, reuse, dataservice or organization, with its first message. */
  async open(input: DiscussionInput, options: WriteOptions = {}): Promise<Discussion> {
    return parseDiscussion(
      await this.#http.json("main", "api/1/discussions/", {
        method: "POST",
        json: input,
        auth: true,
        signal: options.signal,
      }),
    );
  }

  /** Adds a message; a closed discussion takes none (403). */
  async comment(id: string, comment: string, options: WriteOptions = {}): Promise<Discussion> {
    return parseDiscussion(
      await this.#http.json("main", `api/1/discussions/${encodeURIComponent(id)}/`, {
        method: "POST",
        json: { comment },
        auth: true,
        signal: options.signal,
      }),
    );
  }

  /** Closes it, with a last message if given: only the subject's producers may (403 otherwise). */
  async close(id: string, comment?: string, options: WriteOptions = {}): Promise<Discussion> {
    const json = comment ? { comment, close: true } : { close: true };
    return parseDiscussion(
      await this.#http.json("main", `api/1/discussions/${encodeURIComponent(id)}/`, {
        method: "POST",
        json,
        auth: true,
        signal: options.signal,
      }),
    );
  }
}
