import type { HttpClient } from "../http/client.ts";
import { QueryError } from "../http/errors.ts";
import { EMPTY_QUERY, type QuerySpec } from "../query/ast.ts";
import type { EngineLoader, ExportableMetrics } from "../tabular/export-engine.ts";
import type { Row, RowsTarget } from "../tabular/rows.ts";
import { RunnableQuery } from "../tabular/runnable.ts";
import type { KnownMetricsModel, MetricsModel, MetricsRows } from "./models.ts";

/** The row type of a model: typed for the known ones, an open record otherwise. */
export type MetricsRow<M extends MetricsModel> = M extends KnownMetricsModel ? MetricsRows[M] : Row;

/** The Metrics API serves at most 50 rows a page in production. */
export const METRICS_MAX_PAGE_SIZE = 50;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * A query over one Metrics API model, with the Tabular API's operators (the same server code parses both).
 *
 *   dg.metrics("datasets").where("dataset_id", "exact", id).months("2025-01", "2025-12").sort("metric_month", "desc")
 */
export class MetricsQuery<M extends MetricsModel = MetricsModel>
  extends RunnableQuery<MetricsQuery<M>, MetricsRow<M>>
  implements ExportableMetrics
{
  readonly model: M;

  private constructor(model: M, spec: QuerySpec, http?: HttpClient, engine?: EngineLoader) {
    super(spec, http, engine);
    this.model = model;
  }

  static of<M extends MetricsModel>(model: M, spec: QuerySpec = EMPTY_QUERY): MetricsQuery<M> {
    if (!/^\w+$/.test(model)) throw new QueryError(`not a metrics model name: ${JSON.stringify(model)}`);
    return new MetricsQuery(model, spec);
  }

  protected with(spec: QuerySpec): MetricsQuery<M> {
    return new MetricsQuery(this.model, spec, this.http, this.engine);
  }

  /** The query on a client; with the engine that carries out its exports (`dg.metrics(model)` gives both). */
  bind(http: HttpClient, engine?: EngineLoader): MetricsQuery<M> {
    return new MetricsQuery(this.model, this.spec, http, engine);
  }

  protected exportable(): ExportableMetrics {
    return this;
  }

  /** Months from `from` to `to`, both included ("YYYY-MM"; `greater`/`less` are inclusive). */
  months(from?: string, to?: string): MetricsQuery<M> {
    let query: MetricsQuery<M> = this;
    for (const month of [from, to]) {
      if (month !== undefined && !MONTH.test(month))
        throw new QueryError(`months are written YYYY-MM, not ${JSON.stringify(month)}`);
    }
    if (from !== undefined) query = query.where("metric_month", "greater", from);
    if (to !== undefined) query = query.where("metric_month", "less", to);
    return query;
  }

  get target(): RowsTarget {
    return { api: "metrics", dataPath: `api/${this.model}/data/`, maxPageSize: METRICS_MAX_PAGE_SIZE };
  }

  protected get csvPath(): string {
    return `api/${this.model}/data/csv/`;
  }

  override toString(): string {
    const query = decodeURIComponent(this.toQueryString());
    return `metrics ${this.model}${query ? `?${query}` : ""}`;
  }
}
