import { CommandBus } from '@nestjs/cqrs';
import { CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import { RedactPassageCommand } from '../../../reporting/src/index.js';
import { REDACTABLE_FIELDS, RedactMessagePassageCommand } from '../../../returns/src/index.js';
import { REDACTED_FIELD_WORDS } from '../return-history/history-words.js';
import { FormFields } from '../form-fields.js';

/** The redaction form as shown: what was typed, and what is wrong with each field (GOV.UK field errors). */
export interface RedactForm {
  field: string;
  passage: string;
  reason: string;
  errors: Partial<Record<'field' | 'passage' | 'reason' | 'confirm', string>>;
}

export const emptyRedactForm = (): RedactForm => ({ field: '', passage: '', reason: '', errors: {} });

/** A message of the return's thread, as the form's choice names it: `message:m2`. */
const MESSAGE_CHOICE = /^message:(m[1-9][0-9]{0,5})$/;

/** How much of a message its choice quotes: enough to tell the messages apart. */
const QUOTED = 80;

/** The fields a coordinator chooses from, in the page's words, then each message of the return's thread. */
export const redactableFieldItems = (
  chosen: string,
  messages: readonly { messageId: string; body: string }[] = [],
) => [
  ...REDACTABLE_FIELDS.map((value) => ({
    value,
    text: REDACTED_FIELD_WORDS[value].replace(/^the /, '').replace(/^./, (c) => c.toUpperCase()),
    checked: value === chosen,
  })),
  ...messages.map(({ messageId, body }) => {
    const line = body.replace(/\s+/g, ' ').trim();
    return {
      value: `message:${messageId}`,
      text: `Message ${messageId}: “${line.length > QUOTED ? `${line.slice(0, QUOTED - 1)}…` : line}”`,
      checked: `message:${messageId}` === chosen,
    };
  }),
];

/** The error summary's list, each linking to its field. */
export const redactErrorList = (form: RedactForm) =>
  (['field', 'passage', 'reason', 'confirm'] as const).flatMap((name) =>
    form.errors[name] ? [{ text: form.errors[name], href: `#${name}` }] : [],
  );

/**
 * Runs the redaction the API runs (RedactPassageCommand) once the coordinator has confirmed; gives back what
 * happened in words, or the form with the rule it broke by its field. Refusals of other kinds go to the page's
 * error filter as they do everywhere.
 */
export async function submitRedaction(
  commands: CommandBus,
  envelope: CommandEnvelope,
  returnId: string,
  posted: FormFields,
): Promise<{ done: string } | { form: RedactForm }> {
  const form: RedactForm = {
    field: posted.field ?? '',
    passage: posted.passage ?? '',
    reason: posted.reason ?? '',
    errors: {},
  };
  if (posted.confirm !== 'yes') {
    form.errors.confirm = 'Confirm that the passage is to be taken out of every version and publication';
  }
  if (!form.field) form.errors.field = 'Choose the field the passage is in';
  if (!form.passage.trim()) form.errors.passage = 'Paste the passage to redact';
  if (!form.reason.trim()) form.errors.reason = 'Give the reason for the redaction';
  if (Object.keys(form.errors).length > 0) return { form };
  try {
    const message = MESSAGE_CHOICE.exec(form.field);
    if (message) {
      // The page's version is the return's; the message is on its thread, a stream of its own, whose version
      // the page does not hold: the redaction is decided on the thread as it stands.
      await commands.execute(
        new RedactMessagePassageCommand(
          { ...envelope, expectedVersion: undefined },
          returnId,
          message[1],
          form.passage,
          form.reason,
        ),
      );
      return { done: `Passage redacted from message ${message[1]}` };
    }
    const result = await commands.execute(
      new RedactPassageCommand(envelope, returnId, form.field, form.passage, form.reason),
    );
    const reissued = result.reissued.map((r) => `publication ${r.publication} re-issued as ${r.reissuedAs}`);
    return {
      done: `Passage redacted from ${REDACTED_FIELD_WORDS[form.field]}${reissued.length ? `; ${reissued.join(', ')}` : ''}`,
    };
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'unprocessable') {
      // A message posted before messages could be redacted is refused by its id: the choice of message.
      const field =
        error.field === 'messageId'
          ? 'field'
          : ((['field', 'passage', 'reason'] as const).find((f) => f === error.field) ?? 'passage');
      form.errors[field] = error.message;
      return { form };
    }
    throw error;
  }
}
