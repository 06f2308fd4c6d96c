import type { Badge, Dataset, Discussion, Member, Organization, Reuse, User } from "../models.ts";
import type { Upload } from "./invoke.ts";
import type { ContactPoint, Follow, Label, MembershipRequest } from "./models.ts";
import { del, delAdmin, get, getMine, getWithKey, post, postAdmin, put } from "./route.ts";

type Suggestion = Record<string, unknown>;
const O = "api/1/organizations";

export interface OrganizationInput {
  name?: string | undefined;
  acronym?: string | undefined;
  description?: string | undefined;
  url?: string | undefined;
  business_number_id?: string | undefined;
}

/** Organization routes the Organizations class calls by hand (udata/core/organization/api.py). */
export const ORGANIZATION_HAND = {
  list: get(`${O}/`, "organizations").page<Organization>(),
  get: get(`${O}/{org}/`, "one organization").json<Organization>(),
  follow: post(`${O}/{id}/followers/`, "follow it").json<{ followers: number }>(),
  unfollow: del(`${O}/{id}/followers/`, "stop following it").json<{ followers: number }>(),
  datasets: getWithKey(`${O}/{org}/datasets/`, "its datasets").page<Dataset>(),
  reuses: get(`${O}/{org}/reuses/`, "its reuses").json<Reuse[]>(),
  suggest: get(`${O}/suggest/`, "organizations for autocompletion").json<Suggestion[]>(),
} as const;

export const ORGANIZATION_ROUTES = {
  create: post(`${O}/`, "create an organization (its creator becomes its admin)").send<
    OrganizationInput,
    Organization
  >(),
  update: put(`${O}/{org}/`, "edit it (its admins)").send<OrganizationInput, Organization>(),
  delete: del(`${O}/{org}/`, "delete it (its admins)").empty(),
  addMember: post(`${O}/{org}/member/{user}/`, "add a member with a role (its admins)").send<
    { role: "admin" | "editor" | "partial_editor" },
    Member
  >(),
  updateMember: put(`${O}/{org}/member/{user}/`, "change a member's role (its admins)").send<
    { role: "admin" | "editor" | "partial_editor" },
    Member
  >(),
  removeMember: del(`${O}/{org}/member/{user}/`, "remove a member (its admins)").empty(),
  membershipRequests: getMine(`${O}/{org}/membership/`, "membership requests (its admins)").json<
    MembershipRequest[],
    { status?: "pending" | "accepted" | "refused" }
  >(),
  requestMembership: post(`${O}/{org}/membership/`, "ask to become a member").send<
    { comment?: string | undefined },
    MembershipRequest
  >(),
  acceptMembership: post(`${O}/{org}/membership/{id}/accept/`, "accept a request (its admins)")
    .as("/organizations/{id}/membership/accept/{id}/")
    .json<Member>(),
  refuseMembership: post(`${O}/{org}/membership/{id}/refuse/`, "refuse a request (its admins)")
    .as("/organizations/{id}/membership/refuse/{id}/")
    .sendEmpty<{ comment?: string | undefined }>(),
  discussions: get(`${O}/{org}/discussions/`, "discussions on its objects").json<Discussion[]>(),
  contacts: get(`${O}/{org}/contacts/`, "its contact points").page<ContactPoint>(),
  suggestContacts: get(`${O}/{org}/contacts/suggest/`, "its contact points for autocompletion").json<Suggestion[]>(),
  datasetsCsv: get(`${O}/{org}/datasets.csv`, "its datasets as CSV").stream("text/csv"),
  dataservicesCsv: get(`${O}/{org}/dataservices.csv`, "its dataservices as CSV").stream("text/csv"),
  datasetsResourcesCsv: get(`${O}/{org}/datasets-resources.csv`, "its datasets' resources as CSV").stream("text/csv"),
  discussionsCsv: get(`${O}/{org}/discussions.csv`, "discussions on its datasets as CSV").stream("text/csv"),
  catalog: get(`${O}/{org}/catalog`, "its DCAT catalog (redirects to JSON-LD)").stream("application/ld+json"),
  catalogAs: get(`${O}/{org}/catalog.{_format}`, "its DCAT catalog: json, jsonld, ttl, xml, n3, nt").stream(
    "application/ld+json",
  ),
  availableBadges: get(`${O}/badges/`, "badge kinds and labels").json<Record<string, string>>(),
  addBadge: postAdmin(`${O}/{org}/badges/`, "award a badge").send<{ kind: string }, Badge>(),
  removeBadge: delAdmin(`${O}/{org}/badges/{badge_kind}/`, "remove a badge").empty(),
  uploadLogo: post(`${O}/{org}/logo/`, "upload its logo").send<Upload, { image: string; success: boolean }>(),
  cropLogo: put(`${O}/{org}/logo/`, "set the logo's thumbnail crop").send<
    { bbox?: number[] },
    { image: string; success: boolean }
  >(),
  roles: get(`${O}/roles/`, "member roles").json<Label[]>(),
  followers: get(`${O}/{id}/followers/`, "its followers").page<Follow>(),
} as const;

export type { User };
