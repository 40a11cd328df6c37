import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, CommandEnvelope } from '../../../kernel/src/index.js';
import { EventStore, metadataFor, transactionally } from '../../../event-store/src/index.js';
import { cycleStreamId, CycleRepository, decideCycle, PassageRedaction } from '../../../returns/src/index.js';
import { contentHash } from '../publish-report/content-hash.js';
import { PublishedReports } from '../publish-report/published-reports.js';
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
    const held = (await this.published.withBytes(cycleId, manager)).flatMap((p) => {
      const body = redactedPublicationBody(p.body, passage);
      return body === null ? [] : [{ old: p, body }];
    });
    if (held.length === 0) return [];
    const { state } = await this.cycles.load(cycleId);
    let version = (await this.store.streamVersion(cycleStreamId(cycleId), manager)) ?? 0;
    const now = this.clock.now();
    const reissued: ReissuedPublication[] = [];
    for (const { old, body } of held) {
      const hash = contentHash(body);
      // A publication printed its measures' last-updated days only when its coordinator chose so.
      const lastUpdatedDates = body.includes('"lastUpdated":');
      const events = decideCycle(
        { type: 'PublishReport', actor: envelope.actor, now, contentHash: hash, lastUpdatedDates },
        state,
      );
      ({ nextExpectedVersion: version } = await this.store.append(
        cycleStreamId(cycleId),
        version,
        events,
        metadataFor(envelope, `Re-issues publication ${old.publication} redacted: ${reason}`),
        { recordedAt: now },
        manager,
      ));
      const publication = await this.published.next(cycleId, manager);
      await this.published.insert(manager, {
        cycleId,
        partnershipId: state.status === 'none' ? '' : state.partnershipId,
        publication,
        contentHash: hash,
        body,
        publishedAt: now,
        publishedBy: envelope.actor.id,
        // The re-issue is the same report with the passage taken out: it points at the log as the original did.
        logDigest: old.logDigest,
      });
      await this.published.deleteBytes(manager, cycleId, old.publication, {
        reason,
        at: now,
        reissuedAs: publication,
      });
      reissued.push({
        publication: old.publication,
        contentHash: old.contentHash,
        reissuedAs: publication,
        reissuedContentHash: hash,
      });
    }
    return reissued;
  }
}
