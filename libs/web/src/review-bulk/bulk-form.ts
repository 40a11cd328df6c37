import {
  BULK_DECISION_NAMES,
  BULK_LIMIT,
  BULK_MODES,
  BulkDecision,
  BulkMode,
} from '../../../returns/src/index.js';
import { formList, formText, FormValue } from '../form-fields.js';

/** How each decision reads on the pages: a new decision (accept, say) is one more entry. */
export const BULK_WORDS: Record<
  BulkDecision,
  { button: string; past: string; not: string; question: string }
> = {
  approve: { button: 'Approve', past: 'approved', not: 'Not approved', question: 'Approve' },
  accept: {
    button: 'Accept',
    past: 'accepted for the report',
    not: 'Not accepted',
    question: 'Accept for the report',
  },
  'send-back': { button: 'Send back', past: 'sent back', not: 'Not sent back', question: 'Send back' },
};

export const MODE_WORDS: Record<BulkMode, string> = {
  'all-or-nothing': 'Decide none of them',
  'valid-only': 'Decide the ones that can be decided, and tell me which could not',
};

export interface FieldError {
  field: string;
  text: string;
  href: string;
}

export interface BulkForm {
  decision: BulkDecision | null;
  reason: string;
  mode: BulkMode | null;
  /** Each return ticked, as `<returnId>@<version>`: the version the card showed. */
  selected: { returnId: string; version: number }[];
  /** The ticked values as posted, to tick them again on a page shown with an error. */
  values: string[];
}

type Posted = Record<string, FormValue>;

/** What a browser posted from the queue or the confirmation page; anything malformed is left out. */
export function readBulkForm(body: Posted): BulkForm {
  const values = formList(body.returns);
  const selected = values.flatMap((value) => {
    const at = value.lastIndexOf('@');
    const version = Number(value.slice(at + 1));
    if (at <= 0 || !Number.isInteger(version) || version < 1) return [];
    return [{ returnId: value.slice(0, at), version }];
  });
  const decision = BULK_DECISION_NAMES.find((d) => d === formText(body.decision)) ?? null;
  const mode = BULK_MODES.find((m) => m === formText(body.mode)) ?? null;
  return { decision, reason: formText(body.reason).trim(), mode, selected, values };
}

/** What is wrong with the queue's form, in the words the page shows (the first checkbox is `firstBox`). */
export function selectionErrors(form: BulkForm, firstBox: string): FieldError[] {
  const errors: FieldError[] = [];
  if (form.selected.length === 0) {
    errors.push({ field: 'returns', text: 'Select the returns to decide', href: `#${firstBox}` });
  } else if (form.selected.length > BULK_LIMIT) {
    errors.push({
      field: 'returns',
      text: `Select at most ${BULK_LIMIT} returns at once`,
      href: `#${firstBox}`,
    });
  }
  if (form.decision === 'send-back' && !form.reason) {
    errors.push({
      field: 'reason',
      text: 'Say what needs to change before sending them back',
      href: '#reason',
    });
  } else if (form.reason.length > 2000) {
    errors.push({ field: 'reason', text: 'The reason must be 2000 characters or fewer', href: '#reason' });
  }
  return errors;
}
