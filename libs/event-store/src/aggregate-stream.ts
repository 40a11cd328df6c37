import { ExpectedVersion, NewEvent } from './event.js';
import { EventStore, ReadStreamOptions } from './event-store.js';
import { Sql } from './event-store-hooks.js';

/** Folds a stream into state with a pure evolve, returning the version to append at next. */
export async function aggregateStream<State, E extends NewEvent>(
  store: EventStore,
  streamId: string,
  evolve: (state: State, event: E) => State,
  initial: () => State,
  options: ReadStreamOptions = {},
  sql?: Sql,
): Promise<{ state: State; expectedVersion: ExpectedVersion; events: number }> {
  const events = await store.readStream<E>(streamId, options, sql);
  let state = initial();
  for (const event of events) state = evolve(state, { type: event.type, data: event.data } as E);
  const last = events[events.length - 1];
  return { state, expectedVersion: last ? last.version : 'no_stream', events: events.length };
}
