import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { ListCycles, ListReturns, ReturnView } from '../../../returns/src/index.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';

/**
 * Where a return stands for a reviewer: the queue shows those waiting for review unless asked otherwise. In a
 * two-stage cycle an approved return waits for acceptance (the board's queue) until it is accepted.
 */
export type QueueState = 'to-review' | 'sent-back' | 'to-accept' | 'approved' | 'accepted' | 'other';

export const QUEUE_STATES: { value: QueueState | 'all'; text: string }[] = [
  { value: 'to-review', text: 'Waiting for review' },
  { value: 'sent-back', text: 'Sent back' },
  { value: 'to-accept', text: 'Waiting for acceptance' },
  { value: 'approved', text: 'Approved' },
  { value: 'accepted', text: 'Accepted' },
  { value: 'all', text: 'Any state' },
];

export interface QueuedReturn {
  returnId: string;
  /** The version the card shows: a bulk decision is taken on it, so a return changed since is refused. */
  version: number;
  measureRef: string;
  measureText: string;
  themeId: string;
  themeTitle: string;
  agencyId: string;
  agencyName: string;
  cycleLabel: string;
  dueDate: string;
  state: QueueState;
}

/** The filter a reviewer picks; an empty or unknown theme or agency means any. */
export interface QueueFilter {
  theme?: string;
  agency?: string;
  state?: QueueState | 'all';
}

type CycleReturns = { label: string; returns: ReturnView[]; words: PlanWords };

export function queueState(view: ReturnView): QueueState {
  if (view.status === 'submitted') return 'to-review';
  if (view.status === 'approved') return view.signOff === 'two-stage' ? 'to-accept' : 'approved';
  if (view.status === 'accepted') return 'accepted';
  if (view.status === 'draft' && view.sentBackReason) return 'sent-back';
  return 'other';
}

function queued(cycles: CycleReturns[]): QueuedReturn[] {
  return cycles.flatMap(({ label, returns, words }) =>
    returns.map((v) => ({
      returnId: v.returnId,
      version: v.version,
      measureRef: v.measureRef,
      measureText: words.measureText(v.measureRef),
      themeId: v.themeId,
      themeTitle: words.themeTitle(v.themeId),
      agencyId: v.agencyId,
      agencyName: words.agencyName(v.agencyId),
      cycleLabel: label,
      dueDate: v.dueDate,
      state: queueState(v),
    })),
  );
}

/** The returns the filter picks (by default those waiting for review), across the cycles, the earliest due first. */
export function reviewQueue(cycles: CycleReturns[], filter: QueueFilter = {}): QueuedReturn[] {
  const state = filter.state ?? 'to-review';
  return queued(cycles)
    .filter((q) => state === 'all' || q.state === state)
    .filter((q) => !filter.theme || q.themeId === filter.theme)
    .filter((q) => !filter.agency || q.agencyId === filter.agency)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
}

/** The themes and agencies the filter offers: those with a return in any cycle, by name. */
export function queueChoices(cycles: CycleReturns[]) {
  const all = queued(cycles);
  const choices = (pairs: [string, string][]) =>
    [...new Map(pairs)]
      .map(([value, text]) => ({ value, text }))
      .sort((a, b) => a.text.localeCompare(b.text));
  return {
    themes: choices(all.map((q) => [q.themeId, q.themeTitle])),
    agencies: choices(all.map((q) => [q.agencyId, q.agencyName])),
  };
}

/**
 * What a reviewer just did, as the queue's success banner says it. Only a return that stands as the action
 * left it gets a banner, so an edited address cannot make the page claim an approval that did not happen.
 */
export function doneBanner(cycles: CycleReturns[], done: Done): string | null {
  const id = done.approved ?? done.sentBack ?? done.accepted ?? done.returned;
  const found = id ? queued(cycles).find((q) => q.returnId === id) : undefined;
  if (!found) return null;
  if (done.approved && found.state === 'to-accept')
    return `Approved ${found.measureRef} for ${found.agencyName}: it now waits for acceptance`;
  if (done.approved && found.state === 'approved')
    return `Approved ${found.measureRef} for ${found.agencyName}`;
  if (done.accepted && found.state === 'accepted')
    return `Accepted ${found.measureRef} for ${found.agencyName}: the report now shows it`;
  if (done.returned && found.state === 'to-review')
    return `Returned ${found.measureRef} for ${found.agencyName} to review`;
  if (done.sentBack && found.state === 'sent-back')
    return `Sent ${found.measureRef} back to ${found.agencyName}`;
  return null;
}

/** The return just acted on, by what was done to it (from the address the action redirected to). */
export interface Done {
  approved?: string;
  sentBack?: string;
  accepted?: string;
  returned?: string;
}

/** The reviewer's queue: every cycle of the partnership, newest first, and its returns as filtered. */
@Injectable()
export class ReviewQueue {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
  ) {}

  async of(actor: Actor, filter: QueueFilter = {}, done: Done = {}) {
    const cycles: CycleReturns[] = [];
    for (const { state } of await this.cycles.cycles(actor)) {
      cycles.push({
        label: state.label,
        returns: await this.returns.of(state),
        words: await this.words.of(state),
      });
    }
    return { queue: reviewQueue(cycles, filter), ...queueChoices(cycles), done: doneBanner(cycles, done) };
  }
}
