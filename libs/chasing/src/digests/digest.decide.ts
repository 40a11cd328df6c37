import { deliveryAt, digestsInWords } from '../mail-preferences/mail-preference.js';
import { DigestWindow, digestKey } from './digest-window.js';

/** A submission as a digest needs to choose it: where it stands in the log, when, whose theme, who heard. */
export interface WindowSubmission {
  kind: 'submission';
  /** Its event's global position: the order of the log. */
  position: number;
  at: Date;
  returnId: string;
  partnershipId: string;
  themeId: string;
  /** Who was already mailed about it at once (the return's notification ledger): not told again. */
  notified: readonly string[];
}

/**
 * A message on a return's conversation, with who is owed it in a digest: decided once, when it was posted, by
 * messageDelivery (the same rule that tells the at-once sender whom to mail), so no one gets it both ways.
 */
export interface WindowMessage {
  kind: 'message';
  position: number;
  at: Date;
  returnId: string;
  partnershipId: string;
  themeId: string;
  /** The staff (emails) whose choice, when it was posted, was a digest. */
  digestFor: readonly string[];
  /** Who was already mailed about it at once (the return's notification ledger): not told again. */
  notified: readonly string[];
}

/** What a window holds for digests: one kind per thing staff hear of. */
export type WindowItem = WindowSubmission | WindowMessage;

/** Someone who may be owed a digest: their themes (none: every theme) and their mail preference's events. */
export interface DigestReader {
  staffId: string;
  email: string;
  /** Reviewers hear of submissions; coordinators only of messages, when a theme has no reviewer. */
  role: 'reviewer' | 'coordinator';
  partnershipId: string;
  themeIds: readonly string[];
  preference: readonly { type: string; data: unknown; recordedAt: Date }[];
}

export type DigestDecision<S extends WindowItem> =
  /** The window is still open: nothing can be said yet. */
  | { type: 'wait'; until: Date }
  /** Nothing in the window for this reader: no mail (an empty digest is never sent). */
  | { type: 'nothing' }
  | { type: 'send'; key: string; items: S[] };

/** The reader reviews it: their partnership, and their theme (a reviewer with no themes reviews them all). */
export function readerReviews(reader: DigestReader, s: WindowSubmission): boolean {
  return (
    reader.role === 'reviewer' &&
    s.partnershipId === reader.partnershipId &&
    (reader.themeIds.length === 0 || reader.themeIds.includes(s.themeId))
  );
}

const inWindow = (w: DigestWindow, at: Date) =>
  at.getTime() >= w.start.getTime() && at.getTime() < w.end.getTime();

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The item is the reader's to hear of in a digest, whatever was mailed at once. */
function owedInDigest(reader: DigestReader, item: WindowItem): boolean {
  switch (item.kind) {
    case 'submission':
      return readerReviews(reader, item) && deliveryAt(reader.preference, item.at).delivery === 'digest';
    case 'message':
      return (
        item.partnershipId === reader.partnershipId && item.digestFor.some((e) => sameEmail(e, reader.email))
      );
    default: {
      const unhandled: never = item;
      throw new Error(`unhandled digest item ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * What the reader's digest of the window holds: the submissions in it they review and the messages owed them,
 * that came while their choice was a digest, and that they were not already mailed about at once; in log order.
 * A return submitted, sent back and submitted again in the window is listed once, at its last submission: that
 * is the one waiting for review, and "28 returns submitted" of 27 returns reads as a return the reader missed.
 */
export function digestItems<S extends WindowItem>(
  reader: DigestReader,
  window: DigestWindow,
  items: readonly S[],
): S[] {
  const owed = items
    .filter(
      (s) =>
        inWindow(window, s.at) &&
        owedInDigest(reader, s) &&
        !s.notified.some((n) => sameEmail(n, reader.email)),
    )
    .sort((a, b) => a.position - b.position);
  const lastSubmission = new Map<string, number>();
  for (const item of owed) if (item.kind === 'submission') lastSubmission.set(item.returnId, item.position);
  return owed.filter((i) => i.kind !== 'submission' || lastSubmission.get(i.returnId) === i.position);
}

export const EXCERPT_LENGTH = 200;

/** The first ~200 characters of a message on one line, cut at a word where there is one, marked when cut. */
export function messageExcerpt(body: string, length = EXCERPT_LENGTH): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  // Never inside a surrogate pair: half an emoji is a lone surrogate, shown as a broken character in the mail.
  const cut = flat.slice(0, length).replace(/[\ud800-\udbff]$/, '');
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > length / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}

/**
 * When a window closes, each reader is owed one digest listing their submissions and messages in it, or nothing. The mail
 * ledger keys it by person and window, so however often this is decided, and by however many workers, it goes
 * once.
 */
export function decideDigest<S extends WindowItem>(
  when: { now: Date; window: DigestWindow },
  reader: DigestReader,
  inWindow: readonly S[],
): DigestDecision<S> {
  if (when.now.getTime() < when.window.end.getTime()) return { type: 'wait', until: when.window.end };
  const items = digestItems(reader, when.window, inWindow);
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
