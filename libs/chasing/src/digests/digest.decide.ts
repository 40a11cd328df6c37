import { deliveryAt, digestsInWords } from '../mail-preferences/mail-preference.js';
import { DigestWindow, digestKey } from './digest-window.js';

/** A submission as a digest needs to choose it: where it stands in the log, when, whose theme, who heard. */
export interface WindowSubmission {
  /** Its event's global position: the order of the log. */
  position: number;
  at: Date;
  returnId: string;
  partnershipId: string;
  themeId: string;
  /** Who was already mailed about it at once (the return's notification ledger): not told again. */
  notified: readonly string[];
}

/** Someone who may be owed a digest: their themes (none: every theme) and their mail preference's events. */
export interface DigestReader {
  staffId: string;
  email: string;
  partnershipId: string;
  themeIds: readonly string[];
  preference: readonly { type: string; data: unknown; recordedAt: Date }[];
}

export type DigestDecision<S extends WindowSubmission> =
  /** The window is still open: nothing can be said yet. */
  | { type: 'wait'; until: Date }
  /** Nothing in the window for this reader: no mail (an empty digest is never sent). */
  | { type: 'nothing' }
  | { type: 'send'; key: string; items: S[] };

/** The reader reviews it: their partnership, and their theme (a reviewer with no themes reviews them all). */
export function readerReviews(reader: DigestReader, s: WindowSubmission): boolean {
  return (
    s.partnershipId === reader.partnershipId &&
    (reader.themeIds.length === 0 || reader.themeIds.includes(s.themeId))
  );
}

const inWindow = (w: DigestWindow, at: Date) =>
  at.getTime() >= w.start.getTime() && at.getTime() < w.end.getTime();

/**
 * What the reader's digest of the window holds: the submissions in it they review, that came while their choice
 * was a digest, and that they were not already mailed about at once; in log order.
 */
export function digestItems<S extends WindowSubmission>(
  reader: DigestReader,
  window: DigestWindow,
  submissions: readonly S[],
): S[] {
  const email = reader.email.toLowerCase();
  return submissions
    .filter(
      (s) =>
        inWindow(window, s.at) &&
        readerReviews(reader, s) &&
        deliveryAt(reader.preference, s.at).delivery === 'digest' &&
        !s.notified.some((n) => n.toLowerCase() === email),
    )
    .sort((a, b) => a.position - b.position);
}

/**
 * When a window closes, each reader is owed one digest listing their submissions in it, or nothing. The mail
 * ledger keys it by person and window, so however often this is decided, and by however many workers, it goes
 * once.
 */
export function decideDigest<S extends WindowSubmission>(
  when: { now: Date; window: DigestWindow },
  reader: DigestReader,
  submissions: readonly S[],
): DigestDecision<S> {
  if (when.now.getTime() < when.window.end.getTime()) return { type: 'wait', until: when.window.end };
  const items = digestItems(reader, when.window, submissions);
  return items.length === 0 ? { type: 'nothing' } : { type: 'send', key: digestKey(when.window), items };
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
