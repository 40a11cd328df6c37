import { dayInWords } from '../../../kernel/src/index.js';

export { dayInWords };

/** Where a publication came from, as every format prints it once, at its end. */
export interface PublicationFacts {
  publication: number;
  publishedAt: string;
  contentHash: string;
}

/**
 * The one colophon line of a publication: "Publication 2, published 3 December 2026. Content hash: 8eac…". The
 * hash is what the ETag and the ReportPublished event carry, so a reader can tell two printings apart.
 */
export function colophon(p: PublicationFacts): string {
  return `Publication ${p.publication}, published ${dayInWords(p.publishedAt)}. Content hash: ${p.contentHash}`;
}
