export { jsonArrayRows } from "./json-array.ts";
export { arrowSchema, arrowType, batchEncoder, columnsFromProfile, type ColumnSpec } from "./columns.ts";
export { columnData } from "./vectors.ts";
export { collectTable, jsonStreamToBatches, rowsToBatch, writeIpc } from "./batches.ts";
