export { Duck, literal, type DuckOptions } from "./connection.ts";
export { engine } from "./engine.ts";
export {
  toArrow,
  toDuckDB,
  toIpc,
  toParquet,
  toRecordBatches,
  toFile,
  sqlToFile,
  FORMATS,
  type Format,
} from "./export.ts";
export type { Exportable, ExportOptions, Mode, Progress } from "../tabular/export-engine.ts";
export { chooseMode, type ModeChoice } from "./mode.ts";
export { loadCsv, type Runnable } from "./ingest.ts";
export { castExpression, computeProfile, detectColumns, type DetectedColumn, type Queryable } from "./detect.ts";
export { planWindows, mapLimit, type IdWindow } from "./windows.ts";
export {
  buildCatalogDatabase,
  catalogReport,
  CATALOG_QUERIES,
  metricsTable,
  updateCatalogDatabase,
  type CatalogBuild,
  type CatalogOptions,
  type CatalogQuery,
} from "./catalog-database.ts";
export { cachedDownload, type CacheOptions } from "./cache.ts";
export { loadResource, localSql, type LocalTable } from "./local.ts";
