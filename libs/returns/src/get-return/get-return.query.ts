import { Inject, Injectable } from '@nestjs/common';
import { Actor, Clock, DomainError } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { ReturnView, toReturnView } from './return-view.js';

/** One return with its full history (the fold is toReturnView), for the API and every page that shows one. */
@Injectable()
export class GetReturn {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The return as it stands, or as it stood at asAt; 404 when there is none or the actor may not see it. */
  async view(actor: Actor, returnId: string, asAt?: Date): Promise<ReturnView> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId), { asAt });
    const view = toReturnView(events, asAt ?? this.clock.now(), true);
    if (!view || !canSeeReturn(actor, view)) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    return view;
  }
}
