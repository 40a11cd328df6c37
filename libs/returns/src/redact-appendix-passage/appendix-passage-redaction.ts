import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock, CommandEnvelope, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { AppendixEvent, appendicesStreamId } from '../appendices/appendices.events.js';
import { foldAppendices } from '../appendices/appendices.state.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { APPENDIX_STUDY_EVENT_TYPES, redactHeldTexts, studyRefs } from '../return-texts/appendix-texts.js';
import { readTexts } from '../return-texts/return-texts.table.js';
import { decideRedactAppendixPassage } from './redact-appendix-passage.rule.js';

export interface AppendixPassageToRedact {
  cycleId: string;
  appendixId: string;
  caseStudyId: string;
  part: unknown;
  passage: string;
  reason: string;
}

/**
 * The appendices' part of a redaction, on the caller's transaction (which also re-issues the publications that
 * held the passage): decide, append AppendixPassageRedacted, rewrite every held version of the part.
 */
@Injectable()
export class AppendixPassageRedaction {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async redact(
    envelope: CommandEnvelope,
    asked: AppendixPassageToRedact,
    manager: EntityManager,
  ): Promise<{ version: number; textsChanged: number }> {
    // Through the caller's transaction, as every read here: it holds a connection, and one from the pool as well
    // could wait for the connections of other requests held the same way (503 after the pool's 10 s).
    const { state: cycle } = await this.cycles.load(asked.cycleId, undefined, manager);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, cycle.partnershipId, 'cycle', asked.cycleId);
    const streamId = appendicesStreamId(asked.cycleId);
    const events = await this.store.readStream<AppendixEvent>(streamId, {}, manager);
    const version = events.length > 0 ? events[events.length - 1].version : 0;
    refuseStaleVersion(streamId, envelope.expectedVersion, version);
    // The refs of the part in every version of the study, read from the rows as stored (the store reads texts).
    const rows: { data: { study?: unknown } }[] = await manager.query(
      `SELECT data FROM events WHERE stream_id = $1 AND type = ANY($2::text[]) AND data->>'caseStudyId' = $3`,
      [streamId, [...APPENDIX_STUDY_EVENT_TYPES], asked.caseStudyId],
    );
    const ids = rows.flatMap((r) =>
      studyRefs(r.data.study)
        .filter((ref) => ref.part === asked.part)
        .map((ref) => ref.textId),
    );
    const texts = await readTexts(manager, ids);
    const decided = decideRedactAppendixPassage(
      {
        type: 'RedactAppendixPassage',
        actor: envelope.actor,
        ...asked,
        versions: [...texts.values()],
      },
      foldAppendices(events.map((e) => ({ type: e.type, data: e.data }) as AppendixEvent)),
    );
    const { nextExpectedVersion } = await this.store.append(
      streamId,
      version,
      decided,
      metadataFor(envelope, asked.reason.trim()),
      { recordedAt: this.clock.now() },
      manager,
    );
    const textsChanged = await redactHeldTexts(manager, ids, asked.passage);
    return { version: nextExpectedVersion, textsChanged };
  }
}
