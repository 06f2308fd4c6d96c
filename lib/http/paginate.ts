/**
 * Pagination is iteration: pages are fetched one after another by following the link each page gives to the next,
 * and iteration ends when there is none (or when `limit` items have been yielded).
 */
export interface PageSource<P> {
  /** Fetches the first page. */
  first(): Promise<P>;
  /** The absolute URL of the page after this one, or null/undefined at the end. */
  next(page: P): string | null | undefined;
  /** Fetches a page by the URL the previous one pointed at. */
  fetch(url: string): Promise<P>;
}

export async function* pages<P>(source: PageSource<P>): AsyncGenerator<P> {
  let page = await source.first();
  const seen = new Set<string>();
  for (;;) {
    yield page;
    const next = source.next(page);
    if (!next || seen.has(next)) return;
    seen.add(next);
    page = await source.fetch(next);
  }
}

export async function* items<P, T>(
  source: PageSource<P>,
  itemsOf: (page: P) => readonly T[],
  limit = Infinity,
): AsyncGenerator<T> {
  if (limit <= 0) return;
  let count = 0;
  for await (const page of pages(source)) {
    for (const item of itemsOf(page)) {
      yield item;
      if (++count >= limit) return;
    }
  }
}

/** Collects an async iterable into an array (at most `limit` items). */
export async function collect<T>(iterable: AsyncIterable<T>, limit = Infinity): Promise<T[]> {
  const out: T[] = [];
  if (limit <= 0) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
