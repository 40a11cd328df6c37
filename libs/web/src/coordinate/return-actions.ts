import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import {
  ExtendDeadlineCommand,
  ReassignReturnCommand,
  ReopenReturnCommand,
  WithdrawReturnCommand,
} from '../../../returns/src/index.js';
import { dateInWords } from '../date-input/date-input.js';
import { Form } from './coordinator.js';

export interface ReturnActionContext {
  commands: CommandBus;
  /** With the version the page was rendered at, so a stale page gets the API's conflict. */
  envelope: CommandEnvelope;
  returnId: string;
  form: Form;
  reason: string;
}

/** What the return page's buttons do: each the command the JSON API runs for it, and what happened. */
export const RETURN_ACTIONS = new Map<string, (c: ReturnActionContext) => Promise<string>>([
  [
    'reopen',
    async ({ commands, envelope, returnId, reason }) => {
      await commands.execute(new ReopenReturnCommand(envelope, returnId, reason));
      return 'Reopened for amendment: the approved version stays in the report until the amendment is approved';
    },
  ],
  [
    'extend',
    async ({ commands, envelope, returnId, form, reason }) => {
      await commands.execute(new ExtendDeadlineCommand(envelope, returnId, form.dueDate ?? '', reason));
      return `Deadline extended to ${dateInWords(form.dueDate ?? '')}`;
    },
  ],
  [
    'reassign',
    async ({ commands, envelope, returnId, form, reason }) => {
      await commands.execute(new ReassignReturnCommand(envelope, returnId, form.toAgencyId ?? '', reason));
      return 'Return reassigned';
    },
  ],
  [
    'withdraw',
    async ({ commands, envelope, returnId, reason }) => {
      await commands.execute(new WithdrawReturnCommand(envelope, returnId, reason));
      return 'Return withdrawn from the cycle';
    },
  ],
]);
