import { randomUUID } from 'node:crypto';
import { Sql } from '../../../event-store/src/index.js';
import { passageForms } from '../../../kernel/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { isTextRef, mapFreeTexts, RedactableField, TextRef, withoutPassage } from './return-text-fields.js';

interface NewText {
  id: string;
  field: RedactableField;
  text: string;
}

/** A NUL, or half of a surrogate pair: neither can be stored in PostgreSQL text. */
// eslint-disable-next-line no-control-regex -- the NUL is what this looks for
export const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export class UnstorableTextError extends Error {
  constructor(readonly field: string) {
    super(`The ${field} holds a NUL or an unpaired surrogate, which cannot be stored`);
  }
}

/**
 * Moves the free texts of one content into return_texts and gives back the content that holds refs to them in
 * their place: what an event of the return stores. The rows go in on `sql`, so in the append's transaction.
 */
export async function holdTexts(sql: Sql, returnId: string, content: ReturnContent): Promise<unknown> {
  const rows: NewText[] = [];
  const held = mapFreeTexts(content, ({ field, value }) => {
    if (typeof value !== 'string') return value;
    // As the log's jsonb did when texts were inline: text PostgreSQL cannot hold as written is refused, never
    // cut short at a NUL or changed by a replacement character.
    if (UNSTORABLE.test(value)) throw new UnstorableTextError(field);
    const ref: TextRef = { textId: randomUUID() };
    rows.push({ id: ref.textId, field, text: value });
    return ref;
  });
  if (rows.length > 0) {
    await sql.query(
      `INSERT INTO return_texts (id, return_id, field, text)
       SELECT id, $1, field, text FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(id, field, text)`,
      [returnId, rows.map((r) => r.id), rows.map((r) => r.field), rows.map((r) => r.text)],
    );
  }
  return held;
}

/** The refs an event's content holds (none for content written before texts were held apart). */
export function refsIn(content: unknown): string[] {
  const ids: string[] = [];
  mapFreeTexts(content, ({ value }) => {
    if (isTextRef(value)) ids.push(value.textId);
    return value;
  });
  return ids;
}

/** The texts of the refs, read in one round trip. */
export async function readTexts(sql: Sql, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows: { id: string; text: string }[] = await sql.query(
    'SELECT id::text AS id, text FROM return_texts WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.text]));
}

/** What a ref reads as when its row is gone (never expected: rows are rewritten, not deleted). */
export const MISSING_TEXT = '[text not available]';

/** The content with each ref replaced by its text. */
export function withTexts(content: unknown, texts: ReadonlyMap<string, string>): unknown {
  return mapFreeTexts(content, ({ value }) =>
    isTextRef(value) ? (texts.get(value.textId) ?? MISSING_TEXT) : value,
  );
}

/**
 * Rewrites every version of one field of one return (drafts, submissions, approvals alike) with the passage
 * replaced by [redacted]. The event rows are not touched: they hold refs only. Returns how many texts changed.
 */
export async function redactTexts(
  sql: Sql,
  returnId: string,
  /** A redactable field, or a return_texts field redacted with one (the files' removal reasons, with `reasons`). */
  field: string,
  passage: string,
): Promise<number> {
  const rows: { id: string; text: string }[] = await sql.query(
    `SELECT id::text AS id, text FROM return_texts
     WHERE return_id = $1 AND field = $2 AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS f(form) WHERE strpos(text, form) > 0)
     FOR UPDATE`,
    [returnId, field, passageForms(passage)],
  );
  return rewriteTexts(sql, rows, passage);
}

/**
 * The rows' texts written back with every form of the passage (line endings, composed or decomposed: see
 * passageForms) replaced by [redacted]: whichever way a text was typed, none of it stays readable.
 */
export async function rewriteTexts(
  sql: Sql,
  rows: readonly { id: string; text: string }[],
  passage: string,
): Promise<number> {
  const forms = passageForms(passage);
  // Rows that hold the passage only inside an earlier [redacted] stay as they are (see withoutPassage).
  const changed = rows
    .map((r) => ({ id: r.id, text: withoutPassage(r.text, forms) }))
    .filter((r, i) => r.text !== rows[i].text);
  if (changed.length === 0) return 0;
  await sql.query(
    `UPDATE return_texts SET text = t.text, redacted_at = now()
     FROM unnest($1::uuid[], $2::text[]) AS t(id, text) WHERE return_texts.id = t.id`,
    [changed.map((r) => r.id), changed.map((r) => r.text)],
  );
  return changed.length;
}
