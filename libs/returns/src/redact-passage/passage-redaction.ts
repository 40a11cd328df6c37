import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock, CommandEnvelope, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { RedactableField } from '../return-texts/return-text-fields.js';
import { redactTexts } from '../return-texts/return-texts.table.js';
import { decideReturn } from '../return/return.decide.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents } from '../return/return.state.js';

export interface PassageToRedact {
  returnId: string;
  field: string;
  passage: string;
  reason: string;
}

export interface RedactedPassage {
  returnId: string;
  cycleId: string;
  /** The return's version after PassageRedacted. */
  version: number;
  /** How many stored versions of the field had the passage taken out. */
  textsChanged: number;
}

/**
 * The return's part of a redaction, on the caller's transaction: decide, append PassageRedacted, and rewrite
 * every held version of the field. The caller (reporting, which also re-issues publications that held the
 * passage) commits it all at once, so a redaction is never half applied.
 */
@Injectable()
export class PassageRedaction {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async redact(
    envelope: CommandEnvelope,
    asked: PassageToRedact,
    manager: EntityManager,
  ): Promise<RedactedPassage> {
    const streamId = returnStreamId(asked.returnId);
    const events = await this.store.readStream<ReturnEvent>(streamId, {}, manager);
    const state = foldReturnEvents(events);
    if (state.status === 'none') throw new DomainError('return-not-found', 'No such return', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'return', state.cycleId);
    const version = events[events.length - 1].version;
    refuseStaleVersion(streamId, envelope.expectedVersion, version);
    const decided = decideReturn({ type: 'RedactPassage', actor: envelope.actor, ...asked }, state);
    const { nextExpectedVersion } = await this.store.append(
      streamId,
      version,
      decided,
      metadataFor(envelope, asked.reason.trim()),
      { recordedAt: this.clock.now() },
      manager,
    );
    const textsChanged = await redactTexts(
      manager,
      asked.returnId,
      asked.field as RedactableField,
      asked.passage,
    );
    return { returnId: asked.returnId, cycleId: state.cycleId, version: nextExpectedVersion, textsChanged };
  }
}
