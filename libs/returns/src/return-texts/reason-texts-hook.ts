import { registerEventStoreHook } from '../../../event-store/src/index.js';
import { SingleTextField, singleTextHook } from './single-text-hook.js';

/** The return_texts field of the reasons given on a return, keyed by its id; also the field a redaction names. */
export const REASON_TEXT_FIELD = 'reasons';

/** The return's events whose `data.reason` is staff's free text: sent back, reopened, extended and the like. */
export const REASON_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ReturnSentBack',
  'ReturnReturnedToReview',
  'ReturnReopened',
  'DeadlineExtended',
  'ReturnReassigned',
  'ReturnWithdrawn',
]);

/**
 * The reason a reviewer gives sending a return back (or a coordinator reopening, extending, reassigning,
 * withdrawing it) can name someone: held apart in return_texts as the return's content texts are, so a passage
 * can be redacted from it without rewriting an event row. Reasons given before read as they are, from their row.
 */
export const REASON_TEXTS: SingleTextField = {
  name: 'reason-texts',
  streamPrefix: 'return:',
  types: REASON_EVENT_TYPES,
  field: 'reason',
  textField: REASON_TEXT_FIELD,
};
export const REASON_TEXTS_HOOK = singleTextHook(REASON_TEXTS);
registerEventStoreHook(REASON_TEXTS_HOOK);
