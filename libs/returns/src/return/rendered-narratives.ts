import { createHash } from 'node:crypto';

/**
 * A narrative's HTML kept by the SHA-256 of its text, the least recently read going first once the HTML kept
 * passes `budgetBytes`. A return of 2 MB of Markdown (its narrative and its case studies' sections) took about
 * 0.6 s of the api's one thread to render, on every view of the return page, the review page and every report
 * that printed it, every other request waiting: the same text is now rendered once while it is read. The key is
 * the hash, not the text, so a long text is not held twice; HTML longer than the budget is not kept at all.
 */
export function remembered(render: (text: string) => string, budgetBytes: number): (text: string) => string {
  const kept = new Map<string, string>();
  let bytes = 0;
  const size = (key: string, html: string) => 2 * (key.length + html.length) + ENTRY_OVERHEAD;
  return (text) => {
    // Its UTF-16 code units, as held: UTF-8 would write every lone surrogate as the same U+FFFD, and two texts
    // differing only in those would share one HTML.
    const key = createHash('sha256').update(text, 'utf16le').digest('base64');
    const hit = kept.get(key);
    if (hit !== undefined) {
      // Read again: the most recent, last in the map's order.
      kept.delete(key);
      kept.set(key, hit);
      return hit;
    }
    const html = render(text);
    const cost = size(key, html);
    if (cost > budgetBytes) return html;
    kept.set(key, html);
    bytes += cost;
    for (const [oldest, old] of kept) {
      if (bytes <= budgetBytes) break;
      kept.delete(oldest);
      bytes -= size(oldest, old);
    }
    return html;
  };
}

/** What a map entry costs beside its strings, roughly: the count is a bound, not an exact figure. */
const ENTRY_OVERHEAD = 64;
