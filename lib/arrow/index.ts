export { jsonArrayRows } from "./json-array.ts";
export { arrowSchema, arrowType, BatchBuilder, columnsFromProfile, type ColumnSpec } from "./columns.ts";
export { collectTable, jsonStreamToBatches, rowsToBatch, writeIpc } from "./batches.ts";
