import {
  EventStoreHook,
  NewEvent,
  registerEventStoreHook,
  Sql,
  StoredEvent,
} from '../../../event-store/src/index.js';
import { isTextRef } from './return-text-fields.js';
import { MISSING_TEXT, readTexts } from './return-texts.table.js';
import { APPENDIX_STUDY_EVENT_TYPES, holdStudyTexts, mapStudyTexts, studyRefs } from './appendix-texts.js';

const APPENDICES_STREAM = 'appendices:';

/** An appendices event with an entered case study, whose texts are held apart as a return's are. */
const holdsStudy = (streamId: string, type: string): boolean =>
  streamId.startsWith(APPENDICES_STREAM) && APPENDIX_STUDY_EVENT_TYPES.has(type);

const studyOf = (e: StoredEvent<NewEvent>): unknown =>
  holdsStudy(e.streamId, e.type) ? (e.data as { study?: unknown } | null)?.study : undefined;

/**
 * The case studies a coordinator enters in a cycle's appendices (the seed's Appendix 2 names young people): their
 * title and section bodies held apart in return_texts as a return's texts are (RETURN_TEXTS_HOOK), so a passage
 * can be redacted without rewriting an event row. A hook on every EventStore, registered when this lib loads.
 */
export const APPENDIX_TEXTS_HOOK: EventStoreHook = {
  name: 'appendix-texts',

  appliesTo: (streamId, events) => events.some((e) => holdsStudy(streamId, e.type)),

  async storing(streamId, events, sql) {
    const held: NewEvent[] = [];
    for (const event of events) {
      if (!holdsStudy(streamId, event.type)) {
        held.push(event);
        continue;
      }
      const data = event.data as { study: unknown };
      held.push({ ...event, data: { ...data, study: await holdStudyTexts(sql, streamId, data.study) } });
    }
    return held;
  },

  reading: withStudyTexts,
};

/** The events with their studies' texts put back, in one round trip for all of them (none when none holds a ref). */
async function withStudyTexts<E extends NewEvent>(
  events: StoredEvent<E>[],
  sql: Sql,
): Promise<StoredEvent<E>[]> {
  const ids = events.flatMap((e) => studyRefs(studyOf(e)).map((r) => r.textId));
  if (ids.length === 0) return events;
  const texts = await readTexts(sql, ids);
  return events.map((e) => {
    const study = studyOf(e);
    if (studyRefs(study).length === 0) return e;
    const read = mapStudyTexts(study, (value) =>
      isTextRef(value) ? (texts.get(value.textId) ?? MISSING_TEXT) : value,
    );
    return { ...e, data: { ...(e.data as object), study: read } as E['data'] };
  });
}

registerEventStoreHook(APPENDIX_TEXTS_HOOK);
