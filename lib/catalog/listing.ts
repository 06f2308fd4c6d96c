import type { HttpClient, Query } from "../http/client.ts";
import { QueryError } from "../http/errors.ts";
import { pages, type PageSource } from "../http/paginate.ts";
import type { Page } from "./models.ts";
import { parsePage } from "./parse.ts";

/** v2 search (Elasticsearch) answers 400 once page × page_size passes this (udata/search/query.py). */
export const SEARCH_WINDOW = 10_000;

export interface ListOptions {
  page?: number | undefined;
  pageSize?: number | undefined;
  /** Stop after this many items. */
  limit?: number | undefined;
  /** An X-Fields mask, e.g. "data{id,title},total,next_page" (keep next_page to paginate). */
  fields?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Send the API key, to list drafts one may edit too. */
  auth?: boolean | undefined;
}

/**
 * A Main API list: iterate it for items (`for await (const ds of dg.datasets.list(…))`), or its `pages()` for the
 * envelopes (total, facets). Pages are fetched lazily by following `next_page`, so v1's 404 past the end is never met.
 */
export class Listing<T> implements AsyncIterable<T> {
  readonly #http: HttpClient;
  readonly #path: string;
  readonly #query: Record<string, unknown>;
  readonly #options: ListOptions;
  readonly #parse: (value: unknown, where: string) => T;
  readonly #windowed: boolean;

  constructor(
    http: HttpClient,
    path: string,
    query: Record<string, unknown>,
    options: ListOptions,
    parse: (value: unknown, where: string) => T,
    windowed = false,
  ) {
    this.#http = http;
    this.#path = path;
    this.#query = query;
    this.#options = options;
    this.#parse = parse;
    this.#windowed = windowed;
    if (windowed) {
      const page = options.page ?? 1;
      const size = options.pageSize ?? 20;
      if (page * size > SEARCH_WINDOW) {
        throw new QueryError(
          `search results stop at ${SEARCH_WINDOW}: page ${page} of ${size} is beyond them; narrow the query with filters`,
        );
      }
    }
  }

  pages(): AsyncGenerator<Page<T>> {
    const headers = this.#options.fields ? { "x-fields": this.#options.fields } : undefined;
    const fetchPage = async (url: string, query?: Record<string, unknown>) =>
      parsePage(
        await this.#http.json("main", url, {
          query: query as Query | undefined,
          headers,
          signal: this.#options.signal,
          auth: this.#options.auth,
        }),
        this.#parse,
        this.#path,
      );
    const source: PageSource<Page<T>> = {
      first: () =>
        fetchPage(this.#path, { ...this.#query, page: this.#options.page, page_size: this.#options.pageSize }),
      next: (page) => {
        if (!page.next_page) return null;
        if (this.#windowed && (page.page + 1) * page.page_size > SEARCH_WINDOW) {
          this.#http.logger.warn(
            `search results stop at ${SEARCH_WINDOW} (${page.total} matched): narrow the query to see the rest`,
          );
          return null;
        }
        return page.next_page;
      },
      fetch: (url) => fetchPage(url),
    };
    return pages(source);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const limit = this.#options.limit ?? Infinity;
    if (limit <= 0) return;
    let count = 0;
    for await (const page of this.pages()) {
      for (const item of page.data) {
        yield item;
        if (++count >= limit) return;
      }
    }
  }

  /** The first page's envelope: total, facets, and its items. */
  async first(): Promise<Page<T>> {
    const { value } = await this.pages().next();
    return value as Page<T>;
  }

  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}

/** `GET …/suggest/?q=`: a plain list of short objects, for autocompletion. */
export async function suggestions(
  http: HttpClient,
  path: string,
  q: string,
  size = 10,
): Promise<Record<string, unknown>[]> {
  const items = await http.json<unknown[]>("main", path, { query: { q, size } });
  if (!Array.isArray(items)) throw new TypeError(`${path}: expected a list of suggestions`);
  return items as Record<string, unknown>[];
}
