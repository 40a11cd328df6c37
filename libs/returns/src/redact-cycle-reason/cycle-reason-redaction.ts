import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Clock,
  CommandEnvelope,
  DomainError,
  passageForms,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import {
  commandTransactionOn,
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
  refuseStaleVersion,
  Sql,
  transactionally,
} from '../../../event-store/src/index.js';
import { CycleEvent, cycleStreamId } from '../cycle/cycle.events.js';
import { evolveCycle, initialCycle } from '../cycle/cycle.state.js';
import { redactHeldTexts } from '../return-texts/appendix-texts.js';
import { CYCLE_REASON_EVENT_TYPES } from '../return-texts/cycle-reason-texts-hook.js';
import { holdsPassage, isTextRef } from '../return-texts/return-text-fields.js';
import { decideRedactCycleReason, reasonsGivenOn } from './redact-cycle-reason.rule.js';

export interface CyclePassageToRedact {
  cycleId: string;
  passage: string;
  reason: string;
}

export interface RedactedCyclePassage {
  id: string;
  /** The cycle's version after CyclePassageRedacted: its ETag. */
  version: number;
  status: 'redacted';
  /** How many held reasons had the passage taken out. */
  textsChanged: number;
}

/**
 * A coordinator's redaction of a passage from the reasons given on a cycle (a forced close's, each revoked
 * link's), in one transaction: decide, append CyclePassageRedacted to the cycle, rewrite the held reasons' rows.
 * No event row is rewritten; a reason given before reasons on a cycle were held apart is in its event row, and a
 * passage one of them holds is refused whole. No publication holds these reasons, so none is re-issued.
 */
@Injectable()
export class CycleReasonRedaction {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  redact(envelope: CommandEnvelope, asked: CyclePassageToRedact): Promise<RedactedCyclePassage> {
    const once = () => this.redactOnce(envelope, asked);
    // Leads opening their links write to the cycle: a redaction without If-Match is decided again, not stale.
    if (commandTransactionOn(this.dataSource)) return once();
    return decidedAgainWhenOutrun(cycleStreamId(asked.cycleId), envelope.expectedVersion, once);
  }

  private redactOnce(envelope: CommandEnvelope, asked: CyclePassageToRedact): Promise<RedactedCyclePassage> {
    const streamId = cycleStreamId(asked.cycleId);
    return transactionally(this.dataSource, async (manager) => {
      const events = await this.store.readStream<CycleEvent>(streamId, {}, manager);
      const state = events.reduce((s, e) => evolveCycle(s, e as CycleEvent), initialCycle());
      if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
      samePartnershipOr404(envelope.actor, state.partnershipId, 'cycle', asked.cycleId);
      const version = events[events.length - 1].version;
      refuseStaleVersion(streamId, envelope.expectedVersion, version);
      const decided = decideRedactCycleReason(
        {
          type: 'RedactCycleReason',
          actor: envelope.actor,
          passage: asked.passage,
          reason: asked.reason,
          reasons: reasonsGivenOn(events),
        },
        state,
      );
      const held = await heldReasons(manager, streamId, asked.passage);
      const { nextExpectedVersion } = await this.store.append(
        streamId,
        version,
        decided,
        metadataFor(envelope, asked.reason.trim()),
        { recordedAt: this.clock.now() },
        manager,
      );
      const textsChanged = await redactHeldTexts(manager, held, asked.passage);
      return { id: asked.cycleId, version: nextExpectedVersion, status: 'redacted' as const, textsChanged };
    });
  }
}

/**
 * The ids of the cycle's held reasons, from the stored rows (not the events as read, which have the texts put
 * back). A reason still inline in its row that holds the passage is refused, rather than the passage taken out
 * of the others and left there (reason-held-in-log, as on a return).
 */
async function heldReasons(sql: Sql, streamId: string, passage: string): Promise<string[]> {
  const rows: { reason: unknown }[] = await sql.query(
    `SELECT data->'reason' AS reason FROM events WHERE stream_id = $1 AND type = ANY($2::text[])`,
    [streamId, [...CYCLE_REASON_EVENT_TYPES]],
  );
  const forms = passageForms(passage);
  if (rows.some((r) => typeof r.reason === 'string' && holdsPassage(r.reason, forms))) {
    throw new DomainError(
      'reason-held-in-log',
      'A reason holding this passage was given before reasons on a cycle could be redacted: its text is in ' +
        'the event log itself, which a redaction does not rewrite',
      'unprocessable',
      'passage',
    );
  }
  return rows.flatMap((r) => (isTextRef(r.reason) ? [r.reason.textId] : []));
}
