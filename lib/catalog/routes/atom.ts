import type { TypedStream } from "./invoke.ts";

export interface AtomEntry {
  id: string;
  title: string;
  link: string | null;
  updated: string | null;
  published: string | null;
  summary: string | null;
}

/** The entries of an Atom feed (the `recent.atom` routes), read with linkedom's XML parser. */
export async function atomEntries(feed: TypedStream | string): Promise<AtomEntry[]> {
  const text = typeof feed === "string" ? feed : await feed.text();
  // loaded on first use: the client's entry point stays free of an XML parser
  const { DOMParser } = await import("linkedom");
  const document = new DOMParser().parseFromString(text, "text/xml");
  const child = (entry: Element, name: string) => entry.getElementsByTagName(name)[0]?.textContent ?? null;
  return [...document.getElementsByTagName("entry")].map((entry) => ({
    id: child(entry, "id") ?? "",
    title: child(entry, "title") ?? "",
    link: entry.getElementsByTagName("link")[0]?.getAttribute("href") ?? null,
    updated: child(entry, "updated"),
    published: child(entry, "published"),
    summary: child(entry, "summary"),
  }));
}
