import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, DomainError } from '../../../kernel/src/index.js';
import {
  ConcurrencyError,
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
} from '../../../event-store/src/index.js';
import { EvidenceEvent, evidenceStreamId } from '../evidence/evidence.events.js';
import { foldEvidence } from '../evidence/evidence.state.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents } from '../return/return.state.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { decideEvidenceInReport } from './choose-evidence-in-report.decide.js';
import { ChooseEvidenceInReportCommand, EvidenceChoiceResult } from './choose-evidence-in-report.command.js';

/** Load the return (who may see it) and its files, decide the choice, append it to the evidence stream. */
@CommandHandler(ChooseEvidenceInReportCommand)
export class ChooseEvidenceInReportHandler implements ICommandHandler<ChooseEvidenceInReportCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * The return's files are one stream, which its lead adds to while the coordinator ticks which the report lists:
   * a choice outrun by an upload (or another choice) that stated no version (If-Match) is decided again on the
   * files as they now stand; one that stated the version it saw is refused (409).
   */
  execute(c: ChooseEvidenceInReportCommand): Promise<EvidenceChoiceResult> {
    return decidedAgainWhenOutrun(evidenceStreamId(c.returnId), c.envelope.expectedVersion, () =>
      this.chooseOnce(c),
    );
  }

  private async chooseOnce(c: ChooseEvidenceInReportCommand): Promise<EvidenceChoiceResult> {
    const streamId = evidenceStreamId(c.returnId);
    const streams = await this.store.readStreams<ReturnEvent | EvidenceEvent>([
      returnStreamId(c.returnId),
      streamId,
    ]);
    const about = foldReturnEvents(streams.get(returnStreamId(c.returnId)) ?? []);
    if (about.status === 'none' || !canSeeReturn(c.envelope.actor, about)) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    const events = streams.get(streamId) ?? [];
    const version = events.at(-1)?.version ?? 0;
    const expected = c.envelope.expectedVersion;
    if (expected !== undefined && expected !== version)
      throw new ConcurrencyError(streamId, expected, version);
    const now = this.clock.now();
    const decided = decideEvidenceInReport(
      {
        type: 'ChooseEvidenceInReport',
        actor: c.envelope.actor,
        evidenceId: c.evidenceId,
        inReport: c.inReport,
        now,
      },
      foldEvidence(events),
    );
    if (decided.length === 0) {
      return { id: c.returnId, evidenceId: c.evidenceId, inReport: c.inReport, version };
    }
    const { nextExpectedVersion } = await this.store.append(
      streamId,
      version,
      decided,
      metadataFor(c.envelope),
      { recordedAt: now },
    );
    return { id: c.returnId, evidenceId: c.evidenceId, inReport: c.inReport, version: nextExpectedVersion };
  }
}
