import { Inject, Injectable } from '@nestjs/common';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents, ReturnState } from '../return/return.state.js';
import { ContentChange, diffReturnContent } from './return-diff.js';

export interface VersionContent {
  version: number;
  status: string;
  content: ReturnContent;
}

export interface ReturnDiff {
  returnId: string;
  from: VersionContent;
  to: VersionContent;
  changes: ContentChange[];
}

/**
 * What changed in a return between two of its versions, from its events: each version is the fold of the
 * events up to it. 404 for a return the actor may not see or a version it has not reached; 422 for from > to.
 */
export function returnDiff(
  actor: Actor,
  returnId: string,
  events: StoredEvent<ReturnEvent>[],
  from: number,
  to: number,
): ReturnDiff {
  const at = (version: number): ReturnState => foldReturnEvents(events.filter((e) => e.version <= version));
  const current = at(Number.MAX_SAFE_INTEGER);
  if (current.status === 'none' || !canSeeReturn(actor, current)) {
    throw new DomainError('return-not-found', 'No such return', 'not-found');
  }
  const last = events[events.length - 1].version;
  for (const [field, version] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (version > last) {
      throw new DomainError(
        'version-not-found',
        `The return has no version ${version}; it is at ${last}`,
        'not-found',
        field,
      );
    }
  }
  if (from > to) throw new DomainError('from-after-to', 'from must not be after to', 'unprocessable', 'from');
  const [before, after] = [at(from), at(to)] as Exclude<ReturnState, { status: 'none' }>[];
  return {
    returnId,
    from: { version: from, status: before.status, content: before.content },
    to: { version: to, status: after.status, content: after.content },
    changes: diffReturnContent(before.content, after.content),
  };
}

/** The return diff the API serves: reads the return's stream, then returnDiff. */
@Injectable()
export class DiffReturn {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async diff(actor: Actor, returnId: string, from: number, to: number): Promise<ReturnDiff> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    return returnDiff(actor, returnId, events, from, to);
  }
}
