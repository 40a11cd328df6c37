import type { DataSource, EntityManager } from 'typeorm';
import { NewEvent, StoredEvent } from './event.js';

/** Anything that runs SQL: the DataSource (own connection per call) or a transaction's EntityManager. */
export type Sql = Pick<DataSource | EntityManager, 'query'>;

/**
 * A step a higher lib adds to every EventStore, on the way in and on the way out, without the store knowing the
 * lib (libs/event-store imports no lib above it): the returns lib holds a return's free texts apart this way, so
 * that they can be redacted without rewriting an event row. Personal data (personal-data/) is the store's own and
 * always on; a hook runs after it on the way in (on the events as given) and after upcasting on the way out.
 */
export interface EventStoreHook {
  /** Names it in errors, and makes registering it twice harmless. */
  readonly name: string;
  /**
   * Whether appending `events` to `streamId` gives it anything to store. When it does, the append runs in a
   * transaction (the command's, or one of its own), so what `storing` writes commits with the events or not at
   * all; when no hook has anything, the append stays one statement in autocommit.
   */
  appliesTo(streamId: string, events: readonly NewEvent[]): boolean;
  /** The events as they are to be stored, writing what it holds apart on `sql` (the append's transaction). */
  storing(streamId: string, events: readonly NewEvent[], sql: Sql): Promise<readonly NewEvent[]>;
  /** The events as read, with what `storing` held apart put back (in one round trip at most, none when none). */
  reading<E extends NewEvent>(events: StoredEvent<E>[], sql: Sql): Promise<StoredEvent<E>[]>;
}

const registered = new Map<string, EventStoreHook>();

/**
 * Adds a hook to every EventStore of this process, those already built included: each reads the list at every
 * append and read. The lib that defines a hook registers it when it is loaded (its index), so every process that
 * can write or read that lib's events (apps, scripts, benchmarks, tests: they all load the product's libs
 * through apps/composition) has it, and a plain `new EventStore(dataSource)` reads those events correctly.
 */
export function registerEventStoreHook(hook: EventStoreHook): void {
  registered.set(hook.name, hook);
}

/** The hooks registered so far, in the order they were first registered. */
export function registeredEventStoreHooks(): readonly EventStoreHook[] {
  return [...registered.values()];
}
