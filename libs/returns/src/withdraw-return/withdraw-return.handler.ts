import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { WithdrawReturnCommand } from './withdraw-return.command.js';

@CommandHandler(WithdrawReturnCommand)
export class WithdrawReturnHandler implements ICommandHandler<WithdrawReturnCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: WithdrawReturnCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, {
      type: 'WithdrawReturn',
      reason: command.reason,
    });
  }
}
