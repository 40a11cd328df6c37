import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { RetentionField } from './retention-periods.js';
import { RetentionView } from './retention-settings.query.js';

/** Set the actor's own partnership's retention periods (values as typed: the rule checks them). */
export class SetRetentionPeriodsCommand extends Command<RetentionView> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly periods: Record<RetentionField, unknown>,
  ) {
    super();
  }
}
