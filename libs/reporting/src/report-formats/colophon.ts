import { LogDigest } from '../../../event-store/src/index.js';
import { clockInWords, dayInWords } from '../../../kernel/src/index.js';

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

/**
 * What a report as it stood at an instant says of it, in every format: "As it stood at 1:00pm on 30 April 2020",
 * on a London clock. Each printed the instant as stored ("2020-04-30T12:00:00.000Z"), an hour out in summer to
 * a reader who took it for UK time.
 */
export function asAtLine(asAt: string): string {
  return `As it stood at ${clockInWords(asAt)} on ${dayInWords(asAt)}`;
}
