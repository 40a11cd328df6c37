import {
  EventStoreHook,
  NewEvent,
  registerEventStoreHook,
  Sql,
  StoredEvent,
} from '../../../event-store/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { CONTENT_EVENT_TYPES } from './return-text-fields.js';
import { holdTexts, readTexts, refsIn, withTexts } from './return-texts.table.js';

const RETURN_STREAM = 'return:';

const holdsContent = (streamId: string, type: string): boolean =>
  streamId.startsWith(RETURN_STREAM) && CONTENT_EVENT_TYPES.has(type);

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
export const RETURN_TEXTS_HOOK: EventStoreHook = {
  name: 'return-texts',

  appliesTo: (streamId, events) => events.some((e) => holdsContent(streamId, e.type)),

  async storing(streamId, events, sql) {
    const returnId = streamId.slice(RETURN_STREAM.length);
    const held: NewEvent[] = [];
    for (const event of events) {
      if (!holdsContent(streamId, event.type)) {
        held.push(event);
        continue;
      }
      const data = event.data as { content: ReturnContent };
      held.push({ ...event, data: { ...data, content: await holdTexts(sql, returnId, data.content) } });
    }
    return held;
  },

  reading: withHeldTexts,
};

/** The events with their texts put back, in one round trip for all of them (none when none holds a ref). */
async function withHeldTexts<E extends NewEvent>(
  events: StoredEvent<E>[],
  sql: Sql,
): Promise<StoredEvent<E>[]> {
  const contentOf = (e: StoredEvent<E>): unknown =>
    holdsContent(e.streamId, e.type) ? (e.data as { content?: unknown } | null)?.content : undefined;
  const ids = events.flatMap((e) => refsIn(contentOf(e)));
  if (ids.length === 0) return events;
  const texts = await readTexts(sql, ids);
  return events.map((e) => {
    const content = contentOf(e);
    if (refsIn(content).length === 0) return e;
    return { ...e, data: { ...(e.data as object), content: withTexts(content, texts) } as E['data'] };
  });
}

registerEventStoreHook(RETURN_TEXTS_HOOK);
