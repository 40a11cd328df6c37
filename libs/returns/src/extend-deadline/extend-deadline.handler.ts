import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { ExtendDeadlineCommand } from './extend-deadline.command.js';

@CommandHandler(ExtendDeadlineCommand)
export class ExtendDeadlineHandler implements ICommandHandler<ExtendDeadlineCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: ExtendDeadlineCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, {
      type: 'ExtendDeadline',
      dueDate: command.dueDate,
      reason: command.reason,
    });
  }
}
