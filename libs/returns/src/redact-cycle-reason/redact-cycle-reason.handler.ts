import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CycleReasonRedaction, RedactedCyclePassage } from './cycle-reason-redaction.js';
import { RedactCycleReasonCommand } from './redact-cycle-reason.command.js';

@CommandHandler(RedactCycleReasonCommand)
export class RedactCycleReasonHandler implements ICommandHandler<RedactCycleReasonCommand> {
  constructor(@Inject(CycleReasonRedaction) private readonly redaction: CycleReasonRedaction) {}

  execute(c: RedactCycleReasonCommand): Promise<RedactedCyclePassage> {
    return this.redaction.redact(c.envelope, { cycleId: c.cycleId, passage: c.passage, reason: c.reason });
  }
}
