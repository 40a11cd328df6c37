import { registerEventStoreHook } from '../../../event-store/src/index.js';
import { SingleTextField, singleTextHook } from './single-text-hook.js';

/** The return_texts field of the reasons files were removed from a return, keyed by the return's id. */
export const EVIDENCE_REASON_TEXT_FIELD = 'evidenceReasons';

/** The events of a return's files whose `data.reason` is free text: a file removed. */
export const EVIDENCE_REASON_EVENT_TYPES: ReadonlySet<string> = new Set(['EvidenceRemoved']);

/**
 * Why a lead or coordinator removed a file from a return ("the photo shows Sam Example's face") can name someone:
 * held apart in return_texts as the reasons given on the return are, and redacted with them (field `reasons` of a
 * return's redaction). Reasons given before read as they are, from their row; a removal with no reason holds null.
 */
export const EVIDENCE_REASON_TEXTS: SingleTextField = {
  name: 'evidence-reason-texts',
  streamPrefix: 'evidence:',
  types: EVIDENCE_REASON_EVENT_TYPES,
  field: 'reason',
  textField: EVIDENCE_REASON_TEXT_FIELD,
};
export const EVIDENCE_REASON_TEXTS_HOOK = singleTextHook(EVIDENCE_REASON_TEXTS);
registerEventStoreHook(EVIDENCE_REASON_TEXTS_HOOK);
