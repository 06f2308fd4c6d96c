/** udata's tag constraints (udata/tags.py): shorter tags are dropped, longer ones cut. */
export const MIN_TAG_LENGTH = 3;
export const MAX_TAG_LENGTH = 96;

/**
 * A tag as udata stores it: lower case, slugified (accents folded to ASCII, every run of other characters one dash),
 * cut at 96 characters; "" for one shorter than 3, which udata drops.
 */
export function normalizeTag(tag: string): string {
  const slug = tag
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.length < MIN_TAG_LENGTH ? "" : slug.slice(0, MAX_TAG_LENGTH);
}

/** A list of tags as udata keeps it: normalized, without empties or repeats. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(normalizeTag).filter(Boolean))];
}
