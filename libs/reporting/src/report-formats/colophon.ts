import { LogDigest } from '../../../event-store/src/index.js';
import { dayInWords } from '../../../kernel/src/index.js';

export { dayInWords };

/** Where a publication came from, as every format prints it once, at its end. */
export interface PublicationFacts {
  publication: number;
  publishedAt: string;
  contentHash: string;
  /** The tamper-evident log's checkpoint digest the publication recorded, if any (issue 17 point 1). */
  logDigest?: LogDigest | null;
}

/**
 * The one colophon line of a publication: "Publication 2, published 3 December 2026. Content hash: 8eac…". The
 * hash is what the ETag and the ReportPublished event carry, so a reader can tell two printings apart.
 */
export function colophon(p: PublicationFacts): string {
  const line = `Publication ${p.publication}, published ${dayInWords(p.publishedAt)}. Content hash: ${p.contentHash}`;
  return p.logDigest ? `${line}. ${logDigestLine(p.logDigest)}` : line;
}

/** What `npm run log:verify -- --digest` needs from a printed report: the root and its fence. */
export function logDigestLine(d: LogDigest): string {
  return `Log digest: root ${d.root}, fence ${d.fence}, position ${d.position}, checkpoint of ${d.at}`;
}
