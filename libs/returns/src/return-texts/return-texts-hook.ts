import { registerEventStoreHook } from '../../../event-store/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { heldTextsHook } from './held-texts-hook.js';
import { CONTENT_EVENT_TYPES } from './return-text-fields.js';
import { holdTexts, refsIn, withTexts } from './return-texts.table.js';

const RETURN_STREAM = 'return:';

/**
 * The free texts of returns (narratives, comments, case studies, RAG reasons) held apart in return_texts: an event
 * of a return stores refs to its texts, and every read puts the texts back. A redaction rewrites those rows, so no
 * event row is ever rewritten for it (the log's rows stay as appended), and every reader of the events (commands,
 * queries, projections, a rebuild, publishing) reads the redacted text without knowing of it. Content written
 * before texts were held apart is read as it is.
 *
 * A hook on every EventStore (see libs/event-store's event-store-hooks.ts), registered below when this lib is
 * loaded: a store built anywhere in the product, a plain `new EventStore(dataSource)` in a script or a test
 * included, reads returns' texts, where a subclass left every store built without it reading refs.
 */
export const RETURN_TEXTS_HOOK = heldTextsHook({
  name: 'return-texts',
  holds: (streamId, type) => streamId.startsWith(RETURN_STREAM) && CONTENT_EVENT_TYPES.has(type),
  field: 'content',
  hold: (sql, streamId, content) =>
    holdTexts(sql, streamId.slice(RETURN_STREAM.length), content as ReturnContent),
  refs: refsIn,
  putBack: withTexts,
});

registerEventStoreHook(RETURN_TEXTS_HOOK);
