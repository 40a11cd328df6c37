import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { ListCycles, ListReturns, ReturnView } from '../../../returns/src/index.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';

export interface QueuedReturn {
  returnId: string;
  measureRef: string;
  measureText: string;
  agencyName: string;
  cycleLabel: string;
  dueDate: string;
}

/** The returns waiting for review (submitted), across the cycles, the earliest due first. */
export function reviewQueue(
  cycles: { label: string; returns: ReturnView[]; words: PlanWords }[],
): QueuedReturn[] {
  return cycles
    .flatMap(({ label, returns, words }) =>
      returns
        .filter((v) => v.status === 'submitted')
        .map((v) => ({
          returnId: v.returnId,
          measureRef: v.measureRef,
          measureText: words.measureText(v.measureRef),
          agencyName: words.agencyName(v.agencyId),
          cycleLabel: label,
          dueDate: v.dueDate,
        })),
    )
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
}

/** The reviewer's queue: every cycle of the partnership, newest first, and its submitted returns. */
@Injectable()
export class ReviewQueue {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
  ) {}

  async of(actor: Actor): Promise<QueuedReturn[]> {
    const cycles = [];
    for (const { state } of await this.cycles.cycles(actor)) {
      cycles.push({
        label: state.label,
        returns: await this.returns.of(state),
        words: await this.words.of(state),
      });
    }
    return reviewQueue(cycles);
  }
}
