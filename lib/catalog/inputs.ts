/** What the Main API's writes accept (udata's forms); unknown keys are passed through for fields added later. */

export interface DatasetInput {
  title?: string;
  description?: string;
  description_short?: string | null;
  acronym?: string | null;
  /** A licence id from `datasets.licenses()`, e.g. "lov2", "odc-odbl". */
  license?: string;
  /** A frequency id from `datasets.frequencies()`, e.g. "monthly". */
  frequency?: string;
  tags?: string[];
  /** A draft, visible only to its producers. */
  private?: boolean;
  /** On creation: the organization (id or slug) publishing it; without it the key's user owns it. */
  organization?: string;
  temporal_coverage?: { start: string; end?: string | null } | null;
  extras?: Record<string, unknown>;
  [key: string]: unknown;
}

export type ResourceType = "main" | "documentation" | "update" | "api" | "code" | "other";

export interface ResourceInput {
  title?: string;
  description?: string | null;
  /** Remote resources only: where the file lives. */
  url?: string;
  type?: ResourceType;
  format?: string | null;
  mime?: string | null;
  extras?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ReuseInput {
  title?: string;
  description?: string;
  url?: string;
  type?: "api" | "application" | "idea" | "news_article" | "paper" | "post" | "visualization" | "hardware";
  topic?: string;
  tags?: string[];
  private?: boolean;
  /** Dataset ids. */
  datasets?: string[];
  organization?: string;
  extras?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface DiscussionInput {
  title: string;
  /** The first message. */
  comment: string;
  subject: { class: "Dataset" | "Reuse" | "Dataservice" | "Organization"; id: string };
  extras?: Record<string, unknown>;
}

export interface WriteOptions {
  signal?: AbortSignal;
}
