import type { ExportEngine } from "../tabular/export-engine.ts";
import { Duck } from "./connection.ts";
import { toArrow, toDuckDB, toIpc, toParquet } from "./export.ts";

/** The exports as the client's queries call them; the client imports this module on a query's first export. */
export const engine: ExportEngine = {
  toArrow,
  toParquet,
  toIpc,
  toDuckDB: (query, connection, table, options) => toDuckDB(query, Duck.wrap(connection), table, options),
};
