import { QueryError } from "../http/errors.ts";
import type { Condition, QuerySpec, SortDirection } from "./ast.ts";
import { AGGREGATORS, isAggregator, isOperator, OPERATORS, type Aggregator, type Operator } from "./operators.ts";
import { filter, type Value } from "./conditions.ts";
import { encodeQuerySpec, validateSpec } from "./encode.ts";

/**
 * The fluent, immutable part shared by Tabular and Metrics queries: every call returns a new query, so a query can be
 * kept, printed, extended and reused.
 */
export abstract class QueryBuilder<Self extends QueryBuilder<Self>> {
  readonly spec: QuerySpec;

  protected constructor(spec: QuerySpec) {
    this.spec = Object.freeze({ ...spec });
  }

  /** A copy of this query with another spec (and the same target and binding). */
  protected abstract with(spec: QuerySpec): Self;

  /** `where("population", "greater", 10000)`, `where("dep", "in", ["75", "92"])`, `where("x", "isnull")`, or a condition. */
  where(condition: Condition): Self;
  where(column: string, op: Operator, value?: Value | readonly Value[]): Self;
  where(columnOrCondition: string | Condition, op?: Operator, value?: Value | readonly Value[]): Self {
    let condition: Condition;
    if (typeof columnOrCondition === "string") {
      if (op === undefined || !isOperator(op)) {
        throw new QueryError(
          `unknown operator ${JSON.stringify(op)} on ${JSON.stringify(columnOrCondition)}: use one of ${OPERATORS.join(", ")}`,
        );
      }
      condition = filter(columnOrCondition, op, value);
    } else condition = columnOrCondition;
    return this.#validated({ ...this.spec, where: [...this.spec.where, condition] });
  }

  /** Rows matching any of the conditions (one `or=(…)` group, ANDed with the rest). */
  or(...conditions: Condition[]): Self {
    return this.#validated({ ...this.spec, where: [...this.spec.where, { type: "or", items: conditions }] });
  }

  /** The API sorts by one column: a second sort is refused rather than silently ignored. */
  sort(column: string, direction: SortDirection = "asc"): Self {
    if (this.spec.sort)
      throw new QueryError(`the API sorts by one column: already sorted by ${JSON.stringify(this.spec.sort.column)}`);
    return this.#validated({ ...this.spec, sort: { column, direction } });
  }

  columns(columns: readonly string[]): Self {
    return this.#validated({ ...this.spec, columns: [...columns] });
  }

  groupBy(...columns: string[]): Self {
    return this.#validated({
      ...this.spec,
      aggregations: [...this.spec.aggregations, ...columns.map((column) => ({ column, op: "groupby" as const }))],
    });
  }

  aggregate(column: string, op: Exclude<Aggregator, "groupby">): Self {
    if (!isAggregator(op) || (op as string) === "groupby") {
      const measures = AGGREGATORS.filter((a) => a !== "groupby");
      const choices = `${measures.slice(0, -1).join(", ")} or ${measures.at(-1)}`;
      throw new QueryError(`unknown aggregation ${JSON.stringify(op)}: use ${choices} (or groupBy)`);
    }
    return this.#validated({ ...this.spec, aggregations: [...this.spec.aggregations, { column, op }] });
  }

  /** The same query with its filters only: no sort, columns or aggregation. */
  onlyFilters(): Self {
    return this.with({ where: this.spec.where, aggregations: [] });
  }

  get isAggregation(): boolean {
    return this.spec.aggregations.length > 0;
  }

  /** The query string the API receives (without page/page_size). */
  toQueryString(): string {
    return encodeQuerySpec(this.spec);
  }

  #validated(spec: QuerySpec): Self {
    validateSpec(spec);
    return this.with(spec);
  }
}
