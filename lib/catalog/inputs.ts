/** What the Main API's writes accept (udata's forms); unknown keys are passed through for fields added later. */

export interface DatasetInput {
  title?: string | undefined;
  description?: string | undefined;
  description_short?: string | null | undefined;
  acronym?: string | null | undefined;
  /** A licence id from `datasets.licenses()`, e.g. "lov2", "odc-odbl". */
  license?: string | undefined;
  /** A frequency id from `datasets.frequencies()`, e.g. "monthly". */
  frequency?: string | undefined;
  tags?: string[] | undefined;
  /** A draft, visible only to its producers. */
  private?: boolean | undefined;
  /** On creation: the organization (id or slug) publishing it; without it the key's user owns it. */
  organization?: string | undefined;
  temporal_coverage?: { start: string; end?: string | null } | null | undefined;
  extras?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

export type ResourceType = "main" | "documentation" | "update" | "api" | "code" | "other";

export interface ResourceInput {
  title?: string | undefined;
  description?: string | null | undefined;
  /** Remote resources only: where the file lives. */
  url?: string | undefined;
  type?: ResourceType | undefined;
  format?: string | null | undefined;
  mime?: string | null | undefined;
  extras?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

export interface ReuseInput {
  title?: string | undefined;
  description?: string | undefined;
  url?: string | undefined;
  type?: "api" | "application" | "idea" | "news_article" | "paper" | "post" | "visualization" | "hardware" | undefined;
  topic?: string | undefined;
  tags?: string[] | undefined;
  private?: boolean | undefined;
  /** Dataset ids. */
  datasets?: string[] | undefined;
  organization?: string | undefined;
  extras?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

export interface DiscussionInput {
  title: string;
  /** The first message. */
  comment: string;
  subject: { class: "Dataset" | "Reuse" | "Dataservice" | "Organization"; id: string };
  extras?: Record<string, unknown> | undefined;
}

export interface WriteOptions {
  signal?: AbortSignal | undefined;
}
