import { registerEventStoreHook } from '../../../event-store/src/index.js';
import { SingleTextField, singleTextHook } from './single-text-hook.js';

/** The return_texts field of the reasons given on a cycle, keyed by the cycle's id in place of a return's. */
export const CYCLE_REASON_TEXT_FIELD = 'cycleReasons';

/** The cycle's events whose `data.reason` is a coordinator's free text: a forced close, a link revoked. */
export const CYCLE_REASON_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CycleClosed',
  'SubmissionLinkRevoked',
]);

/**
 * Why a coordinator closed a cycle with returns outstanding, or revoked a lead's link, can name someone ("Sam
 * Example is off sick"): held apart in return_texts as the reasons given on a return are, so a passage can be
 * redacted from it without rewriting an event row. Reasons given before read as they are, from their row, and a
 * redaction refuses a passage one of them holds. A close with no reason (none outstanding) holds null: kept.
 */
export const CYCLE_REASON_TEXTS: SingleTextField = {
  name: 'cycle-reason-texts',
  streamPrefix: 'cycle:',
  types: CYCLE_REASON_EVENT_TYPES,
  field: 'reason',
  textField: CYCLE_REASON_TEXT_FIELD,
};
export const CYCLE_REASON_TEXTS_HOOK = singleTextHook(CYCLE_REASON_TEXTS);
registerEventStoreHook(CYCLE_REASON_TEXTS_HOOK);
