import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, CommandEnvelope } from '../../../kernel/src/index.js';
import {
  commandTransactionOn,
  decidedAgainWhenOutrun,
  EventStore,
  transactionally,
} from '../../../event-store/src/index.js';
import {
  CycleRepository,
  cycleIdOf,
  cycleStreamId,
  forgetKeptReadings,
  PassageRedaction,
  returnStreamId,
} from '../../../returns/src/index.js';
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
    return this.decidedAgainWhenOutrun(returnStreamId(returnId), cycleIdOf(returnId) ?? '', envelope, () =>
      this.redactOnce(envelope, returnId, field, passage, reason),
    );
  }

  /**
   * A redaction that stated no version (If-Match) and was outrun on its stream between its read and its append
   * (a lead saving the draft it redacts, a coordinator editing the appendix) is decided again on the stream as it
   * now stands: it was refused 409 stale-version for a write its coordinator never saw. One that stated a version
   * is refused as before, and so is one in a request's own transaction (Idempotency-Key), which a refused append
   * may have left unusable. Its re-issue of the cycle's publications is a write to the cycle, which no If-Match
   * states: outrun there (another redaction or a forgetting re-issuing them at once) it is decided again too, on
   * the publications as they now stand. Also used for an appendix's passage (redact-appendix-passage.handler.ts).
   */
  async decidedAgainWhenOutrun<T>(
    streamId: string,
    cycleId: string,
    envelope: CommandEnvelope,
    redact: () => Promise<T>,
  ): Promise<T> {
    const redacted = commandTransactionOn(this.dataSource)
      ? await redact()
      : await decidedAgainWhenOutrun(streamId, envelope.expectedVersion, () =>
          decidedAgainWhenOutrun(cycleStreamId(cycleId), undefined, redact),
        );
    // The HTML rendered from the text as it read before (and a PDF's pieces of it) held the passage.
    forgetKeptReadings();
    return redacted;
  }

  private redactOnce(
    envelope: CommandEnvelope,
    returnId: string,
    field: string,
    passage: string,
    reason: string,
  ): Promise<RedactPassageResult> {
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
