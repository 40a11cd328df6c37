import { MigrationInterface, QueryRunner } from 'typeorm';
import { chainExistingEvents } from '../../../event-store/src/index.js';
import { APPENDIX_TEXT_FIELD } from '../return-texts/appendix-texts.js';
import { MESSAGE_TEXT_FIELD } from '../return-texts/message-texts-hook.js';
import { isTextRef } from '../return-texts/return-text-fields.js';

const FIELDS_BEFORE = ['narrative', 'comments', 'ragReason', 'caseStudies', APPENDIX_TEXT_FIELD];

const fieldCheck = (fields: string[]) =>
  `ALTER TABLE return_texts ADD CONSTRAINT return_texts_field_check
   CHECK (field IN (${fields.map((f) => `'${f}'`).join(', ')}))`;

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
    await q.query(fieldCheck([...FIELDS_BEFORE, MESSAGE_TEXT_FIELD]));
  }

  /** Puts each held body (as it now reads, redactions kept) back into its event before the rows go. */
  async down(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE streams, events IN EXCLUSIVE MODE');
    const rows: { global_position: string; data: { body?: unknown } }[] = await q.query(
      `SELECT global_position, data FROM events
       WHERE stream_id LIKE 'conversation:%' AND type = 'ReturnMessagePosted' AND jsonb_typeof(data->'body') = 'object'`,
    );
    for (const row of rows) {
      const body = row.data.body;
      if (!isTextRef(body)) continue;
      const [text]: { text: string }[] = await q.query('SELECT text FROM return_texts WHERE id = $1', [
        body.textId,
      ]);
      if (!text) continue;
      await q.query('UPDATE events SET data = $2::jsonb WHERE global_position = $1', [
        row.global_position,
        JSON.stringify({ ...row.data, body: text.text }),
      ]);
    }
    if (rows.length > 0) await chainExistingEvents(q);
    await q.query('DELETE FROM return_texts WHERE field = $1', [MESSAGE_TEXT_FIELD]);
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(fieldCheck(FIELDS_BEFORE));
  }
}
