import { StoredEvent } from '../../../event-store/src/index.js';

/**
 * The streams a batch of events already holds whole: every version from 1 to the stream's current one. For those,
 * the batch's own events, in version order, are exactly what reading the stream would return, so the read can
 * be saved. `versions` are the streams' current versions, read after the batch.
 */
export function wholeStreamsIn(
  events: readonly StoredEvent[],
  versions: ReadonlyMap<string, number>,
): Map<string, StoredEvent[]> {
  const held = new Map<string, StoredEvent[]>();
  for (const event of events) {
    if (!versions.has(event.streamId)) continue;
    const stream = held.get(event.streamId);
    if (stream) stream.push(event);
    else held.set(event.streamId, [event]);
  }
  const whole = new Map<string, StoredEvent[]>();
  for (const [streamId, stream] of held) {
    if (stream.length !== versions.get(streamId)) continue;
    // Events of a stream reach the log in the order of their transactions, not always of their versions.
    const ordered = [...stream].sort((a, b) => a.version - b.version);
    if (ordered.every((event, i) => event.version === i + 1)) whole.set(streamId, ordered);
  }
  return whole;
}
