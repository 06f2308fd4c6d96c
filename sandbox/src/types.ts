import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duck } from "datagouv-kit/duckdb";

/** One request as the sandbox's router hands it to an API: the path is relative to that API's prefix. */
export interface SandboxRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The full request URL, as the client sent it (host from the Host header). */
  url: URL;
  /** `scheme://host[:port]` of the request, for absolute links (next_page, links.next, …). */
  origin: string;
  /** The prefix this API is mounted on: "" for the Main API, "/tabular" or "/metrics". */
  prefix: string;
  /** The path after the prefix, e.g. "/api/resources/{rid}/data/". */
  path: string;
  /** The raw query string without "?", NOT decoded (the Tabular parser splits it itself). */
  rawQuery: string;
}

/** An API of the sandbox. Resolves true when it answered the request, false when it has no such route. */
export interface SandboxApi {
  handle(request: SandboxRequest): Promise<boolean>;
}

/** What a tabular resource of the sandbox is, for the Main API's catalog (its dataset, organization, hydra extras). */
export interface TabularResourceInfo {
  resourceId: string;
  datasetId: string;
  title: string;
  /** "csv" for all seeded ones. */
  format: string;
  rows: number;
  /** Size in bytes of the CSV file the resource stands for. */
  filesize: number;
  /** The table name in DuckDB. */
  table: string;
  createdAt: string;
}

export interface SandboxContext {
  db: Duck;
  /** Directory where the sandbox keeps its state (the DuckDB file, uploaded files), or undefined for in-memory. */
  dataDir?: string;
  /** Whether the catalog is the seed alone or a synthetic one around it (what /health/ says). */
  catalog?: CatalogLabel | { synthetic: false };
}

/** What the `/health/` payloads say of a synthetic catalog, so that nobody mistakes it for the real one. */
export interface CatalogLabel {
  synthetic: boolean;
  note: string;
  datasets: number;
  resources: number;
  organizations: number;
  reuses: number;
  dataservices: number;
}
