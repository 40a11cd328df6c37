import { EventStoreHook, NewEvent, Sql, StoredEvent } from '../../../event-store/src/index.js';
import { readTexts } from './return-texts.table.js';

/** Which events hold free text apart, in which field of their data, and how that field's texts are found. */
export interface HeldTextsField {
  name: string;
  /** The events whose `field` holds texts apart: by stream and type, never by their data. */
  holds: (streamId: string, type: string) => boolean;
  field: string;
  /** Writes the field's texts to return_texts (in the append's transaction) and gives the field with refs. */
  hold: (sql: Sql, streamId: string, value: unknown) => Promise<unknown>;
  /** The text ids the stored field refers to (none for a field written before texts were held apart). */
  refs: (value: unknown) => string[];
  /** The field with its refs swapped for the texts read. */
  putBack: (value: unknown, texts: ReadonlyMap<string, string>) => unknown;
}

/**
 * An EventStore hook that keeps one field's free texts out of the event rows, in return_texts, and puts them back on
 * every read: a redaction rewrites those rows, never an event's. Returns' content and appendix case studies are two
 * such fields; what differs between them is only where the texts sit in the field.
 */
export function heldTextsHook(spec: HeldTextsField): EventStoreHook {
  const valueOf = (e: StoredEvent<NewEvent>): unknown =>
    spec.holds(e.streamId, e.type) ? (e.data as Record<string, unknown> | null)?.[spec.field] : undefined;

  return {
    name: spec.name,

    appliesTo: (streamId, events) => events.some((e) => spec.holds(streamId, e.type)),

    async storing(streamId, events, sql) {
      const held: NewEvent[] = [];
      // One at a time: each hold writes in the append's transaction, on its one connection.
      for (const event of events) {
        if (!spec.holds(streamId, event.type)) {
          held.push(event);
          continue;
        }
        const data = event.data as Record<string, unknown>;
        held.push({
          ...event,
          data: { ...data, [spec.field]: await spec.hold(sql, streamId, data[spec.field]) },
        });
      }
      return held;
    },

    // The texts of all the events read, in one round trip (none when none holds a ref).
    async reading<E extends NewEvent>(events: StoredEvent<E>[], sql: Sql): Promise<StoredEvent<E>[]> {
      const ids = events.flatMap((e) => spec.refs(valueOf(e)));
      if (ids.length === 0) return events;
      const texts = await readTexts(sql, ids);
      return events.map((e) => {
        const value = valueOf(e);
        if (spec.refs(value).length === 0) return e;
        return {
          ...e,
          data: { ...(e.data as object), [spec.field]: spec.putBack(value, texts) } as E['data'],
        };
      });
    },
  };
}
