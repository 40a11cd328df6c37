import { MigrationInterface, QueryRunner } from 'typeorm';
import { CYCLE_REASON_TEXT_FIELD } from '../return-texts/cycle-reason-texts-hook.js';
import {
  EVIDENCE_REASON_TEXT_FIELD,
  EVIDENCE_REASON_TEXTS,
} from '../return-texts/evidence-reason-texts-hook.js';
import { MESSAGE_TEXT_FIELD } from '../return-texts/message-texts-hook.js';
import { REASON_TEXT_FIELD } from '../return-texts/reason-texts-hook.js';
import { FIELDS_BEFORE_MESSAGES } from './1765260000000-message-texts.js';
import { fieldCheck, putSingleTextsBackInline } from './single-texts-inline.js';

const FIELDS_BEFORE = [
  ...FIELDS_BEFORE_MESSAGES,
  MESSAGE_TEXT_FIELD,
  REASON_TEXT_FIELD,
  CYCLE_REASON_TEXT_FIELD,
];

/**
 * Issue 17 point 3: the reason a file was removed from a return is held apart in return_texts from now on
 * (EVIDENCE_REASON_TEXTS_HOOK), so a passage can be redacted from it with the return's other reasons. Those given
 * before are not moved out (no event row rewritten, the hash chain as it is): a redaction refuses a passage one of
 * them holds (reason-held-in-log).
 */
export class EvidenceReasonTexts1765270000100 implements MigrationInterface {
  name = 'EvidenceReasonTexts1765270000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck([...FIELDS_BEFORE, EVIDENCE_REASON_TEXT_FIELD]));
  }

  async down(q: QueryRunner): Promise<void> {
    await putSingleTextsBackInline(q, EVIDENCE_REASON_TEXTS);
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck(FIELDS_BEFORE));
  }
}
