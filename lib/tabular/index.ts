export { RunnableQuery } from "./runnable.ts";
export type {
  EngineLoader,
  ExportEngine,
  Exportable,
  ExportableMetrics,
  ExportableTabular,
  ExportOptions,
  Mode,
  Progress,
  WindowedQuery,
} from "./export-engine.ts";
export { STREAM_ROW_CAP, TABULAR_MAX_PAGE_SIZE, TabularQuery } from "./query.ts";
export {
  TabularApi,
  isTabularResource,
  type AggregationExceptions,
  type ResourceLike,
  type TabularHealth,
} from "./api.ts";
export {
  cleanColumnName,
  parseResourceProfile,
  profileColumns,
  topValues,
  type ColumnDetection,
  type ColumnStats,
  type CsvProfile,
  type ProfiledColumn,
  type ResourceProfile,
  type TabularResource,
  type TopValue,
} from "./profile.ts";
export type { DataPage, PageOptions, Row, RowOptions, RowsTarget } from "./rows.ts";
