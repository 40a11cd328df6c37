import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { ReopenReturnCommand } from './reopen-return.command.js';

@CommandHandler(ReopenReturnCommand)
export class ReopenReturnHandler implements ICommandHandler<ReopenReturnCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: ReopenReturnCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, {
      type: 'ReopenReturn',
      reason: command.reason,
    });
  }
}
