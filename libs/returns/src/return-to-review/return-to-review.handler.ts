import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { ReturnToReviewCommand } from './return-to-review.command.js';

@CommandHandler(ReturnToReviewCommand)
export class ReturnToReviewHandler implements ICommandHandler<ReturnToReviewCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: ReturnToReviewCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, {
      type: 'ReturnToReview',
      reason: command.reason,
    });
  }
}
