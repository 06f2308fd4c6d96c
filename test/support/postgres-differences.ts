import type { Condition, QuerySpec } from "../../lib/query/index.ts";

/**
 * What PostgreSQL 15 answers differently from the sandbox and local execution over the wire battery, as
 * test/tabular/postgres.test.ts measures it, with the reason (the README lists the same).
 */
export interface KnownDifference {
  /** Where it shows: the stream's rows or order, the second page, local execution. */
  where: ("sandbox" | "sandbox numbers" | "sandbox page 2" | "local")[];
  reason: string;
}

const ORDERED = new Set(["less", "greater", "strictly_less", "strictly_greater"]);

const ordersText = (condition: Condition, text: (column: string) => boolean): boolean =>
  condition.type === "filter"
    ? ORDERED.has(condition.op) && text(condition.column)
    : condition.items.some((item) => ordersText(item, text));

/** The difference a query of the battery is known to show, if any. */
export function knownDifference(spec: QuerySpec, text: (column: string) => boolean): KnownDifference | undefined {
  if (spec.where.some((condition) => ordersText(condition, text)) || (spec.sort && text(spec.sort.column)))
    return {
      where: ["sandbox", "sandbox page 2", "local"],
      reason:
        'glibc\'s en_US.UTF-8 (production) ignores punctuation and spaces at the first level ("(x)" sorts by x, ' +
        '" lead" by l, "#h" by h); DuckDB\'s ICU en_us orders them before digits and letters',
    };
  return undefined;
}
