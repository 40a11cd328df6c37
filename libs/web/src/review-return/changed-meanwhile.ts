import { HistoryLine } from '../return-history/history-words.js';

/** Why a decision made on the review page was not recorded, and what happened instead, in words. */
export interface ChangedMeanwhile {
  /** The error summary's line. */
  summary: string;
  /** What was done to the return after the version the person read, oldest first. */
  since: HistoryLine[];
}

/**
 * A reviewer's decision refused because the return moved on while they read it (another reviewer decided it,
 * the lead took it back, a coordinator withdrew it). The page says so in words and names who did what since
 * the version they saw, rather than a bare "this has changed": they need to know whether to do anything at all.
 * The history is the review page's, newest first; its message and file lines have versions of other streams.
 */
export function changedMeanwhile(
  history: HistoryLine[],
  seenVersion: number | undefined,
  now: { status: string; signOff: string },
): ChangedMeanwhile {
  const since = history
    .filter(
      (line) => !line.message && !line.file && (seenVersion === undefined || line.version > seenVersion),
    )
    .reverse();
  return {
    summary: `This return changed while you had it open, so your decision was not recorded. It ${standing(now)}.`,
    since,
  };
}

/** Where the return stands now, in the words of what the reviewer can still do about it. */
function standing({ status, signOff }: { status: string; signOff: string }): string {
  if (status === 'submitted') return 'is waiting for review: read it again before you decide';
  if (status === 'approved' && signOff === 'two-stage') return 'is approved and waiting for acceptance';
  if (status === 'draft' || status === 'requested') return 'is back with the agency lead';
  return `is ${status}`;
}

/**
 * The refused decision is one the same person already made at the version they read, and nothing else came
 * since: a second press of the button (a double click, or the same page left open in another tab). It is done,
 * so the page says so as if this press had done it, rather than that someone else changed the return.
 */
export function sameDecisionAgain(
  history: readonly { version: number; type: string; actorId: string }[],
  seenVersion: number | undefined,
  actorId: string,
  decision: string,
): boolean {
  if (seenVersion === undefined) return false;
  const since = history.filter((h) => h.version > seenVersion);
  return since.length === 1 && since[0].type === decision && since[0].actorId === actorId;
}
