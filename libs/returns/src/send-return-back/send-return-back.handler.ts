import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { SendReturnBackCommand } from './send-return-back.command.js';

@CommandHandler(SendReturnBackCommand)
export class SendReturnBackHandler implements ICommandHandler<SendReturnBackCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: SendReturnBackCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, {
      type: 'SendReturnBack',
      reason: command.reason,
    });
  }
}
