import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

export interface ChaseNowResult {
  cycleId: string;
  /** Each agency chased, with the step its mails are filed under. */
  chased: { agencyId: string; step: string }[];
}

/** Chase one agency (agencyId) or every agency with returns outstanding (null), now. */
export class ChaseNowCommand extends Command<ChaseNowResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly agencyId: string | null,
  ) {
    super();
  }
}
