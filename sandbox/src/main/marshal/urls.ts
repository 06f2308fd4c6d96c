import { SANDBOX_ORIGIN, type Doc } from "../seed.ts";

/**
 * The links udata computes for an object rather than stores: `self_api_url` (Flask's url_for, absolute, on the API's
 * own host) and `self_web_url` (udata/uris.py cdata_url: the front end's base joined with the path, no trailing slash).
 * Both name the object by its slug when it has one (udata/core/linkable.py `_link_id`).
 */
export const WEB_ORIGIN = "https://www.data.gouv.fr";

export const linkId = (doc: Doc) => doc.slug || doc.id;
export const apiUrl = (path: string) => `${SANDBOX_ORIGIN}/api/${path}`;
export const webUrl = (path: string) => `${WEB_ORIGIN}/${path}`;
