import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { transactionally } from '../../../event-store/src/index.js';
import { AppendixPassageRedaction, appendicesStreamId } from '../../../returns/src/index.js';
import { RedactPassageHandler } from '../redact-passage/redact-passage.handler.js';
import {
  RedactAppendixPassageCommand,
  RedactAppendixPassageResult,
} from './redact-appendix-passage.command.js';

@CommandHandler(RedactAppendixPassageCommand)
export class RedactAppendixPassageHandler implements ICommandHandler<RedactAppendixPassageCommand> {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AppendixPassageRedaction) private readonly redaction: AppendixPassageRedaction,
    // Its re-issue of the publications that held a passage is the same for a return's and an appendix's.
    @Inject(RedactPassageHandler) private readonly returns: RedactPassageHandler,
  ) {}

  async execute(command: RedactAppendixPassageCommand): Promise<RedactAppendixPassageResult> {
    const { envelope, cycleId, appendixId, caseStudyId, part, passage, reason } = command;
    return this.returns.decidedAgainWhenOutrun(appendicesStreamId(cycleId), cycleId, envelope, () =>
      transactionally(this.dataSource, async (manager) => {
        const redacted = await this.redaction.redact(
          envelope,
          { cycleId, appendixId, caseStudyId, part, passage, reason },
          manager,
        );
        const reissued = await this.returns.reissue(manager, envelope, cycleId, passage, reason.trim());
        return {
          id: caseStudyId,
          version: redacted.version,
          status: 'redacted' as const,
          textsChanged: redacted.textsChanged,
          reissued,
        };
      }),
    );
  }
}
