import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import {
  compareReturns,
  EvidenceListingView,
  EvidenceListing,
  GetCycle,
  GetReturn,
  PreviousApproved,
  renderNarrative,
  ReturnComparison,
  ReturnContent,
  ReturnView,
} from '../../../returns/src/index.js';
import { CyclePlanWords } from '../plan-words.js';
import { contentAsRead } from './as-read.js';
import { HistoryLine } from '../return-history/history-words.js';
import { ReturnHistory } from '../return-history/return-history.query.js';
import { ReturnThread, Thread } from '../conversation/return-thread.query.js';

export interface ReturnUnderReview {
  view: ReturnView;
  measureText: string;
  agencyName: string;
  cycleLabel: string;
  previous: { label: string; content: ReturnContent; narrativeHtml: string | null } | null;
  /** This return against last cycle's approved one, words and cells marked; null when there is none. */
  comparedWithLastCycle: ReturnComparison | null;
  /** A return sent back and submitted again: why it went back, and what changed since the version sent back. */
  resubmission: Resubmission | null;
  /** Its history in words, newest first, its messages among its events. */
  history: HistoryLine[];
  /** Its messages, and the change requests still open (which hold back approval). */
  thread: Thread;
  /** The files on it (evidence), listed by title; the report lists a file only where the coordinator chose. */
  evidence: EvidenceListingView;
}

export interface Resubmission {
  reason: string;
  /** The send-back in words (who, when), from the history. */
  sentBack: HistoryLine | null;
  changes: ReturnComparison;
}

/**
 * A resubmission: the last send-back, its reason, and the content as submitted before it (what the reviewer
 * read when they sent it back) compared with the content now. Null for a return never sent back, or one sent
 * back and not yet submitted again.
 */
export function resubmissionOf(
  view: ReturnView,
): (Omit<Resubmission, 'sentBack'> & { version: number }) | null {
  const history = view.history ?? [];
  const sentBack = history.findLastIndex((h) => h.type === 'ReturnSentBack');
  if (sentBack < 0) return null;
  const submittedBefore = history.slice(0, sentBack).findLast((h) => h.type === 'ReturnSubmitted');
  const submittedAgain = history.slice(sentBack).some((h) => h.type === 'ReturnSubmitted');
  if (!submittedBefore || !submittedAgain) return null;
  const entry = history[sentBack];
  return {
    version: entry.version,
    reason: entry.reason ?? (entry.data as { reason: string }).reason,
    // As the reader sees the two: the Markdown as the report reads it, not as typed.
    changes: compareReturns(
      contentAsRead((submittedBefore.data as { content: ReturnContent }).content),
      contentAsRead(view.content),
    ),
  };
}

/** The review page's return: with its history, last cycle's approved one beside it, and what changed. */
@Injectable()
export class ReviewReturn {
  constructor(
    @Inject(GetReturn) private readonly returns: GetReturn,
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(PreviousApproved) private readonly previousApproved: PreviousApproved,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
    @Inject(ReturnHistory) private readonly history: ReturnHistory,
    @Inject(ReturnThread) private readonly threads: ReturnThread,
    @Inject(EvidenceListing) private readonly evidence: EvidenceListing,
  ) {}

  async of(actor: Actor, returnId: string): Promise<ReturnUnderReview> {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const [words, previous] = await Promise.all([
      this.words.of(cycle),
      this.previousApproved.of(actor, cycle, view.measureRef),
    ]);
    const thread = await this.threads.of(actor, returnId, words);
    const evidence = await this.evidence.of(actor, returnId);
    const history = await this.history.of(view, cycle, words, thread.view.history, evidence.history);
    const resubmission = resubmissionOf(view);
    return {
      view,
      measureText: words.measureText(view.measureRef),
      agencyName: words.agencyName(view.agencyId),
      cycleLabel: cycle.label,
      previous: previous
        ? {
            ...previous,
            narrativeHtml: previous.content.narrative ? renderNarrative(previous.content.narrative) : null,
          }
        : null,
      comparedWithLastCycle: previous
        ? compareReturns(contentAsRead(previous.content), contentAsRead(view.content))
        : null,
      resubmission: resubmission && {
        reason: resubmission.reason,
        changes: resubmission.changes,
        sentBack: history.find((h) => !h.message && !h.file && h.version === resubmission.version) ?? null,
      },
      history,
      thread,
      evidence,
    };
  }
}
