import type { Dataset, Discussion, Reuse, User } from "../models.ts";
import type { Upload } from "./invoke.ts";
import type { ApiKey, CommunityResource, ContactPoint, Follow, Label, MyMetrics } from "./models.ts";
import { del, delAdmin, get, getAdmin, getMine, post, postAdmin, put, putAdmin } from "./route.ts";

type Suggestion = Record<string, unknown>;
const U = "api/1/users";
const ME = "api/1/me";

export interface UserInput {
  first_name?: string | undefined;
  last_name?: string | undefined;
  about?: string | undefined;
  website?: string | undefined;
  email?: string | undefined;
  roles?: string[] | undefined;
}

/** User routes the Users class calls by hand (udata/core/user/api.py). */
export const USER_HAND = {
  get: get(`${U}/{user}/`, "one user").json<User>(),
  suggest: get(`${U}/suggest/`, "users for autocompletion").json<Suggestion[]>(),
} as const;

export const USER_ROUTES = {
  list: getAdmin(`${U}/`, "users (administrators)").page<User>(),
  create: postAdmin(`${U}/`, "create a user (administrators)").send<UserInput, User>(),
  update: putAdmin(`${U}/{user}/`, "edit a user (administrators)").send<UserInput, User>(),
  delete: delAdmin(`${U}/{user}/`, "delete a user (administrators)").empty(),
  uploadAvatar: postAdmin(`${U}/{user}/avatar/`, "upload a user's avatar (administrators)").send<
    Upload,
    { image: string; success: boolean }
  >(),
  contacts: get(`${U}/{user}/contacts/`, "their contact points").page<ContactPoint>(),
  roles: get(`${U}/roles/`, "site roles").json<Label[]>(),
  followers: get(`${U}/{id}/followers/`, "their followers").page<Follow>(),
  follow: post(`${U}/{id}/followers/`, "follow them").json<{ followers: number }>(),
  unfollow: del(`${U}/{id}/followers/`, "stop following them").json<{ followers: number }>(),
} as const;

/** The key's owner (udata's `me` namespace). */
export const ME_ROUTES = {
  get: getMine(`${ME}/`, "the key's owner").json<User>(),
  update: put(`${ME}/`, "edit one's profile").send<UserInput, User>(),
  delete: del(`${ME}/`, "delete one's account").empty(),
  renewApiKey: post(`${ME}/apikey/`, "a new API key; the old one stops working").json<ApiKey>(),
  deleteApiKey: del(`${ME}/apikey/`, "clear one's API key").empty(),
  uploadAvatar: post(`${ME}/avatar/`, "upload one's avatar").send<Upload, { image: string; success: boolean }>(),
  datasets: getMine(`${ME}/datasets/`, "one's datasets").json<Dataset[]>(),
  reuses: getMine(`${ME}/reuses/`, "one's reuses").json<Reuse[]>(),
  metrics: getMine(`${ME}/metrics/`, "one's metrics").json<MyMetrics[]>(),
  orgDatasets: getMine(`${ME}/org_datasets/`, "datasets of one's organizations and one's own").json<
    Dataset[],
    { q?: string }
  >(),
  orgReuses: getMine(`${ME}/org_reuses/`, "reuses of one's organizations and one's own").json<
    Reuse[],
    { q?: string }
  >(),
  orgCommunityResources: getMine(`${ME}/org_community_resources/`, "community resources of one's organizations").json<
    CommunityResource[],
    { q?: string }
  >(),
  orgDiscussions: getMine(`${ME}/org_discussions/`, "discussions on one's organizations' objects").json<
    Discussion[],
    { q?: string }
  >(),
} as const;
