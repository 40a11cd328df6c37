import { StoredEvent } from '../../../event-store/src/index.js';

/** A stream folded into state up to a version (0: nothing read yet). */
export interface FoldedStream<S> {
  state: S;
  version: number;
}

/**
 * Brings a fold up to date with the events that followed it. Streams only ever grow by whole versions, so the
 * state folded from what was known plus the tail equals the state folded from the whole stream.
 */
export function catchUp<S>(
  folded: FoldedStream<S>,
  tail: readonly StoredEvent[],
  evolve: (state: S, event: { type: string; data: unknown }) => S,
): FoldedStream<S> {
  if (tail.length === 0) return folded;
  let state = folded.state;
  for (const event of tail) state = evolve(state, { type: event.type, data: event.data });
  return { state, version: tail[tail.length - 1].version };
}
