import type { SandboxRequest } from "../types.ts";
import type { Account } from "./accounts.ts";
import type { Model } from "./marshal/fields.ts";
import { MainError } from "./respond.ts";
import type { Doc, Kind } from "./seed.ts";
import type { MainStore } from "./store.ts";
import { SEARCH_WINDOW } from "./filters.ts";

/** A read route's means: answer through a model, find objects as udata's converters do. */
export interface ReadContext {
  store: MainStore;
  request: SandboxRequest;
  viewer: Account | undefined;
  send(body: unknown, model: Model): void;
  /** Plain JSON, for the routes that return what they build (no marshal_with, no X-Fields). */
  sendPlain(body: unknown): void;
  get(kind: Kind, idOrSlug: string, gone?: (doc: Doc) => boolean): Doc;
  canEdit(doc: Doc): boolean;
}

/** udata/core/dataset/api.py suggest_parser, and the other suggest endpoints' `q`. */
export const SUGGEST_HELP = "The string to autocomplete/suggest";

export function searchWindow(page: number, pageSize: number): void {
  if (page * pageSize > SEARCH_WINDOW) {
    const max = Math.floor(SEARCH_WINDOW / pageSize);
    throw new MainError(
      400,
      `Result window is too large: page ${page} with page_size ${pageSize} exceeds the maximum of ` +
        `${SEARCH_WINDOW} results. Maximum page for this page_size is ${max}.`,
    );
  }
}

export function findResource(store: MainStore, resourceId: string): { dataset: Doc; resource: Doc } | undefined {
  for (const dataset of store.all("datasets")) {
    const resource = [...(dataset.resources ?? []), ...(dataset.community_resources ?? [])].find(
      (r: Doc) => r.id === resourceId,
    );
    if (resource) return { dataset, resource };
  }
  return undefined;
}
