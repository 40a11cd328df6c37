import { createHash } from 'node:crypto';

/**
 * What `read` makes of a text, kept by the SHA-256 of the text, the least recently used going first once what is
 * kept passes `budgetBytes` (`bytesOf` counts a value). A return of 2 MB of Markdown (its narrative and its case
 * studies' sections) took about 0.6 s of the api's one thread to render, on every view of the return page, the
 * review page and every report that printed it, every other request waiting: the same text is now read once
 * while it is in use. The key is the hash, not the text, so a long text is not held twice; a value larger than
 * the budget is not kept at all.
 */
export function remembered<T>(
  read: (text: string) => T,
  budgetBytes: number,
  bytesOf: (value: T) => number,
): (text: string) => T {
  const kept = new Map<string, T>();
  let bytes = 0;
  const size = (key: string, value: T) => 2 * key.length + bytesOf(value) + ENTRY_OVERHEAD;
  return (text) => {
    // Its UTF-16 code units, as held: UTF-8 would write every lone surrogate as the same U+FFFD, and two texts
    // differing only in those would share one value.
    const key = createHash('sha256').update(text, 'utf16le').digest('base64');
    const hit = kept.get(key);
    if (hit !== undefined) {
      // Used again: the most recent, last in the map's order.
      kept.delete(key);
      kept.set(key, hit);
      return hit;
    }
    const value = read(text);
    const cost = size(key, value);
    if (cost > budgetBytes) return value;
    kept.set(key, value);
    bytes += cost;
    for (const [oldest, old] of kept) {
      if (bytes <= budgetBytes) break;
      kept.delete(oldest);
      bytes -= size(oldest, old);
    }
    return value;
  };
}

/** A string's bytes as counted here: two a UTF-16 code unit. */
export const textBytes = (text: string): number => 2 * text.length;

/** What a map entry costs beside its strings, roughly: the count is a bound, not an exact figure. */
const ENTRY_OVERHEAD = 64;
