export { DataGouv, type DataGouvOptions } from "./client.ts";
export * from "./http/index.ts";
export * from "./catalog/index.ts";
export * from "./query/index.ts";
export * from "./tabular/index.ts";
export * from "./metrics/index.ts";
export { VERSION } from "./http/version.ts";
export { writeAtomically } from "./files.ts";
