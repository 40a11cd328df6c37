import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import {
  ChooseEvidenceInReportCommand,
  ExtendDeadlineCommand,
  ReassignReturnCommand,
  ReopenReturnCommand,
  WithdrawReturnCommand,
} from '../../../returns/src/index.js';
import { dateInWords } from '../date-input/date-input.js';
import { FormFields, formList } from '../form-fields.js';
import { Form } from './coordinator.js';

export interface ReturnActionContext {
  commands: CommandBus;
  /** With the version the page was rendered at, so a stale page gets the API's conflict. */
  envelope: CommandEnvelope;
  returnId: string;
  /** The form's fields, each as one value. */
  form: FormFields;
  /** The form as posted, for the fields that are lists (checkboxes). */
  posted: Form;
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
    // The files the report lists by title: one form of checkboxes over every file the page showed. Only the
    // first choice carries the page's version (of the return's files), so a stale page changes nothing; a
    // file whose box says what already stands appends nothing.
    'evidence-in-report',
    async ({ commands, envelope, returnId, posted }) => {
      const chosen = new Set(formList(posted.inReport));
      let first = true;
      for (const evidenceId of formList(posted.listed)) {
        const expectedVersion = first ? envelope.expectedVersion : undefined;
        first = false;
        await commands.execute(
          new ChooseEvidenceInReportCommand(
            { ...envelope, expectedVersion },
            returnId,
            evidenceId,
            chosen.has(evidenceId),
          ),
        );
      }
      return 'The report’s list of files has been saved';
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
