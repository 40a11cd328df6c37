import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, CommandEnvelope } from '../../../kernel/src/index.js';
import { EventStore, transactionally } from '../../../event-store/src/index.js';
import { CycleRepository, PassageRedaction } from '../../../returns/src/index.js';
import { PublishedReports } from '../publish-report/published-reports.js';
import { reissuePublications } from '../publish-report/reissue-publications.js';
import { RedactPassageCommand, RedactPassageResult, ReissuedPublication } from './redact-passage.command.js';
import { redactedPublicationBody } from './redacted-publication.js';

@CommandHandler(RedactPassageCommand)
export class RedactPassageHandler implements ICommandHandler<RedactPassageCommand> {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PassageRedaction) private readonly redaction: PassageRedaction,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PublishedReports) private readonly published: PublishedReports,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({
    envelope,
    returnId,
    field,
    passage,
    reason,
  }: RedactPassageCommand): Promise<RedactPassageResult> {
    return transactionally(this.dataSource, async (manager) => {
      const redacted = await this.redaction.redact(envelope, { returnId, field, passage, reason }, manager);
      const reissued = await this.reissue(manager, envelope, redacted.cycleId, passage, reason.trim());
      return {
        id: returnId,
        version: redacted.version,
        status: 'redacted' as const,
        textsChanged: redacted.textsChanged,
        reissued,
      };
    });
  }

  /**
   * Each publication whose bytes held the passage is published again without it (a new publication: new bytes,
   * new hash, its own ReportPublished), and its own bytes are deleted, its hash kept with the reason.
   * Also used for an appendix's passage (redact-appendix-passage.handler.ts).
   */
  async reissue(
    manager: EntityManager,
    envelope: CommandEnvelope,
    cycleId: string,
    passage: string,
    reason: string,
  ): Promise<ReissuedPublication[]> {
    return reissuePublications(
      { store: this.store, cycles: this.cycles, published: this.published },
      manager,
      envelope,
      cycleId,
      (body) => redactedPublicationBody(body, passage),
      reason,
      this.clock.now(),
    );
  }
}
