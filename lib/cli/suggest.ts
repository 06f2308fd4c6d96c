/** The edits (insert, delete, replace, swap two neighbours) between two words: optimal string alignment distance. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * The known words a mistyped one was most likely meant to be: the closest within a third of its length (at least one
 * edit, at most three), or the only one it begins, as an abbreviation.
 */
export function closest(word: string, known: Iterable<string>): string[] {
  const words = [...new Set(known)];
  const lower = word.toLowerCase();
  const scored = words.map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }));
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const best = Math.min(...scored.map((s) => s.distance));
  if (best <= allowed) return scored.filter((s) => s.distance === best).map((s) => s.candidate);
  const prefixed = lower.length >= 2 ? words.filter((candidate) => candidate.toLowerCase().startsWith(lower)) : [];
  return prefixed.length === 1 ? prefixed : [];
}

/** `: did you mean X?` to end a message with, or nothing when no known word is close. */
export function didYouMean(word: string, known: Iterable<string>, show: (word: string) => string = (w) => w): string {
  const found = closest(word, known);
  if (!found.length) return "";
  return `: did you mean ${found.map(show).join(" or ")}?`;
}
