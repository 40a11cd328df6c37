import { MigrationInterface, QueryRunner } from 'typeorm';
import { chainExistingEvents } from '../../../event-store/src/index.js';
import {
  APPENDIX_STUDY_EVENT_TYPES,
  APPENDIX_TEXT_FIELD,
  holdStudyTexts,
  mapStudyTexts,
  studyRefs,
} from '../return-texts/appendix-texts.js';
import { isTextRef } from '../return-texts/return-text-fields.js';
import { readTexts } from '../return-texts/return-texts.table.js';

interface StudyRow {
  global_position: string;
  stream_id: string;
  data: { study?: unknown };
}

const BATCH = 500;

/**
 * Issue 17 point 3 for a cycle's appendices: the case studies a coordinator enters there (the seed's named young
 * people are in Appendix 2) have their title and section bodies held apart in return_texts, as a return's texts
 * are (ReturnTexts1765092500000), so a passage can be redacted. Studies appended before are moved out here,
 * once: their event rows are rewritten to hold refs. Unlike the return texts, this runs after the log's hash
 * chain exists, so the chain is computed again from the rows as they now are (the same hashes for every stream
 * not rewritten); a log digest taken before this migration no longer verifies for the appendices' streams, and
 * the README says so.
 */
export class AppendixTexts1765210000000 implements MigrationInterface {
  name = 'AppendixTexts1765210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(
      `ALTER TABLE return_texts ADD CONSTRAINT return_texts_field_check
       CHECK (field IN ('narrative', 'comments', 'ragReason', 'caseStudies', '${APPENDIX_TEXT_FIELD}'))`,
    );
    await q.query('LOCK TABLE streams, events IN EXCLUSIVE MODE');
    if (await this.eachStudyEvent(q, (row) => holdStudyTexts(q, row.stream_id, row.data.study))) {
      await chainExistingEvents(q);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE streams, events IN EXCLUSIVE MODE');
    // Puts the texts (as they now read, redactions kept) back into the events before the rows go.
    const rewrote = await this.eachStudyEvent(q, async (row) => {
      const texts = await readTexts(
        q,
        studyRefs(row.data.study).map((r) => r.textId),
      );
      return mapStudyTexts(row.data.study, (value) =>
        isTextRef(value) ? (texts.get(value.textId) ?? value) : value,
      );
    });
    if (rewrote) await chainExistingEvents(q);
    await q.query('DELETE FROM return_texts WHERE field = $1', [APPENDIX_TEXT_FIELD]);
    await q.query('ALTER TABLE return_texts DROP CONSTRAINT return_texts_field_check');
    await q.query(
      `ALTER TABLE return_texts ADD CONSTRAINT return_texts_field_check
       CHECK (field IN ('narrative', 'comments', 'ragReason', 'caseStudies'))`,
    );
  }

  /** Rewrites the study of every appendices event that holds one, in batches; true when any row changed. */
  private async eachStudyEvent(
    q: QueryRunner,
    rewrite: (row: StudyRow) => Promise<unknown>,
  ): Promise<boolean> {
    let after = 0;
    let any = false;
    for (;;) {
      const rows: StudyRow[] = await q.query(
        `SELECT global_position, stream_id, data FROM events
         WHERE global_position > $1 AND type = ANY($2::text[]) AND stream_id LIKE 'appendices:%'
         ORDER BY global_position LIMIT $3`,
        [after, [...APPENDIX_STUDY_EVENT_TYPES], BATCH],
      );
      if (rows.length === 0) return any;
      for (const row of rows) {
        if (!row.data?.study) continue;
        const study = await rewrite(row);
        if (JSON.stringify(study) === JSON.stringify(row.data.study)) continue;
        any = true;
        await q.query('UPDATE events SET data = $2::jsonb WHERE global_position = $1', [
          row.global_position,
          JSON.stringify({ ...row.data, study }),
        ]);
      }
      after = Number(rows[rows.length - 1].global_position);
    }
  }
}
