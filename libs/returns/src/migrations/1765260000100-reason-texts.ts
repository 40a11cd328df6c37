import { MigrationInterface, QueryRunner } from 'typeorm';
import { MESSAGE_TEXT_FIELD } from '../return-texts/message-texts-hook.js';
import { REASON_TEXT_FIELD, REASON_TEXTS } from '../return-texts/reason-texts-hook.js';
import { FIELDS_BEFORE_MESSAGES } from './1765260000000-message-texts.js';
import { fieldCheck, putSingleTextsBackInline } from './single-texts-inline.js';

const FIELDS_BEFORE = [...FIELDS_BEFORE_MESSAGES, MESSAGE_TEXT_FIELD];

/**
 * Issue "Trust": the reason given sending a return back, reopening, extending, reassigning or withdrawing it is
 * held apart in return_texts from now on (REASON_TEXTS_HOOK), so a passage can be redacted from it. Reasons given
 * before are not moved out (no event row rewritten, the hash chain as it is): a redaction refuses a passage one
 * of them holds (reason-held-in-log).
 */
export class ReasonTexts1765260000100 implements MigrationInterface {
  name = 'ReasonTexts1765260000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck([...FIELDS_BEFORE, REASON_TEXT_FIELD]));
  }

  async down(q: QueryRunner): Promise<void> {
    await putSingleTextsBackInline(q, REASON_TEXTS);
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck(FIELDS_BEFORE));
  }
}
