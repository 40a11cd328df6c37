import { Inject, Injectable } from '@nestjs/common';
import { StaffNames } from '../../../auth/src/index.js';
import type { ReturnView } from '../../../returns/src/index.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';
import { HistoryLine, historyInWords } from './history-words.js';

/** A return's history in words (see historyInWords), newest first, with the names behind the recorded ids. */
@Injectable()
export class ReturnHistory {
  constructor(
    @Inject(StaffNames) private readonly staffNames: StaffNames,
    @Inject(CyclePlanWords) private readonly planWords: CyclePlanWords,
  ) {}

  async of(
    view: ReturnView,
    cycle: { partnershipId: string; planId: string },
    known?: PlanWords,
  ): Promise<HistoryLine[]> {
    const history = view.history ?? [];
    const staffIds = history.filter((h) => h.actorRole !== 'agency-lead').map((h) => h.actorId);
    const [staff, words] = await Promise.all([
      this.staffNames.of(view.partnershipId, staffIds),
      known ?? this.planWords.of(cycle),
    ]);
    return historyInWords(history, {
      staff: (id) => staff.get(id.toLowerCase()) ?? null,
      contact: (email) => words.contact(email),
      agencyName: (id) => words.agencyName(id),
    }).reverse();
  }
}
