import { DataSource } from 'typeorm';
import {
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadStreamOptions,
  Sql,
  StoredEvent,
  transactionally,
  UnreadableEvent,
  Upcasters,
} from '../../../event-store/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { CONTENT_EVENT_TYPES, isTextRef } from './return-text-fields.js';
import { holdTexts, MISSING_TEXT, readTexts, refsIn, withTexts } from './return-texts.table.js';
import { APPENDIX_STUDY_EVENT_TYPES, holdStudyTexts, mapStudyTexts, studyRefs } from './appendix-texts.js';

const RETURN_STREAM = 'return:';
const APPENDICES_STREAM = 'appendices:';

const holdsContent = (streamId: string, type: string): boolean =>
  streamId.startsWith(RETURN_STREAM) && CONTENT_EVENT_TYPES.has(type);

/** An appendices event with an entered case study, whose texts are held apart as a return's are. */
const holdsStudy = (streamId: string, type: string): boolean =>
  streamId.startsWith(APPENDICES_STREAM) && APPENDIX_STUDY_EVENT_TYPES.has(type);

/**
 * The event store, with the free texts of returns (narratives, comments, case studies, RAG reasons) held apart
 * in return_texts: an event of a return stores refs to its texts, and every read puts the texts back. A
 * redaction rewrites those rows, so no event row is ever rewritten for it (the log's rows stay as appended), and
 * every reader of the events (commands, queries, projections, a rebuild, publishing) reads the redacted text
 * without knowing of it. Content written before texts were held apart is read as it is.
 */
export class TextHoldingEventStore extends EventStore {
  constructor(
    private readonly db: DataSource,
    upcasters?: Upcasters,
  ) {
    super(db, upcasters);
  }

  override async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    metadata: EventMetadata,
    options: AppendOptions = {},
    given?: Sql,
  ): Promise<AppendResult> {
    if (events.some((e) => holdsStudy(streamId, e.type))) {
      const write = async (sql: Sql): Promise<AppendResult> => {
        const held: NewEvent[] = [];
        for (const event of events) {
          if (!holdsStudy(streamId, event.type)) {
            held.push(event);
            continue;
          }
          const data = event.data as { study: unknown };
          held.push({ ...event, data: { ...data, study: await holdStudyTexts(sql, streamId, data.study) } });
        }
        return super.append(streamId, expectedVersion, held, metadata, options, sql);
      };
      return given ? write(given) : transactionally(this.db, write);
    }
    if (!events.some((e) => holdsContent(streamId, e.type))) {
      return super.append(streamId, expectedVersion, events, metadata, options, given);
    }
    const returnId = streamId.slice(RETURN_STREAM.length);
    // The texts commit with their events or not at all.
    const write = async (sql: Sql): Promise<AppendResult> => {
      const held: NewEvent[] = [];
      for (const event of events) {
        if (!holdsContent(streamId, event.type)) {
          held.push(event);
          continue;
        }
        const data = event.data as { content: ReturnContent };
        held.push({ ...event, data: { ...data, content: await holdTexts(sql, returnId, data.content) } });
      }
      return super.append(streamId, expectedVersion, held, metadata, options, sql);
    };
    return given ? write(given) : transactionally(this.db, write);
  }

  override async readStream<E extends NewEvent = NewEvent>(
    streamId: string,
    options: ReadStreamOptions = {},
    sql: Sql = this.db,
  ): Promise<StoredEvent<E>[]> {
    return this.withTexts(await super.readStream<E>(streamId, options, sql), sql);
  }

  override async readStreamWithTypesOf<E extends NewEvent = NewEvent>(
    streamId: string,
    typesOfStreamId: string,
  ): Promise<{ events: StoredEvent<E>[]; types: string[] }> {
    const { events, types } = await super.readStreamWithTypesOf<E>(streamId, typesOfStreamId);
    return { events: await this.withTexts(events, this.db), types };
  }

  override async readStreams<E extends NewEvent = NewEvent>(
    streamIds: readonly string[],
    options: Pick<ReadStreamOptions, 'asAt'> = {},
    sql: Sql = this.db,
  ): Promise<Map<string, StoredEvent<E>[]>> {
    return this.streamsWithTexts(await super.readStreams<E>(streamIds, options, sql), sql);
  }

  override async readStreamTails<E extends NewEvent = NewEvent>(
    fromVersions: ReadonlyMap<string, number>,
    sql: Sql = this.db,
  ): Promise<Map<string, StoredEvent<E>[]>> {
    return this.streamsWithTexts(await super.readStreamTails<E>(fromVersions, sql), sql);
  }

  override async readAll(
    after: Checkpoint,
    batchSize: number,
    sql: Sql = this.db,
    unreadable?: UnreadableEvent[],
  ): Promise<{ events: StoredEvent[]; checkpoint: Checkpoint }> {
    const batch = await super.readAll(after, batchSize, sql, unreadable);
    return { ...batch, events: await this.withTexts(batch.events, sql) };
  }

  override async readPositions(
    positions: readonly number[],
    sql: Sql = this.db,
    unreadable?: UnreadableEvent[],
  ): Promise<StoredEvent[]> {
    return this.withTexts(await super.readPositions(positions, sql, unreadable), sql);
  }

  private async streamsWithTexts<E extends NewEvent>(
    streams: Map<string, StoredEvent<E>[]>,
    sql: Sql,
  ): Promise<Map<string, StoredEvent<E>[]>> {
    const all = await this.withTexts([...streams.values()].flat(), sql);
    const out = new Map<string, StoredEvent<E>[]>([...streams.keys()].map((id) => [id, []]));
    for (const event of all) out.get(event.streamId)!.push(event);
    return out;
  }

  /** The events with their texts put back, in one round trip for all of them (none when none holds a ref). */
  private async withTexts<E extends NewEvent>(events: StoredEvent<E>[], sql: Sql): Promise<StoredEvent<E>[]> {
    const contentOf = (e: StoredEvent<E>): unknown =>
      holdsContent(e.streamId, e.type) ? (e.data as { content?: unknown } | null)?.content : undefined;
    const studyOf = (e: StoredEvent<E>): unknown =>
      holdsStudy(e.streamId, e.type) ? (e.data as { study?: unknown } | null)?.study : undefined;
    const ids = events.flatMap((e) => [
      ...refsIn(contentOf(e)),
      ...studyRefs(studyOf(e)).map((r) => r.textId),
    ]);
    if (ids.length === 0) return events;
    const texts = await readTexts(sql, ids);
    return events.map((e) => {
      const study = studyOf(e);
      if (studyRefs(study).length > 0) {
        const read = mapStudyTexts(study, (value) =>
          isTextRef(value) ? (texts.get(value.textId) ?? MISSING_TEXT) : value,
        );
        return { ...e, data: { ...(e.data as object), study: read } as E['data'] };
      }
      const content = contentOf(e);
      if (refsIn(content).length === 0) return e;
      return { ...e, data: { ...(e.data as object), content: withTexts(content, texts) } as E['data'] };
    });
  }
}
