import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { ApproveReturnCommand } from './approve-return.command.js';

@CommandHandler(ApproveReturnCommand)
export class ApproveReturnHandler implements ICommandHandler<ApproveReturnCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: ApproveReturnCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, { type: 'ApproveReturn' });
  }
}
