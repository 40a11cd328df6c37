import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { GetCycle } from '../../../returns/src/index.js';
import { Publication, PublishedReports } from '../publish-report/published-reports.js';
import { buildCycleReport, CycleReport, restrictToAgency } from './cycle-report.js';
import { KnownCycle } from './report-heading.js';
import { PublishedCycleReport } from './published-cycle-report.js';
import { reportInputFromEvents } from './report-input.from-events.js';
import { reportInputFromReadModel } from './report-input.from-read-model.js';

/** What of a report the actor may see: an agency lead only their agency's measures. */
export function reportVisibleTo<R extends CycleReport | PublishedCycleReport>(actor: Actor, report: R): R {
  return actor.role === 'agency-lead' ? restrictToAgency(report, actor.agencyId ?? '') : report;
}

/**
 * The monitoring report of a cycle, from one of its three sources: now (the reporting read model), as it stood
 * at an instant (replayed from the events), or a publication (frozen as published).
 */
@Injectable()
export class GetCycleReport {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(PublishedReports) private readonly published: PublishedReports,
  ) {}

  /** The cycle as it stood at asAt (or now); 404 when the actor may not see it. */
  async cycle(actor: Actor, cycleId: string, asAt: Date | null): Promise<KnownCycle> {
    return (await this.cycles.cycle(actor, cycleId, asAt ?? undefined)).state;
  }

  /** A publication ("latest" or its number), as published; 404 naming `published` when there is no such one. */
  async publication(cycleId: string, published: string): Promise<Publication & { body: string }> {
    const publication = await this.published.find(cycleId, published);
    if (!publication) {
      throw new DomainError(
        'publication-not-found',
        'This report has no such publication',
        'not-found',
        'published',
      );
    }
    if (publication.body === null) {
      // Its bytes held a passage since redacted: they are gone, and the redacted re-issue stands in their place.
      const reissued = publication.redacted?.reissuedAs;
      throw new DomainError(
        'publication-redacted',
        `Publication ${publication.publication} was withdrawn after a redaction (${publication.redacted?.reason ?? 'no reason recorded'}): read publication ${reissued} instead`,
        'gone',
        'published',
      );
    }
    return { ...publication, body: publication.body };
  }

  /** The report now, or as it stood at asAt, as the actor may see it. */
  async report(actor: Actor, cycle: KnownCycle, asAt: Date | null): Promise<CycleReport> {
    const input = asAt
      ? await reportInputFromEvents(this.store, this.plans, this.dataSource, cycle, asAt)
      : await reportInputFromReadModel(this.plans, this.dataSource, cycle, this.store);
    return reportVisibleTo(actor, buildCycleReport(input));
  }
}
