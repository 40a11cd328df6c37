import { MigrationInterface, QueryRunner } from 'typeorm';
import { CYCLE_REASON_TEXT_FIELD, CYCLE_REASON_TEXTS } from '../return-texts/cycle-reason-texts-hook.js';
import { REASON_TEXT_FIELD } from '../return-texts/reason-texts-hook.js';
import { MESSAGE_TEXT_FIELD } from '../return-texts/message-texts-hook.js';
import { FIELDS_BEFORE_MESSAGES } from './1765260000000-message-texts.js';
import { fieldCheck, putSingleTextsBackInline } from './single-texts-inline.js';

const FIELDS_BEFORE = [...FIELDS_BEFORE_MESSAGES, MESSAGE_TEXT_FIELD, REASON_TEXT_FIELD];

/**
 * Issue 17 point 3: the reason a cycle was closed by force or a link revoked is held apart in return_texts from
 * now on (CYCLE_REASON_TEXTS_HOOK), keyed by the cycle's id, so a passage can be redacted from it. As with the
 * reasons given on a return, those given before are not moved out (no event row rewritten, the hash chain as it
 * is): a redaction refuses a passage one of them holds (reason-held-in-log).
 */
export class CycleReasonTexts1765270000000 implements MigrationInterface {
  name = 'CycleReasonTexts1765270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck([...FIELDS_BEFORE, CYCLE_REASON_TEXT_FIELD]));
  }

  async down(q: QueryRunner): Promise<void> {
    await putSingleTextsBackInline(q, CYCLE_REASON_TEXTS);
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck(FIELDS_BEFORE));
  }
}
