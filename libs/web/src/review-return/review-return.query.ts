import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import {
  ContentChange,
  diffReturnContent,
  GetCycle,
  GetReturn,
  PreviousApproved,
  renderNarrative,
  ReturnContent,
  ReturnView,
} from '../../../returns/src/index.js';
import { CyclePlanWords } from '../plan-words.js';
import { HistoryLine } from '../return-history/history-words.js';
import { ReturnHistory } from '../return-history/return-history.query.js';

export interface ReturnUnderReview {
  view: ReturnView;
  measureText: string;
  agencyName: string;
  cycleLabel: string;
  previous: { label: string; content: ReturnContent; narrativeHtml: string | null } | null;
  changes: ContentChange[] | null;
  /** Its history in words, newest first. */
  history: HistoryLine[];
}

/** A resubmission is compared with what was submitted before it was sent back; a first submission with nothing. */
export function changesSinceLastSubmission(view: ReturnView): ContentChange[] | null {
  const submissions = (view.history ?? []).filter((h) => h.type === 'ReturnSubmitted');
  const before =
    submissions.length > 1
      ? (submissions[submissions.length - 2].data as { content: ReturnContent }).content
      : null;
  return before ? diffReturnContent(before, view.content) : null;
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
  ) {}

  async of(actor: Actor, returnId: string): Promise<ReturnUnderReview> {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const [words, previous] = await Promise.all([
      this.words.of(cycle),
      this.previousApproved.of(actor, cycle, view.measureRef),
    ]);
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
      changes: changesSinceLastSubmission(view),
      history: await this.history.of(view, cycle, words),
    };
  }
}
