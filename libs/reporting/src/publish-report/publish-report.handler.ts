import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Clock, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import {
  EventStore,
  LogCheckpoints,
  metadataFor,
  refuseStaleVersion,
  transactionally,
} from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { cycleStreamId, decideCycle, CycleRepository } from '../../../returns/src/index.js';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { reportInputFromEvents } from '../cycle-report/report-input.from-events.js';
import { toPublishedReport } from '../cycle-report/published-cycle-report.js';
import { contentHash } from './content-hash.js';
import { PublishReportCommand, PublishReportResult } from './publish-report.command.js';
import { PublishedReports } from './published-reports.js';

/**
 * Publishing builds the report from the events (not the read model, which may lag a moment behind), hashes
 * its JSON, and in one transaction appends ReportPublished with the hash and stores those exact bytes: there
 * is never a publication event without its report, or a stored report without its event.
 */
@CommandHandler(PublishReportCommand)
export class PublishReportHandler implements ICommandHandler<PublishReportCommand> {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(PublishedReports) private readonly published: PublishedReports,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, cycleId, lastUpdatedDates }: PublishReportCommand): Promise<PublishReportResult> {
    const { state, version } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'cycle', cycleId);
    refuseStaleVersion(cycleStreamId(cycleId), envelope.expectedVersion, version);
    const now = this.clock.now();
    // The rules first, with a placeholder hash: a refused publication should not cost a report.
    decideCycle(
      { type: 'PublishReport', actor: envelope.actor, now, contentHash: '', lastUpdatedDates },
      state,
    );
    // Only what readers see is stored, so the hash is over exactly that (no approver, version or suggested DOT).
    const report = toPublishedReport(
      buildCycleReport(await reportInputFromEvents(this.store, this.plans, this.dataSource, state, null)),
      { lastUpdatedDates },
    );
    const body = JSON.stringify(report);
    const hash = contentHash(body);
    // Printed in the publication's colophon: the log's digest is then kept by everyone who has the report.
    const logDigest = await new LogCheckpoints(this.dataSource, this.store).latest();
    const events = decideCycle(
      { type: 'PublishReport', actor: envelope.actor, now, contentHash: hash, lastUpdatedDates },
      state,
    );
    // The publication's bytes commit with its event, in the command's transaction when there is one.
    return transactionally(this.dataSource, async (manager) => {
      const { nextExpectedVersion } = await this.store.append(
        cycleStreamId(cycleId),
        version,
        events,
        metadataFor(envelope),
        { recordedAt: now },
        manager,
      );
      const publication = await this.published.next(cycleId, manager);
      await this.published.insert(manager, {
        cycleId,
        partnershipId: state.partnershipId,
        publication,
        contentHash: hash,
        body,
        publishedAt: now,
        publishedBy: envelope.actor.id,
        logDigest: logDigest ? JSON.stringify(logDigest) : null,
      });
      return {
        id: cycleId,
        version: nextExpectedVersion,
        status: 'published' as const,
        publication,
        contentHash: hash,
        publishedAt: now.toISOString(),
      };
    });
  }
}
