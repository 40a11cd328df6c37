import { Inject, Injectable } from '@nestjs/common';
import { StaffNames } from '../../../auth/src/index.js';
import type { ReturnHistoryEntry, ReturnView } from '../../../returns/src/index.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';
import {
  evidenceInWords,
  HistoryLine,
  historyInWords,
  mergedHistory,
  threadInWords,
} from './history-words.js';

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
    /** The return's thread (GetConversation's history), shown among the return's own lines. */
    thread: ReturnHistoryEntry[] = [],
    /** The history of the return's files (EvidenceListing's), shown among the rest. */
    files: ReturnHistoryEntry[] = [],
  ): Promise<HistoryLine[]> {
    const history = view.history ?? [];
    const staffIds = [...history, ...thread, ...files]
      .filter((h) => h.actorRole !== 'agency-lead')
      .map((h) => h.actorId);
    const [staff, words] = await Promise.all([
      this.staffNames.of(view.partnershipId, staffIds),
      known ?? this.planWords.of(cycle),
    ]);
    const people = {
      staff: (id: string) => staff.get(id.toLowerCase()) ?? null,
      contact: (email: string) => words.contact(email),
      agencyName: (id: string) => words.agencyName(id),
    };
    const withThread = mergedHistory(historyInWords(history, people), threadInWords(thread, people));
    return mergedHistory(withThread, evidenceInWords(files, people)).reverse();
  }
}
