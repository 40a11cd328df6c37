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
): Remembered<T> {
  const kept = new Map<string, T>();
  let bytes = 0;
  const size = (key: string, value: T) => 2 * key.length + bytesOf(value) + ENTRY_OVERHEAD;
  everyKept.add(() => {
    kept.clear();
    bytes = 0;
  });
  const readKept = (text: string): T => {
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
  return Object.assign(readKept, { held: () => [...kept.values()] });
}

/** A text's reading, kept (see remembered); `held` gives what is kept now. */
export type Remembered<T> = ((text: string) => T) & { held(): T[] };

/** How to empty each kept reading of this process. */
const everyKept = new Set<() => void>();

/**
 * Empties every kept reading of this process (rendered HTML, a PDF's pieces). A redaction calls it: the HTML of
 * the text as it read before held the passage, and stayed (under the old text's hash, which nothing reads again)
 * until the least recently read went, so a heap dump or a bug reading the cache could still give the passage
 * back. The kept values are keyed by hash, without their text, so which held it cannot be told apart from the
 * HTML (a passage split by tags, `**Sam** Example`): all go, and are rendered again as they are read.
 */
export function forgetKeptReadings(): void {
  for (const empty of everyKept) empty();
}

/** A string's bytes as counted here: two a UTF-16 code unit. */
export const textBytes = (text: string): number => 2 * text.length;

/** What a map entry costs beside its strings, roughly: the count is a bound, not an exact figure. */
const ENTRY_OVERHEAD = 64;
