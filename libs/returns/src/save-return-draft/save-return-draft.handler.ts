import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { MeasureIndicators } from '../return/measure-indicators.js';
import { ReturnRepository } from '../return/return.repository.js';
import { SaveReturnDraftCommand } from './save-return-draft.command.js';

@CommandHandler(SaveReturnDraftCommand)
export class SaveReturnDraftHandler implements ICommandHandler<SaveReturnDraftCommand> {
  constructor(
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(MeasureIndicators) private readonly indicators: MeasureIndicators,
  ) {}

  execute(command: SaveReturnDraftCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, async (state) => ({
      type: 'SaveReturnDraft',
      content: command.content,
      indicators: await this.indicators.of(state),
    }));
  }
}
