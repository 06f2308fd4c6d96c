/** Output formats of the command line and the loaders (a module of its own, so the CLI's help loads no engine). */
export const FORMATS = ["csv", "json", "ndjson", "parquet", "arrow"] as const;
export type Format = (typeof FORMATS)[number];
