import { Actor, DomainError } from '../../../kernel/src/index.js';
import { EventStore, NewEvent, StoredEvent } from '../../../event-store/src/index.js';
import { ReturnEvent, returnStreamId } from './return.events.js';
import { foldReturnEvents } from './return.state.js';
import { canSeeReturn } from './return-visibility.js';

/**
 * The events of a stream kept beside a return (its files, its thread), read in one query with the return's own,
 * for someone who may see the return. Anyone else is told there is no such return (404), as for the return
 * itself, whether or not anything was ever written beside it.
 */
export async function readBesideVisibleReturn<E extends NewEvent>(
  store: EventStore,
  actor: Actor,
  returnId: string,
  besideStreamId: string,
): Promise<StoredEvent<E>[]> {
  const own = returnStreamId(returnId);
  const streams = await store.readStreams<ReturnEvent | E>([own, besideStreamId]);
  const about = foldReturnEvents(streams.get(own) ?? []);
  if (about.status === 'none' || !canSeeReturn(actor, about)) {
    throw new DomainError('return-not-found', 'No such return', 'not-found');
  }
  return (streams.get(besideStreamId) ?? []) as StoredEvent<E>[];
}
