import type { HttpClient } from "../http/client.ts";
import { follow } from "./follow.ts";
import type { DatasetInput, ResourceInput, WriteOptions } from "./inputs.ts";
import { multipartFile, type UploadProgress } from "./upload.ts";
import { Listing, suggestions, type ListOptions } from "./listing.ts";
import type {
  Dataset,
  DatasetV2,
  Frequency,
  License,
  Resource,
  ResourceTypeLabel,
  ResourceWithDataset,
} from "./models.ts";
import { parseDataset, parseDatasetV2, parseResource, parseResourceWithDataset } from "./parse.ts";
import { RouteMethods } from "./routes/invoke.ts";
import { DATASET_ROUTES } from "./routes/datasets.ts";

/** v1 sorts (udata DatasetApiParser); prefix "-" for descending. */
export type DatasetSort = `${"" | "-"}${"title" | "created" | "last_update" | "reuses" | "followers" | "views"}`;

/** Filters of `GET /api/1/datasets/` (udata/core/dataset/api.py DatasetApiParser). */
export interface DatasetFilters {
  q?: string | undefined;
  tag?: string | string[] | undefined;
  license?: string | undefined;
  featured?: boolean | undefined;
  geozone?: string | undefined;
  granularity?: string | undefined;
  temporal_coverage?: string | undefined;
  access_type?: string | undefined;
  organization?: string | undefined;
  badge?: string | undefined;
  organization_badge?: string | undefined;
  owner?: string | undefined;
  format?: string | undefined;
  schema?: string | undefined;
  schema_version?: string | undefined;
  topic?: string | undefined;
  dataservice?: string | undefined;
  reuse?: string | undefined;
  /** These need an API key with the right permissions. */
  archived?: boolean | undefined;
  deleted?: boolean | undefined;
  private?: boolean | undefined;
  sort?: DatasetSort | undefined;
}

/** Filters of `GET /api/2/datasets/search/` (udata/core/dataset/search.py). */
export interface DatasetSearch {
  q?: string | undefined;
  tag?: string | string[] | undefined;
  badge?: string | undefined;
  organization?: string | undefined;
  organization_badge?: string | undefined;
  organization_name?: string | undefined;
  owner?: string | undefined;
  license?: string | undefined;
  geozone?: string | undefined;
  granularity?: string | undefined;
  format?: string | undefined;
  format_family?: "tabular" | "machine_readable" | "geographical" | "documents" | "other" | undefined;
  producer_type?: string | undefined;
  schema?: string | undefined;
  temporal_coverage?: string | undefined;
  featured?: boolean | undefined;
  topic?: string | undefined;
  access_type?: string | undefined;
  last_update_range?: "last_30_days" | "last_12_months" | "last_3_years" | undefined;
  sort?: `${"" | "-"}${"created" | "last_update" | "reuses" | "followers" | "views"}` | undefined;
}

export interface GetOptions {
  /** An X-Fields mask, e.g. "id,title,resources{id,format}". */
  fields?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Send the API key, to see drafts and deleted objects one may edit. */
  auth?: boolean | undefined;
}

function maskHeaders(options: GetOptions): Record<string, string> | undefined {
  return options.fields ? { "x-fields": options.fields } : undefined;
}

export { maskHeaders };

