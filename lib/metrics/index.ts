export { METRICS_MAX_PAGE_SIZE, MetricsQuery, type MetricsRow } from "./query.ts";
export {
  METRICS_MODELS,
  isKnownModel,
  metricsColumnType,
  type KnownMetricsModel,
  type MetricsColumnType,
  type MetricsModel,
  type MetricsRows,
} from "./models.ts";
export type * from "./models.ts";
