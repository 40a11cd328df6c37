import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { RedactedCyclePassage } from './cycle-reason-redaction.js';

/** Take a passage out of every reason given on a cycle (a forced close's, each revoked link's). */
export class RedactCycleReasonCommand extends Command<RedactedCyclePassage> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly passage: string,
    readonly reason: string,
  ) {
    super();
  }
}
