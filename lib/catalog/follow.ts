import type { HttpClient } from "../http/client.ts";

export type Followable = "datasets" | "organizations" | "reuses" | "dataservices" | "users";

/**
 * Follows (or stops following) an object as the key's user; resolves to its number of followers afterwards. Following
 * twice is harmless (udata answers 200 instead of 201), so the request may be replayed.
 */
export async function follow(http: HttpClient, collection: Followable, id: string, on: boolean): Promise<number> {
  const body = await http.json<{ followers: number }>(
    "main",
    `api/1/${collection}/${encodeURIComponent(id)}/followers/`,
    {
      method: on ? "POST" : "DELETE",
      auth: true,
      idempotent: on,
    },
  );
  return body.followers;
}
