import { DataGouvError } from "../http/errors.ts";
import { pages, type PageSource } from "../http/paginate.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";

export type Row = Record<string, unknown>;

/** A `/data/` page of the Tabular or Metrics API. */
export interface DataPage<R = Row> {
  data: R[];
  links: { profile?: string; swagger?: string; next: string | null; prev: string | null; [key: string]: unknown };
  /** `total` is absent for aggregation queries (the API cannot count them). */
  meta: { page: number; page_size: number; total?: number; [key: string]: unknown };
}

export interface PageOptions {
  /** Rows per request; defaults to the API's maximum. */
  pageSize?: number | undefined;
  /** First page to fetch (1-based). */
  page?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface RowOptions extends PageOptions {
  /** Stop after this many rows. */
  limit?: number | undefined;
}

/** Where a query's rows live: which API, which paths, and the largest page it serves. */
export interface RowsTarget {
  api: "tabular" | "metrics";
  dataPath: string;
  maxPageSize: number;
}

/** Iterates `/data/` pages, following `links.next`. A page size above the server's maximum is lowered once, as its 400 says. */
export function dataPages<R>(
  http: HttpClient,
  target: RowsTarget,
  queryString: string,
  options: PageOptions = {},
): AsyncGenerator<DataPage<R>> {
  let pageSize = options.pageSize ?? target.maxPageSize;
  const fetchFirst = async (): Promise<DataPage<R>> => {
    const query = [queryString, `page=${options.page ?? 1}`, `page_size=${pageSize}`].filter(Boolean).join("&");
    try {
      return await http.json<DataPage<R>>(target.api, target.dataPath, { query, signal: options.signal });
    } catch (error) {
      const allowed = maximumFrom(error);
      if (allowed === undefined || allowed >= pageSize) throw error;
      http.logger.info?.(`page_size ${pageSize} is above the server's maximum: using ${allowed}`);
      pageSize = allowed;
      return fetchFirst();
    }
  };
  const source: PageSource<DataPage<R>> = {
    first: fetchFirst,
    next: (page) => page.links?.next ?? null,
    fetch: (url) => http.json<DataPage<R>>(target.api, url, { signal: options.signal }),
  };
  return pages(source);
}

export async function* dataRows<R>(
  http: HttpClient,
  target: RowsTarget,
  queryString: string,
  options: RowOptions = {},
): AsyncGenerator<R> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  // A small limit asks for a small page; never 1, which production answers wrongly when combined with __exact.
  const pageSize = Number.isFinite(limit)
    ? Math.min(options.pageSize ?? target.maxPageSize, Math.max(limit, 2))
    : options.pageSize;
  let count = 0;
  for await (const page of dataPages<R>(http, target, queryString, { ...options, pageSize })) {
    for (const row of page.data) {
      yield row;
      if (++count >= limit) return;
    }
  }
}

/** The stream endpoints (`/data/json/`, `/data/csv/`): the response with its byte stream, once headers have arrived. */
export function dataStream(
  http: HttpClient,
  target: RowsTarget,
  path: string,
  queryString: string,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  return http.stream(target.api, path, { query: queryString, signal });
}

function maximumFrom(error: unknown): number | undefined {
  if (!(error instanceof DataGouvError) || error.status !== 400) return undefined;
  const match = /allowed maximum:\s*(\d+)/i.exec(error.serverMessage ?? "");
  return match ? Number(match[1]) : undefined;
}
