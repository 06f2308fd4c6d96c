import type { DiscussionInput, ReuseInput } from "../inputs.ts";
import type { Badge, Dataservice, Discussion, Post, Reuse } from "../models.ts";
import type { Upload } from "./invoke.ts";
import type { Follow, Label } from "./models.ts";
import { del, delAdmin, get, getWithKey, patch, post, postAdmin, put, putAdmin } from "./route.ts";

type Suggestion = Record<string, unknown>;
const R = "api/1/reuses";
const S = "api/1/dataservices";
const DI = "api/1/discussions";
const P = "api/1/posts";

export const REUSE_HAND = {
  list: get(`${R}/`, "reuses, filtered").page<Reuse>(),
  create: post(`${R}/`, "publish a reuse").send<ReuseInput, Reuse>(),
  get: getWithKey(`${R}/{reuse}/`, "one reuse").json<Reuse>(),
  update: put(`${R}/{reuse}/`, "edit a reuse").send<ReuseInput, Reuse>(),
  delete: del(`${R}/{reuse}/`, "delete a reuse").empty(),
  addDataset: post(`${R}/{reuse}/datasets/`, "link a dataset").send<{ id: string; class: "Dataset" }, Reuse>(),
  follow: post(`${R}/{id}/followers/`, "follow it").json<{ followers: number }>(),
  unfollow: del(`${R}/{id}/followers/`, "stop following it").json<{ followers: number }>(),
} as const;

export const REUSE_ROUTES = {
  addDataservice: post(`${R}/{reuse}/dataservices/`, "link a dataservice").send<
    { id: string; class: "Dataservice" },
    Reuse
  >(),
  availableBadges: get(`${R}/badges/`, "badge kinds and labels").json<Record<string, string>>(),
  addBadge: postAdmin(`${R}/{reuse}/badges/`, "award a badge").send<{ kind: string }, Badge>(),
  removeBadge: delAdmin(`${R}/{reuse}/badges/{badge_kind}/`, "remove a badge").empty(),
  feature: postAdmin(`${R}/{reuse}/featured/`, "feature it").json<Reuse>(),
  unfeature: delAdmin(`${R}/{reuse}/featured/`, "stop featuring it").json<Reuse>(),
  uploadImage: post(`${R}/{reuse}/image/`, "upload its image").send<Upload, { image: string; success: boolean }>(),
  topics: get(`${R}/topics/`, "reuse topics").json<Label[]>(),
  types: get(`${R}/types/`, "reuse types").json<Label[]>(),
  suggest: get(`${R}/suggest/`, "reuses for autocompletion").json<Suggestion[]>(),
  followers: get(`${R}/{id}/followers/`, "its followers").page<Follow>(),
  recent: get(`${R}/recent.atom`, "the newest reuses, as an Atom feed").stream("application/atom+xml"),
} as const;

export interface DataserviceInput {
  title?: string | undefined;
  description?: string | undefined;
  base_api_url?: string | undefined;
  machine_documentation_url?: string | undefined;
  organization?: string | undefined;
  license?: string | undefined;
  private?: boolean | undefined;
  datasets?: string[] | undefined;
}

export const DATASERVICE_HAND = {
  list: get(`${S}/`, "dataservices, filtered").page<Dataservice>(),
  get: getWithKey(`${S}/{dataservice}/`, "one dataservice").json<Dataservice>(),
} as const;

export const DATASERVICE_ROUTES = {
  create: post(`${S}/`, "publish a dataservice").send<DataserviceInput, Dataservice>(),
  update: patch(`${S}/{dataservice}/`, "edit it").send<DataserviceInput, Dataservice>(),
  delete: del(`${S}/{dataservice}/`, "delete it").empty(),
  addDatasets: post(`${S}/{dataservice}/datasets/`, "link datasets").send<{ id: string }[], Dataservice>(),
  removeDataset: del(`${S}/{dataservice}/datasets/{dataset}/`, "unlink a dataset").empty(),
  feature: postAdmin(`${S}/{dataservice}/featured/`, "feature it").json<Dataservice>(),
  unfeature: delAdmin(`${S}/{dataservice}/featured/`, "stop featuring it").json<Dataservice>(),
  rdf: get(`${S}/{dataservice}/rdf`, "its DCAT description (redirects to JSON-LD)").stream("application/ld+json"),
  rdfAs: get(`${S}/{dataservice}/rdf.{_format}`, "its DCAT description: json, jsonld, ttl, xml, n3, nt").stream(
    "application/ld+json",
  ),
  followers: get(`${S}/{id}/followers/`, "its followers").page<Follow>(),
  follow: post(`${S}/{id}/followers/`, "follow it").json<{ followers: number }>(),
  unfollow: del(`${S}/{id}/followers/`, "stop following it").json<{ followers: number }>(),
  recent: get(`${S}/recent.atom`, "the newest dataservices, as an Atom feed").stream("application/atom+xml"),
} as const;

export const DISCUSSION_HAND = {
  list: get(`${DI}/`, "discussions, by subject").page<Discussion>(),
  open: post(`${DI}/`, "start a discussion").send<DiscussionInput, Discussion>(),
  get: get(`${DI}/{id}/`, "one discussion").json<Discussion>(),
  comment: post(`${DI}/{id}/`, "comment on it, or close it").send<{ comment: string; close?: boolean }, Discussion>(),
} as const;

export const DISCUSSION_ROUTES = {
  update: put(`${DI}/{id}/`, "edit its title (its author)").send<{ title: string }, Discussion>(),
  delete: delAdmin(`${DI}/{id}/`, "delete it (administrators)").empty(),
  editComment: put(`${DI}/{id}/comments/{cidx}/`, "edit a comment (its author)").send<
    { comment: string },
    Discussion
  >(),
  deleteComment: del(`${DI}/{id}/comments/{cidx}/`, "delete a comment (its author)").empty(),
  unspamComment: delAdmin(
    `${DI}/{id}/comments/{cidx}/spam/`,
    "a comment is not spam (administrators)",
  ).json<Discussion>(),
  unspam: delAdmin(`${DI}/{id}/spam/`, "a discussion is not spam (administrators)").json<Discussion>(),
} as const;

export interface PostInput {
  name?: string | undefined;
  headline?: string | undefined;
  content?: string | undefined;
  body_type?: "markdown" | "html" | "blocs" | undefined;
  kind?: "news" | "page" | undefined;
  datasets?: string[] | undefined;
  reuses?: string[] | undefined;
  tags?: string[] | undefined;
}

export const POST_HAND = {
  list: get(`${P}/`, "published posts").page<Post>(),
  get: get(`${P}/{post}/`, "one post").json<Post>(),
} as const;

export const POST_ROUTES = {
  create: postAdmin(`${P}/`, "write a post (administrators)").send<PostInput, Post>(),
  update: putAdmin(`${P}/{post}/`, "edit a post (administrators)").send<PostInput, Post>(),
  delete: delAdmin(`${P}/{post}/`, "delete a post (administrators)").empty(),
  uploadImage: postAdmin(`${P}/{post}/image/`, "upload its image").send<Upload, { image: string; success: boolean }>(),
  cropImage: putAdmin(`${P}/{post}/image/`, "set its image's crop").send<
    { bbox?: number[] },
    { image: string; success: boolean }
  >(),
  publish: postAdmin(`${P}/{post}/publish/`, "publish it").json<Post>(),
  unpublish: delAdmin(`${P}/{post}/publish/`, "unpublish it").json<Post>(),
  recent: get(`${P}/recent.atom`, "the newest posts, as an Atom feed").stream("application/atom+xml"),
} as const;
