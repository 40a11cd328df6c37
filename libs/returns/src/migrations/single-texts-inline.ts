import { QueryRunner } from 'typeorm';
import { chainExistingEvents } from '../../../event-store/src/index.js';
import { isTextRef } from '../return-texts/return-text-fields.js';

export const fieldCheck = (fields: readonly string[]) =>
  `ALTER TABLE return_texts ADD CONSTRAINT return_texts_field_check
   CHECK (field IN (${fields.map((f) => `'${f}'`).join(', ')}))`;

/**
 * A migration's down for a text held apart by a singleTextHook: each held text (as it now reads, redactions kept)
 * is put back into its event, the log's chain computed again when any row changed, and the rows go.
 */
export async function putSingleTextsBackInline(
  q: QueryRunner,
  where: { streamPrefix: string; types: ReadonlySet<string>; field: string; textField: string },
): Promise<void> {
  await q.query('LOCK TABLE streams, events IN EXCLUSIVE MODE');
  const rows: { global_position: string; data: Record<string, unknown> }[] = await q.query(
    `SELECT global_position, data FROM events
     WHERE stream_id LIKE $1 AND type = ANY($2::text[]) AND jsonb_typeof(data->$3) = 'object'`,
    [`${where.streamPrefix}%`, [...where.types], where.field],
  );
  let rewrote = false;
  for (const row of rows) {
    const ref = row.data[where.field];
    if (!isTextRef(ref)) continue;
    const [held]: { text: string }[] = await q.query('SELECT text FROM return_texts WHERE id = $1', [
      ref.textId,
    ]);
    if (!held) continue;
    await q.query('UPDATE events SET data = $2::jsonb WHERE global_position = $1', [
      row.global_position,
      JSON.stringify({ ...row.data, [where.field]: held.text }),
    ]);
    rewrote = true;
  }
  if (rewrote) await chainExistingEvents(q);
  await q.query('DELETE FROM return_texts WHERE field = $1', [where.textField]);
}
