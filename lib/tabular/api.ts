import { parse as parseYaml } from "yaml";
import { DataGouvError } from "../http/errors.ts";
import type { HttpClient } from "../http/client.ts";
import { parseResourceProfile, type ResourceProfile, type TabularResource } from "./profile.ts";

/** `GET /api/aggregation-exceptions/`: production answers `allowed` as the list of rids (the docs say a boolean). */
export interface AggregationExceptions {
  allowed: boolean | string[];
  exceptions: string[];
  [key: string]: unknown;
}

export interface TabularHealth {
  status: string;
  version?: string;
  uptime_since?: string;
  [key: string]: unknown;
}

/** The part of a Main API resource that says whether the Tabular API serves it. */
export interface ResourceLike {
  id: string;
  extras?: Record<string, unknown> | null;
  preview_url?: string | null;
  [key: string]: unknown;
}

/** Metadata around Tabular API resources: what they are, their profile, their swagger, where aggregation is allowed. */
export class TabularApi {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  resource(resourceId: string): Promise<TabularResource> {
    return this.#http.json<TabularResource>("tabular", `api/resources/${encodeURIComponent(resourceId)}/`);
  }

  async profile(resourceId: string): Promise<ResourceProfile> {
    return parseResourceProfile(
      await this.#http.json("tabular", `api/resources/${encodeURIComponent(resourceId)}/profile/`),
    );
  }

  /** The resource's OpenAPI document: the YAML text as served, and parsed. */
  async swagger(resourceId: string): Promise<{ text: string; document: Record<string, unknown> }> {
    const text = await this.#http.text("tabular", `api/resources/${encodeURIComponent(resourceId)}/swagger/`);
    return { text, document: parseYaml(text) as Record<string, unknown> };
  }

  aggregationExceptions(): Promise<AggregationExceptions> {
    return this.#http.json<AggregationExceptions>("tabular", "api/aggregation-exceptions/");
  }

  /** Whether the Tabular API aggregates this resource (allowed everywhere, or the rid is listed). */
  async aggregationAllowed(resourceId: string): Promise<boolean> {
    const { allowed, exceptions } = await this.aggregationExceptions();
    if (allowed === true) return true;
    if (Array.isArray(allowed) && allowed.includes(resourceId)) return true;
    return Array.isArray(exceptions) && exceptions.includes(resourceId) && allowed !== false;
  }

  health(): Promise<TabularHealth> {
    return this.#http.json<TabularHealth>("tabular", "health/");
  }

  /**
   * Whether the Tabular API serves a Main API resource. From its metadata (hydra's parsing table extra, the explore
   * preview URL); with `confirm`, by asking the profile endpoint (200 yes, 404 no).
   */
  async isTabular(resource: ResourceLike, options: { confirm?: boolean | undefined } = {}): Promise<boolean> {
    if (!options.confirm) return isTabularResource(resource);
    try {
      await this.#http.json("tabular", `api/resources/${encodeURIComponent(resource.id)}/profile/`);
      return true;
    } catch (error) {
      if (error instanceof DataGouvError && (error.status === 404 || error.status === 410)) return false;
      throw error;
    }
  }
}

/** From metadata alone: hydra writes `analysis:parsing:parsing_table` once the file is loaded for the Tabular API. */
export function isTabularResource(resource: ResourceLike): boolean {
  const table = resource.extras?.["analysis:parsing:parsing_table"];
  if (typeof table === "string" && table.length > 0) return true;
  return (
    typeof resource.preview_url === "string" && /explore\.data\.gouv\.fr\/.*resources\//.test(resource.preview_url)
  );
}
