import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PlanRepository } from '../../../plan/src/index.js';
import { CommandResult, DomainError } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { ReassignReturnCommand } from './reassign-return.command.js';

@CommandHandler(ReassignReturnCommand)
export class ReassignReturnHandler implements ICommandHandler<ReassignReturnCommand> {
  constructor(
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  execute({ envelope, returnId, toAgencyId, reason }: ReassignReturnCommand): Promise<CommandResult> {
    return this.returns.execute(
      returnId,
      envelope,
      { type: 'ReassignReturn', toAgencyId, reason },
      // Only an agency of the return's own partnership, and one still taking part, can be given it.
      async ({ partnershipId }) => {
        const partnership = await this.plans.partnership(partnershipId);
        const agency = partnership.status === 'registered' ? partnership.agencies.get(toAgencyId) : undefined;
        if (!agency || agency.retired) {
          throw new DomainError(
            'unknown-agency',
            `The partnership has no agency ${toAgencyId} taking part`,
            'unprocessable',
            'toAgencyId',
          );
        }
      },
    );
  }
}