export class Datasets extends RouteMethods(DATASET_ROUTES) {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    super(http);
    this.#http = http;
  }

  /** `GET /api/1/datasets/`: every filter and sort of the v1 list. */
  list(filters: DatasetFilters = {}, options: ListOptions = {}): Listing<Dataset> {
    return new Listing(this.#http, "api/1/datasets/", { ...filters }, options, parseDataset);
  }

  /** `GET /api/2/datasets/search/`: full-text search with facets; results stop at 10,000. */
  search(search: DatasetSearch = {}, options: ListOptions = {}): Listing<DatasetV2> {
    return new Listing(this.#http, "api/2/datasets/search/", { ...search }, options, parseDatasetV2, true);
  }

  /** v1, resources embedded. By id or slug. */
  async get(idOrSlug: string, options: GetOptions = {}): Promise<Dataset> {
    const body = await this.#http.json("main", `api/1/datasets/${encodeURIComponent(idOrSlug)}/`, {
      headers: maskHeaders(options),
      signal: options.signal,
      auth: options.auth,
    });
    return options.fields ? (body as Dataset) : parseDataset(body);
  }

  /** v2: resources as a link to their paged list. */
  async getV2(idOrSlug: string, options: GetOptions = {}): Promise<DatasetV2> {
    const body = await this.#http.json("main", `api/2/datasets/${encodeURIComponent(idOrSlug)}/`, {
      headers: maskHeaders(options),
      signal: options.signal,
    });
    return options.fields ? (body as DatasetV2) : parseDatasetV2(body);
  }

  /** `GET /api/2/datasets/{id}/resources/`, paged (default 50 a page), optionally by type or text. */
  resources(
    datasetId: string,
    filters: { type?: string | undefined; q?: string | undefined } = {},
    options: ListOptions = {},
  ): Listing<Resource> {
    return new Listing(
      this.#http,
      `api/2/datasets/${encodeURIComponent(datasetId)}/resources/`,
      { ...filters },
      options,
      parseResource,
    );
  }

  /** One resource by id, wherever it is (v2; community resources too), with its dataset's id. */
  async resource(resourceId: string, options: GetOptions = {}): Promise<ResourceWithDataset> {
    const body = await this.#http.json("main", `api/2/datasets/resources/${encodeURIComponent(resourceId)}/`, {
      headers: maskHeaders(options),
      signal: options.signal,
    });
    return parseResourceWithDataset(body);
  }

  /** One resource of a dataset (v1). */
  async datasetResource(datasetId: string, resourceId: string, options: GetOptions = {}): Promise<Resource> {
    const path = `api/1/datasets/${encodeURIComponent(datasetId)}/resources/${encodeURIComponent(resourceId)}/`;
    return parseResource(
      await this.#http.json("main", path, { headers: maskHeaders(options), signal: options.signal }),
    );
  }

  licenses(): Promise<License[]> {
    return this.#http.json<License[]>("main", "api/1/datasets/licenses/");
  }

  frequencies(): Promise<Frequency[]> {
    return this.#http.json<Frequency[]>("main", "api/1/datasets/frequencies/");
  }

  /** The schemas datasets can declare (schema.data.gouv.fr catalog). */
  schemas(): Promise<Record<string, unknown>[]> {
    return this.#http.json<Record<string, unknown>[]>("main", "api/1/datasets/schemas/");
  }

  /** Badge kinds and their labels. */
  badges(): Promise<Record<string, string>> {
    return this.#http.json<Record<string, string>>("main", "api/1/datasets/badges/");
  }

  suggest(q: string, size = 10): Promise<Record<string, unknown>[]> {
    return suggestions(this.#http, "api/1/datasets/suggest/", q, size);
  }

  /** File formats a resource may declare that contain `q`, shortest first (`{ text }` each). */
  async suggestFormats(q: string, size = 10): Promise<string[]> {
    return (await suggestions(this.#http, "api/1/datasets/suggest/formats/", q, size)).map((s) => String(s.text));
  }

  /** Mime types a resource may declare that contain `q`, shortest first. */
  async suggestMimes(q: string, size = 10): Promise<string[]> {
    return (await suggestions(this.#http, "api/1/datasets/suggest/mime/", q, size)).map((s) => String(s.text));
  }

  /** What a resource may be: main, documentation, update, api, code, other, each with its label. */
  resourceTypes(): Promise<ResourceTypeLabel[]> {
    return this.#http.json<ResourceTypeLabel[]>("main", "api/1/datasets/resource_types/");
  }

  // Writes: each sends the API key, and only updates, deletes and follows (which may be replayed) are ever retried.

  /** Every dataset the key's user owns, drafts included (`GET /api/1/me/datasets/`). */
  async mine(options: WriteOptions = {}): Promise<Dataset[]> {
    const body = await this.#http.json<unknown[]>("main", "api/1/me/datasets/", { auth: true, signal: options.signal });
    return body.map((dataset, i) => parseDataset(dataset, `datasets[${i}]`));
  }

  /** Creates a dataset (`private: true` for a draft); a create is never replayed, so it runs at most once. */
  async create(input: DatasetInput, options: WriteOptions = {}): Promise<Dataset> {
    return parseDataset(
      await this.#http.json("main", "api/1/datasets/", {
        method: "POST",
        json: input,
        auth: true,
        signal: options.signal,
      }),
    );
  }

  /** Changes the fields given, leaving the others as they are. */
  async update(idOrSlug: string, patch: DatasetInput, options: WriteOptions = {}): Promise<Dataset> {
    return parseDataset(
      await this.#http.json("main", this.#path(idOrSlug), {
        method: "PUT",
        json: patch,
        auth: true,
        idempotent: true,
        signal: options.signal,
      }),
    );
  }

  /** Deletes a dataset (udata keeps it, marked deleted: `update(id, { deleted: null })` restores it). */
  async delete(idOrSlug: string, options: WriteOptions = {}): Promise<void> {
    await this.#http.json("main", this.#path(idOrSlug), { method: "DELETE", auth: true, signal: options.signal });
  }

  /** Adds a remote resource: a link to a file or an API somewhere else. */
  async createResource(
    datasetId: string,
    input: ResourceInput & { url: string; title: string },
    options: WriteOptions = {},
  ): Promise<Resource> {
    const path = `${this.#path(datasetId)}resources/`;
    return parseResource(
      await this.#http.json("main", path, {
        method: "POST",
        json: { filetype: "remote", ...input },
        auth: true,
        signal: options.signal,
      }),
    );
  }

  /**
   * Uploads a file from disk, streamed as multipart: a new resource, or a new version of `resourceId`. The platform
   * names the resource after the file; `updateResource` sets the rest. Never retried: a cut upload fails, and the
   * resource stays as it was.
   */
  async uploadResource(
    datasetId: string,
    file: string,
    options: WriteOptions & {
      resourceId?: string | undefined;
      filename?: string | undefined;
      onProgress?: UploadProgress | undefined;
    } = {},
  ): Promise<Resource> {
    const path = options.resourceId
      ? `${this.#path(datasetId)}resources/${encodeURIComponent(options.resourceId)}/upload/`
      : `${this.#path(datasetId)}upload/`;
    const upload = await multipartFile(file, { filename: options.filename, onProgress: options.onProgress });
    try {
      return parseResource(
        await this.#http.json("main", path, {
          method: "POST",
          body: upload.body,
          headers: upload.headers,
          auth: true,
          signal: options.signal,
          timeoutMs: 300_000,
        }),
      );
    } finally {
      upload.body.destroy();
    }
  }

  async updateResource(
    datasetId: string,
    resourceId: string,
    patch: ResourceInput,
    options: WriteOptions = {},
  ): Promise<Resource> {
    const path = `${this.#path(datasetId)}resources/${encodeURIComponent(resourceId)}/`;
    return parseResource(
      await this.#http.json("main", path, {
        method: "PUT",
        json: patch,
        auth: true,
        idempotent: true,
        signal: options.signal,
      }),
    );
  }

  async deleteResource(datasetId: string, resourceId: string, options: WriteOptions = {}): Promise<void> {
    await this.#http.json("main", `${this.#path(datasetId)}resources/${encodeURIComponent(resourceId)}/`, {
      method: "DELETE",
      auth: true,
      signal: options.signal,
    });
  }

  /** Puts the dataset's resources in this order: every resource id, each once. */
  async reorderResources(datasetId: string, resourceIds: string[], options: WriteOptions = {}): Promise<Resource[]> {
    const body = await this.#http.json<unknown[]>("main", `${this.#path(datasetId)}resources/`, {
      method: "PUT",
      json: resourceIds,
      auth: true,
      idempotent: true,
      signal: options.signal,
    });
    return body.map((resource, i) => parseResource(resource, `resources[${i}]`));
  }

  /** Follows the dataset; resolves to its number of followers. */
  follow(idOrSlug: string): Promise<number> {
    return follow(this.#http, "datasets", idOrSlug, true);
  }

  unfollow(idOrSlug: string): Promise<number> {
    return follow(this.#http, "datasets", idOrSlug, false);
  }

  #path(idOrSlug: string): string {
    return `api/1/datasets/${encodeURIComponent(idOrSlug)}/`;
  }
}
