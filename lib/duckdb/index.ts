export { Duck, literal } from "./connection.ts";
export { toArrow, toDuckDB, toIpc, toParquet, tabularSource, metricsSource, type ExportOptions } from "./export.ts";
export { querySql, quote, SQL_TYPES, UnknownColumn, type Sql, type SqlOptions } from "./query-sql.ts";
export { castExpression, computeProfile, detectColumns, type DetectedColumn, type Queryable } from "./detect.ts";
export { planWindows, mapLimit, type IdWindow } from "./windows.ts";
export type { Progress } from "./spool.ts";
