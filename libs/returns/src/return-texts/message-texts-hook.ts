import { randomUUID } from 'node:crypto';
import { registerEventStoreHook, Sql } from '../../../event-store/src/index.js';
import { heldTextsHook } from './held-texts-hook.js';
import { isTextRef, TextRef } from './return-text-fields.js';
import { MISSING_TEXT, UnstorableTextError } from './return-texts.table.js';

const CONVERSATION_STREAM = 'conversation:';

/** The return_texts field of a message's body, keyed by the return id as a return's own texts are. */
export const MESSAGE_TEXT_FIELD = 'messages';

// eslint-disable-next-line no-control-regex -- the NUL is what this looks for (as return-texts.table.ts)
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Moves a message's body into return_texts (on `sql`, the append's transaction) and gives back its ref. */
async function holdBody(sql: Sql, streamId: string, body: unknown): Promise<unknown> {
  if (typeof body !== 'string') return body;
  if (UNSTORABLE.test(body)) throw new UnstorableTextError('body');
  const ref: TextRef = { textId: randomUUID() };
  await sql.query(`INSERT INTO return_texts (id, return_id, field, text) VALUES ($1, $2, $3, $4)`, [
    ref.textId,
    streamId.slice(CONVERSATION_STREAM.length),
    MESSAGE_TEXT_FIELD,
    body,
  ]);
  return ref;
}

/**
 * The body of a message on a return's thread (a lead may name a client in it) held apart in return_texts as a
 * return's texts are (RETURN_TEXTS_HOOK), so that a coordinator can redact a passage from it without rewriting an
 * event row. Messages posted before this hook hold their body inline: they read as they are, and a redaction
 * refuses them (message-held-in-log) rather than rewrite their row.
 */
export const MESSAGE_TEXTS_HOOK = heldTextsHook({
  name: 'message-texts',
  holds: (streamId, type) => streamId.startsWith(CONVERSATION_STREAM) && type === 'ReturnMessagePosted',
  field: 'body',
  hold: holdBody,
  refs: (body) => (isTextRef(body) ? [body.textId] : []),
  putBack: (body, texts) => (isTextRef(body) ? (texts.get(body.textId) ?? MISSING_TEXT) : body),
});
registerEventStoreHook(MESSAGE_TEXTS_HOOK);
