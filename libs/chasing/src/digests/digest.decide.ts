import { deliveryAt, digestsInWords } from '../mail-preferences/mail-preference.js';
import { DigestWindow, digestKey } from './digest-window.js';

/** A submission as a digest needs to choose it: where it stands in the log, when, and whose theme it is in. */
export interface WindowSubmission {
  /** Its event's global position: the order of the log, and which job speaks for the digest. */
  position: number;
  at: Date;
  returnId: string;
  partnershipId: string;
  themeId: string;
}

/** Someone who may be owed a digest: their themes (none: every theme) and their mail preference's events. */
export interface DigestReader {
  staffId: string;
  partnershipId: string;
  themeIds: readonly string[];
  preference: readonly { type: string; data: unknown; recordedAt: Date }[];
}

export type DigestDecision<S extends WindowSubmission> =
  /** The window is still open: nothing can be said yet. */
  | { type: 'wait'; until: Date }
  /** This submission is not in the reader's digest (another theme, or it was mailed at once). */
  | { type: 'not-theirs' }
  /** The digest is the job of the window's first submission for this reader. */
  | { type: 'left-to'; position: number }
  | { type: 'send'; key: string; items: S[] };

/** The reader hears of it: their theme, their partnership, and their choice when it happened was a digest. */
export function readerHearsOf(reader: DigestReader, s: WindowSubmission): boolean {
  return (
    s.partnershipId === reader.partnershipId &&
    (reader.themeIds.length === 0 || reader.themeIds.includes(s.themeId))
  );
}

const inWindow = (w: DigestWindow, at: Date) =>
  at.getTime() >= w.start.getTime() && at.getTime() < w.end.getTime();

/** What the reader's digest of the window holds: their submissions in it that were for a digest, in log order. */
export function digestItems<S extends WindowSubmission>(
  reader: DigestReader,
  window: DigestWindow,
  submissions: readonly S[],
): S[] {
  return submissions
    .filter(
      (s) =>
        inWindow(window, s.at) &&
        readerHearsOf(reader, s) &&
        deliveryAt(reader.preference, s.at).delivery === 'digest',
    )
    .sort((a, b) => a.position - b.position);
}

/**
 * When the job of one submission runs: once the window has closed, the digest is sent by the job of the
 * window's first submission for the reader, and lists every one of theirs in the window. Every submission owes
 * its own job (so nothing rests on one job alone), and the mail ledger keys the digest by person and window, so
 * however many of them run, and however often, it goes once.
 */
export function decideDigest<S extends WindowSubmission>(
  when: { now: Date; window: DigestWindow; submission: WindowSubmission },
  reader: DigestReader,
  submissions: readonly S[],
): DigestDecision<S> {
  if (when.now.getTime() < when.window.end.getTime()) return { type: 'wait', until: when.window.end };
  const items = digestItems(reader, when.window, submissions);
  if (!items.some((i) => i.position === when.submission.position)) return { type: 'not-theirs' };
  if (items[0].position !== when.submission.position) return { type: 'left-to', position: items[0].position };
  return { type: 'send', key: digestKey(when.window), items };
}

/** "you chose hourly digests" / "hourly digests are the default": the reader's choice in force then. */
export function deliveryInWords(
  preference: DigestReader['preference'],
  at: Date,
  intervalMs: number,
): string {
  const state = deliveryAt(preference, at);
  const digests = digestsInWords(intervalMs);
  if (state.status === 'default') return `${digests} are the default`;
  return state.delivery === 'digest'
    ? `you chose ${digests}`
    : 'you chose one mail for each submission at once';
}
