import {
  DATASERVICE_HAND,
  DATASERVICE_ROUTES,
  DISCUSSION_HAND,
  DISCUSSION_ROUTES,
  POST_HAND,
  POST_ROUTES,
  REUSE_HAND,
  REUSE_ROUTES,
} from "./community.ts";

export const COMMUNITY_GROUPS = {
  reuses: { hand: REUSE_HAND, routes: REUSE_ROUTES },
  dataservices: { hand: DATASERVICE_HAND, routes: DATASERVICE_ROUTES },
  discussions: { hand: DISCUSSION_HAND, routes: DISCUSSION_ROUTES },
  posts: { hand: POST_HAND, routes: POST_ROUTES },
};
