import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ReturnRepository } from '../return/return.repository.js';
import { AcceptReturnCommand } from './accept-return.command.js';

@CommandHandler(AcceptReturnCommand)
export class AcceptReturnHandler implements ICommandHandler<AcceptReturnCommand> {
  constructor(@Inject(ReturnRepository) private readonly returns: ReturnRepository) {}

  execute(command: AcceptReturnCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, { type: 'AcceptReturn' });
  }
}
