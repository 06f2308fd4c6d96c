import { DataGouvError } from "../http/errors.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import type { QuerySpec } from "../query/ast.ts";
import { encodeQuerySpec } from "../query/encode.ts";

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

/**
 * Iterates `/data/` pages. Each page is asked for by its number, with the client's own query: `links.next` is not
 * followed, since api-tabular rebuilds it without every argument starting with "page" (a filter on `pageviews` is
 * lost from page 2 on) and from the query as decoded once (whatever was encoded twice is read differently). Its
 * presence still says whether there is a next page, from the server's own count. A page size above the server's
 * maximum is lowered once, as its 400 says.
 */
export async function* dataPages<R>(
  http: HttpClient,
  target: RowsTarget,
  queryString: string,
  options: PageOptions = {},
): AsyncGenerator<DataPage<R>> {
  let pageSize = options.pageSize ?? target.maxPageSize;
  const fetchPage = async (page: number): Promise<DataPage<R>> => {
    const query = [queryString, `page=${page}`, `page_size=${pageSize}`].filter(Boolean).join("&");
    try {
      return await http.json<DataPage<R>>(target.api, target.dataPath, { query, signal: options.signal });
    } catch (error) {
      const allowed = maximumFrom(error);
      if (allowed === undefined || allowed >= pageSize) throw error;
      http.logger.info?.(`page_size ${pageSize} is above the server's maximum: using ${allowed}`);
      pageSize = allowed;
      return fetchPage(page);
    }
  };
  for (let page = options.page ?? 1; ; page++) {
    const body = await fetchPage(page);
    yield body;
    if (!body.links?.next || !body.data?.length) return;
  }
}

export async function* pagedRows<R>(
  http: HttpClient,
  target: RowsTarget,
  queryString: string,
  options: PageOptions,
): AsyncGenerator<R> {
  for await (const page of dataPages<R>(http, target, queryString, options)) yield* page.data;
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
