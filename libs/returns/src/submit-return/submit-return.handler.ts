import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, CommandResult } from '../../../kernel/src/index.js';
import { MeasureIndicators } from '../return/measure-indicators.js';
import { ReturnRepository } from '../return/return.repository.js';
import { SubmitReturnCommand } from './submit-return.command.js';

@CommandHandler(SubmitReturnCommand)
export class SubmitReturnHandler implements ICommandHandler<SubmitReturnCommand> {
  constructor(
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(MeasureIndicators) private readonly indicators: MeasureIndicators,
  ) {}

  execute(command: SubmitReturnCommand): Promise<CommandResult> {
    return this.returns.execute(command.returnId, command.envelope, async (state) => ({
      type: 'SubmitReturn',
      content: command.content,
      now: this.clock.now(),
      indicators: await this.indicators.of(state),
    }));
  }
}
