import type { Dataset, OrgRef, Resource, UserRef } from "../models.ts";

/** The Main API objects the routes beyond the catalog's core answer with, as udata's api_fields declare them. */

type Open = { [key: string]: unknown };
type Ref = { id: string; class?: string; [key: string]: unknown };

export interface CommunityResource extends Resource {
  dataset: Ref | null;
  organization: OrgRef | null;
  owner: UserRef | null;
}

export interface HarvestSource extends Open {
  id: string;
  name: string;
  description?: string | null;
  url: string;
  backend: string;
  config: Record<string, unknown>;
  active: boolean;
  autoarchive?: boolean;
  frequency?: string;
  created_at: string;
  deleted: string | null;
  validation: { state: "pending" | "accepted" | "refused"; by?: UserRef | null; on?: string | null; comment?: string };
  last_job: HarvestJob | null;
  schedule: string | null;
  owner: UserRef | null;
  organization: OrgRef | null;
}

export interface HarvestItem extends Open {
  remote_id: string;
  remote_url?: string | null;
  dataset: Ref | null;
  dataservice?: Ref | null;
  status: "pending" | "started" | "done" | "failed" | "skipped" | "archived";
  created: string;
  started: string | null;
  ended: string | null;
  errors: { message: string; details?: string }[];
}

export interface HarvestJob extends Open {
  id: string;
  created: string;
  started: string | null;
  ended: string | null;
  status: "pending" | "initializing" | "initialized" | "processing" | "done" | "done-errors" | "failed";
  errors: { message: string; details?: string }[];
  items: HarvestItem[];
  source: string;
}

export interface HarvestBackend extends Open {
  id: string;
  label: string;
  filters: { key: string; label: string; type: string; description?: string }[];
  features: { key: string; label: string; description?: string; default: boolean }[];
  extra_configs: { key: string; label: string; description?: string; default?: string }[];
}

export interface HarvestSourceInput {
  name: string;
  url: string;
  backend: string;
  description?: string | undefined;
  organization?: string | undefined;
  owner?: string | undefined;
  frequency?: string | undefined;
  active?: boolean | undefined;
  autoarchive?: boolean | undefined;
  config?: Record<string, unknown> | undefined;
}

export interface MembershipRequest extends Open {
  id: string;
  user: UserRef;
  kind?: "request" | "invitation";
  created: string;
  status: "pending" | "accepted" | "refused" | "canceled";
  role?: string;
  comment: string | null;
}

export type { ContactPoint } from "../models.ts";

export interface ContactPointInput {
  name: string;
  role: string;
  email?: string | undefined;
  contact_form?: string | undefined;
  organization?: string | undefined;
}

export interface Transfer extends Open {
  id: string;
  user: UserRef | null;
  owner: Ref;
  recipient: Ref;
  subject: Ref;
  comment: string;
  created: string;
  status: "pending" | "accepted" | "refused";
  responded: string | null;
  reponse_comment: string | null;
}

export interface TransferRequest {
  subject: { id: string; class: "Dataset" | "Reuse" | "Dataservice" };
  recipient: { id: string; class: "User" | "Organization" };
  comment: string;
}

export interface Notification extends Open {
  id: string;
  created_at: string;
  handled_at: string | null;
  user: UserRef;
  details: Record<string, unknown>;
}

export interface Activity extends Open {
  actor: UserRef;
  organization: OrgRef | null;
  related_to: string;
  related_to_id: string;
  related_to_kind: string;
  created_at: string;
  label: string;
  key: string;
  icon: string;
}

export interface Report extends Open {
  id: string;
  by: UserRef | null;
  subject: Ref;
  reason: string;
  message: string;
  reported_at: string;
  dismissed_at?: string | null;
}

export interface SitePage extends Open {
  id: string;
  blocs: Record<string, unknown>[];
  created_at: string;
  last_modified: string;
}

export interface WorkerJob extends Open {
  id: string;
  name: string;
  task: string;
  description?: string;
  enabled: boolean;
  crontab?: Record<string, string> | null;
  interval?: { every: number; period: string } | null;
  args: unknown[];
  kwargs: Record<string, unknown>;
  last_run_at?: string | null;
}

export interface WorkerTask extends Open {
  id: string;
  name: string;
  status: string;
  result?: unknown;
}

export interface Label extends Open {
  id: string;
  label: string;
}

export interface Follow extends Open {
  id: string;
  follower: UserRef;
  since: string;
}

export interface ApiKey extends Open {
  apikey: string;
}

export interface SpatialCoverage extends Open {
  type: "FeatureCollection";
  features: { id: string; type: "Feature"; properties: Record<string, unknown>; geometry?: unknown }[];
}

export interface MyMetrics extends Open {
  id: string;
  resources_availability: number;
  datasets_count: number;
  datasets_org_count: number;
  followers_count: number;
  followers_org_count: number;
}

export type { Dataset };
