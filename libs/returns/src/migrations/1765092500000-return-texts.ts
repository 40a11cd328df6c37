import { MigrationInterface, QueryRunner } from 'typeorm';
import { ReturnContent } from '../return/return-content.js';
import { CONTENT_EVENT_TYPES } from '../return-texts/return-text-fields.js';
import { holdTexts, readTexts, refsIn, withTexts } from '../return-texts/return-texts.table.js';

interface ContentRow {
  global_position: string;
  stream_id: string;
  data: { content?: unknown };
}

const BATCH = 500;

/**
 * The free texts of returns (narrative, comments, RAG reason, case studies) held apart from the events, so a
 * passage can be redacted without rewriting an event row (see return-texts/return-texts-hook.ts). Content appended before
 * this migration is moved out once, here: its event rows are rewritten to hold refs, the one time they are.
 * It runs before the log's hash chain is first computed, so the chain covers only rows that no redaction
 * changes again.
 */
export class ReturnTexts1765092500000 implements MigrationInterface {
  name = 'ReturnTexts1765092500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE return_texts (
        id uuid PRIMARY KEY,
        return_id text NOT NULL,
        field text NOT NULL CHECK (field IN ('narrative', 'comments', 'ragReason', 'caseStudies')),
        text text NOT NULL,
        redacted_at timestamptz
      )`);
    await q.query('CREATE INDEX return_texts_by_field ON return_texts (return_id, field)');
    await this.eachContentEvent(q, (row) =>
      holdTexts(q, row.stream_id.slice('return:'.length), row.data.content as ReturnContent),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Puts the texts (as they now read, redactions kept) back into the events before the table goes.
    await this.eachContentEvent(q, async (row) => {
      const content = withTexts(row.data.content, await readTexts(q, refsIn(row.data.content)));
      return content;
    });
    await q.query('DROP TABLE return_texts');
  }

  /** Rewrites the content of every return event that holds one, in batches, by `rewrite`. */
  private async eachContentEvent(
    q: QueryRunner,
    rewrite: (row: ContentRow) => Promise<unknown>,
  ): Promise<void> {
    let after = 0;
    for (;;) {
      const rows: ContentRow[] = await q.query(
        `SELECT global_position, stream_id, data FROM events
         WHERE global_position > $1 AND type = ANY($2::text[]) AND stream_id LIKE 'return:%'
         ORDER BY global_position LIMIT $3`,
        [after, [...CONTENT_EVENT_TYPES], BATCH],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        if (!row.data?.content) continue;
        await q.query('UPDATE events SET data = $2::jsonb WHERE global_position = $1', [
          row.global_position,
          JSON.stringify({ ...row.data, content: await rewrite(row) }),
        ]);
      }
      after = Number(rows[rows.length - 1].global_position);
    }
  }
}
