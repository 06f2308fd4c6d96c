import type { WindowedQuery } from "../tabular/export-engine.ts";

/** A slice of a query by row id, `[from, to)`; open ends where null. */
export interface IdWindow {
  from: number | null;
  to: number | null;
  /** Rows the query matches in this window, when counted: a window of at most `cap` ids needs no count. */
  count?: number;
}

/** What windows are planned from: how many rows the query matches, and the span of their ids `[low, high)`. */
export interface IdSurvey {
  total: number;
  low: number;
  high: number;
}

/** The count and the first and last matching ids, asked for at once (one round trip instead of three). */
export async function surveyIds<Q extends WindowedQuery<Q>>(query: Q): Promise<IdSurvey> {
  const ids = query.onlyFilters().columns(["__id"]);
  const [counted, [first], [last]] = await Promise.all([
    query.count(),
    ids.sort("__id", "asc").first<{ __id: number }>(1),
    ids.sort("__id", "desc").first<{ __id: number }>(1),
  ]);
  const total = counted ?? 0;
  return { total, low: first?.__id ?? 1, high: (last?.__id ?? total) + 1 };
}

/**
 * Splits a query into `__id` windows that each stay under the stream cap. The APIs number rows 1..N, so a window is
 * `__id__greater=from&__id__strictly_less=to` added to the query's own filters. Where matching rows are dense, windows
 * of `cap` ids cannot pass the cap and are used as they are; where they are sparse, windows are sized from the density
 * of matching rows between the first and last matching ids, counted (one small request each), and halved where a
 * count still passes the cap.
 */
export async function planWindows<Q extends WindowedQuery<Q>>(
  query: Q,
  cap: number,
  concurrency = 4,
  survey?: IdSurvey,
): Promise<IdWindow[]> {
  const { total, low, high } = survey ?? (await surveyIds(query));
  if (total <= cap) return [{ from: null, to: null, count: total }];
  // ids per window for about 80% of the cap at the average density, leaving room for uneven stretches
  const estimate = Math.max(1, Math.floor((cap * 0.8 * (high - low)) / total));
  if (estimate <= cap) return split(low, high, cap);
  let pending = split(low, high, estimate) as { from: number; to: number }[];
  const done: IdWindow[] = [];
  while (pending.length > 0) {
    const counted = await mapLimit(pending, concurrency, async (w) => ({
      ...w,
      count: (await within(query, w.from, w.to).count()) ?? 0,
    }));
    pending = [];
    for (const w of counted) {
      if (w.count <= cap) done.push(w);
      else {
        const middle = Math.floor((w.from + w.to) / 2);
        pending.push({ from: w.from, to: middle }, { from: middle, to: w.to });
      }
    }
  }
  return done.filter((w) => w.count !== 0).sort((a, b) => a.from! - b.from!);
}

function split(low: number, high: number, span: number): IdWindow[] {
  const windows: IdWindow[] = [];
  for (let from = low; from < high; from += span) windows.push({ from, to: Math.min(from + span, high) });
  return windows;
}

/** The query restricted to one window. */
export function within<Q extends WindowedQuery<Q>>(query: Q, from: number | null, to: number | null): Q {
  let q = query;
  if (from !== null) q = q.where("__id", "greater", from);
  if (to !== null) q = q.where("__id", "strictly_less", to);
  return q;
}

/**
 * Runs `work` on every item with at most `limit` at once, results in input order. After a failure no new item starts,
 * and the failure is thrown once the items under way have settled (so that what they write can be cleaned up).
 */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw failure.error;
  return results;
}
