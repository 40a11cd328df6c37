import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { AppendicesRepository } from '../appendices/appendices.repository.js';
import { ChangeAppendicesCommand } from './change-appendices.command.js';

@CommandHandler(ChangeAppendicesCommand)
export class ChangeAppendicesHandler implements ICommandHandler<ChangeAppendicesCommand> {
  constructor(@Inject(AppendicesRepository) private readonly appendices: AppendicesRepository) {}

  execute({ envelope, cycleId, change }: ChangeAppendicesCommand): Promise<CommandResult> {
    return this.appendices.execute(cycleId, envelope, change);
  }
}
