import { MigrationInterface, QueryRunner } from 'typeorm';
import { APPENDIX_TEXT_FIELD } from '../return-texts/appendix-texts.js';
import { MESSAGE_TEXT_FIELD, MESSAGE_TEXTS } from '../return-texts/message-texts-hook.js';
import { fieldCheck, putSingleTextsBackInline } from './single-texts-inline.js';

export const FIELDS_BEFORE_MESSAGES = [
  'narrative',
  'comments',
  'ragReason',
  'caseStudies',
  APPENDIX_TEXT_FIELD,
];

/**
 * Issue "Trust": the body of a message on a return's thread is held apart in return_texts from now on
 * (MESSAGE_TEXTS_HOOK), so a passage can be redacted from it. Unlike ReturnTexts and AppendixTexts, messages
 * posted before are not moved out: no event row is rewritten and the log's hash chain stays as it is. Those
 * messages keep their body inline and a redaction refuses them (message-held-in-log).
 */
export class MessageTexts1765260000000 implements MigrationInterface {
  name = 'MessageTexts1765260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck([...FIELDS_BEFORE_MESSAGES, MESSAGE_TEXT_FIELD]));
  }

  async down(q: QueryRunner): Promise<void> {
    await putSingleTextsBackInline(q, MESSAGE_TEXTS);
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck(FIELDS_BEFORE_MESSAGES));
  }
}
