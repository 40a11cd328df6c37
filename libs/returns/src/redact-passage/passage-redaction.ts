import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  Clock,
  CommandEnvelope,
  DomainError,
  passageForms,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { evidenceStreamId } from '../evidence/evidence.events.js';
import {
  EVIDENCE_REASON_EVENT_TYPES,
  EVIDENCE_REASON_TEXT_FIELD,
} from '../return-texts/evidence-reason-texts-hook.js';
import { REASON_EVENT_TYPES, REASON_TEXT_FIELD } from '../return-texts/reason-texts-hook.js';
import { holdsPassage, RedactableField } from '../return-texts/return-text-fields.js';
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
    const ofReasons = asked.field === REASON_TEXT_FIELD;
    // The reasons given on the return and those its files were removed for (on the files' own stream).
    const reasons = ofReasons
      ? [
          ...reasonsIn(events, REASON_EVENT_TYPES),
          ...reasonsIn(
            await this.store.readStream(evidenceStreamId(asked.returnId), {}, manager),
            EVIDENCE_REASON_EVENT_TYPES,
          ),
        ]
      : [];
    const decided = decideReturn({ type: 'RedactPassage', actor: envelope.actor, ...asked, reasons }, state);
    if (ofReasons) await this.refuseInlineReasons(manager, asked.returnId, asked.passage);
    const { nextExpectedVersion } = await this.store.append(
      streamId,
      version,
      decided,
      metadataFor(envelope, asked.reason.trim()),
      { recordedAt: this.clock.now() },
      manager,
    );
    let textsChanged = await redactTexts(
      manager,
      asked.returnId,
      asked.field as RedactableField,
      asked.passage,
    );
    if (ofReasons) {
      textsChanged += await redactTexts(manager, asked.returnId, EVIDENCE_REASON_TEXT_FIELD, asked.passage);
    }
    return { returnId: asked.returnId, cycleId: state.cycleId, version: nextExpectedVersion, textsChanged };
  }

  /**
   * A reason given before reasons were held apart is in its event row, which a redaction does not rewrite: a
   * passage one of them holds is refused whole, rather than taken out of the others and left there.
   */
  private async refuseInlineReasons(
    manager: EntityManager,
    returnId: string,
    passage: string,
  ): Promise<void> {
    const inline: { reason: string }[] = await manager.query(
      `SELECT data->>'reason' AS reason FROM events
       WHERE ((stream_id = $1 AND type = ANY($2::text[])) OR (stream_id = $3 AND type = ANY($4::text[])))
         AND jsonb_typeof(data->'reason') = 'string'`,
      [
        returnStreamId(returnId),
        [...REASON_EVENT_TYPES],
        evidenceStreamId(returnId),
        [...EVIDENCE_REASON_EVENT_TYPES],
      ],
    );
    const forms = passageForms(passage);
    if (inline.some((r) => holdsPassage(r.reason, forms))) {
      throw new DomainError(
        'reason-held-in-log',
        'A reason holding this passage was given before reasons could be redacted: its text is in the event ' +
          'log itself, which a redaction does not rewrite',
        'unprocessable',
        'passage',
      );
    }
  }
}

/** The free-text reasons of the events of those types, as read (texts put back); none where no reason was given. */
function reasonsIn(events: readonly { type: string; data: unknown }[], types: ReadonlySet<string>): string[] {
  return events.flatMap((e) => {
    const reason = types.has(e.type) ? (e.data as { reason?: unknown }).reason : undefined;
    return typeof reason === 'string' ? [reason] : [];
  });
}
