import {
  dateInputItems,
  dateInWords,
  DatePart,
  DateParts,
  parseDateInput,
  postedDateParts,
  todayInLondon,
} from '../date-input/date-input.js';
import { FormFields } from '../form-fields.js';

/** What an extension form shows again after a problem: what was typed, and what is wrong. */
export interface ExtendForm {
  items: ReturnType<typeof dateInputItems>;
  reason: string;
  dateError?: string;
  /** The first box the date error is about, for the error summary's link. */
  dateErrorPart?: DatePart;
  reasonError?: string;
  askPastConfirmation?: boolean;
  /** The "due date is in the past" box was ticked: ticked again when the form comes back. */
  pastConfirmed?: boolean;
}

/** The extension form as first shown: three empty boxes and no reason. */
export function emptyExtendForm(): ExtendForm {
  return { items: dateInputItems({}), reason: '' };
}

/**
 * Whether the form asks to confirm a due date in the past (one typed that is a date, before today), and whether
 * that box was ticked. Every way the form comes back asks it again ticked as it was: a form refused for something
 * else (the reason, a rule of the cycle) came back without the box, the tick lost, so the next press was refused
 * for the date in the past.
 */
export function pastDueDate(
  form: FormFields,
  now: Date,
): Pick<ExtendForm, 'askPastConfirmation' | 'pastConfirmed'> {
  const parsed = parseDateInput(postedDateParts(form, 'dueDate'), 'New due date');
  const past = parsed.ok && parsed.date < todayInLondon(now);
  return { askPastConfirmation: past, pastConfirmed: past && form.confirmPast === 'yes' };
}

/**
 * What is wrong with an extension before it is tried, in the GOV.UK error pattern: a date that is not one, a
 * missing reason, or a date in the past not yet confirmed. Null when it can go to the command. Both the
 * agency's deadline (cycle dashboard) and one return's deadline (return page) are extended with this form.
 */
export function extensionProblem(form: FormFields, now: Date): ExtendForm | null {
  const parts = postedDateParts(form, 'dueDate');
  const parsed = parseDateInput(parts, 'New due date');
  const reason = form.reason ?? '';
  const wrong: DatePart[] = parsed.ok ? [] : parsed.parts;
  const past = parsed.ok && parsed.date < todayInLondon(now) && form.confirmPast !== 'yes';
  const reasonError = reason.trim() ? undefined : 'Enter why the deadline is extended';
  if (parsed.ok && !past && !reasonError) return null;
  return {
    items: dateInputItems(parts, wrong),
    reason,
    dateError: parsed.ok
      ? past
        ? 'New due date is in the past: check it, or confirm that is what you mean'
        : undefined
      : parsed.message,
    dateErrorPart: wrong[0] ?? 'day',
    reasonError,
    ...pastDueDate(form, now),
  };
}

/** The error summary's list for an extension form, each linking to its box. */
export function extensionErrors(extend: ExtendForm, reasonId: string): { text: string; href: string }[] {
  return [
    ...(extend.dateError
      ? [{ text: extend.dateError, href: `#dueDate-${extend.dateErrorPart ?? 'day'}` }]
      : []),
    ...(extend.reasonError ? [{ text: extend.reasonError, href: `#${reasonId}` }] : []),
  ];
}

/**
 * The new due date as typed, to copy beside its reason when the form it was typed in is gone (the cycle closed,
 * the return moved on meanwhile): in words when it is a date ("31 May 2030"), else the boxes as typed ("31 13
 * 2030", the form's own "27 3 2027" way); empty when nothing was typed. Only the reason was shown, the date lost.
 */
export function typedDueDate(extend: ExtendForm): string {
  const parts: DateParts = Object.fromEntries(extend.items.map((item) => [item.name, item.value]));
  const parsed = parseDateInput(parts, 'New due date');
  if (parsed.ok) return dateInWords(parsed.date);
  return extend.items
    .map((item) => item.value.trim())
    .filter(Boolean)
    .join(' ');
}

/** The posted new due date as YYYY-MM-DD, once extensionProblem has found nothing wrong. */
export function postedDueDate(form: FormFields): string {
  const parsed = parseDateInput(postedDateParts(form, 'dueDate'), 'New due date');
  return parsed.ok ? parsed.date : '';
}

/** Every box of a date: the ones marked when the rules refuse the date as a whole (not after the one set). */
export const ALL_DATE_PARTS: readonly DatePart[] = ['day', 'month', 'year'];

/**
 * A rule's refusal of a new due date in the page's words: its dates as the page says them ("after 20 November
 * 2026"), not as the API takes them (2026-11-20).
 */
export function dueDateRefusal(message: string): string {
  return message.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (iso) => dateInWords(iso));
}
