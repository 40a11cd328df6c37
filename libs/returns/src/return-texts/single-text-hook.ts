import { randomUUID } from 'node:crypto';
import { EventStoreHook, Sql } from '../../../event-store/src/index.js';
import { heldTextsHook } from './held-texts-hook.js';
import { isTextRef, TextRef } from './return-text-fields.js';
import { MISSING_TEXT, UNSTORABLE, UnstorableTextError } from './return-texts.table.js';

/** Where one plain-text field of some events is held apart: under which return_texts field, for which return. */
export interface SingleTextField {
  name: string;
  /** The stream prefix whose id, without it, is the return's id. */
  streamPrefix: string;
  types: ReadonlySet<string>;
  /** The field of the event's data that holds the text. */
  field: string;
  /** return_texts.field of the rows. */
  textField: string;
}

/**
 * A hook that holds one plain-text field of some events (a message's body, the reason a return was sent back) in
 * return_texts, its event holding a ref, as a return's content texts are held: a redaction rewrites the row, never
 * the event's. An event written before keeps its text inline and reads as it is.
 */
export function singleTextHook(spec: SingleTextField): EventStoreHook {
  const hold = async (sql: Sql, streamId: string, text: unknown): Promise<unknown> => {
    if (typeof text !== 'string') return text;
    if (UNSTORABLE.test(text)) throw new UnstorableTextError(spec.field);
    const ref: TextRef = { textId: randomUUID() };
    await sql.query(`INSERT INTO return_texts (id, return_id, field, text) VALUES ($1, $2, $3, $4)`, [
      ref.textId,
      streamId.slice(spec.streamPrefix.length),
      spec.textField,
      text,
    ]);
    return ref;
  };
  return heldTextsHook({
    name: spec.name,
    holds: (streamId, type) => streamId.startsWith(spec.streamPrefix) && spec.types.has(type),
    field: spec.field,
    hold,
    refs: (text) => (isTextRef(text) ? [text.textId] : []),
    putBack: (text, texts) => (isTextRef(text) ? (texts.get(text.textId) ?? MISSING_TEXT) : text),
  });
}
