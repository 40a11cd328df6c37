import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import {
  CycleRepository,
  ForgottenValues,
  PUBLICATION_ERASURE,
  PublicationErasure,
} from '../../../returns/src/index.js';
import { PublishedReports } from '../publish-report/published-reports.js';
import { reissuePublications } from '../publish-report/reissue-publications.js';
import { publicationWithoutPerson } from './publication-without-person.js';

/** Kept with the old publication's hash: it may not name the person, so it is the same for everyone. */
const REASON = 'a person it named was forgotten';

/** Forgetting's re-issue of the publications that named the person (see PublicationErasure). */
@Injectable()
export class PublicationsReissuedWithoutPerson implements PublicationErasure {
  private readonly published: PublishedReports;
  private readonly cycles: CycleRepository;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
  ) {
    this.published = new PublishedReports(dataSource);
    this.cycles = new CycleRepository(store);
  }

  async reissueWithout(
    sql: EntityManager,
    envelope: CommandEnvelope,
    partnershipIds: readonly string[],
    values: ForgottenValues,
    at: Date,
  ): Promise<number> {
    if (values.emails.length + values.names.length === 0) return 0;
    const cycles: { cycle_id: string }[] = await sql.query(
      `SELECT DISTINCT cycle_id FROM published_reports
       WHERE partnership_id = ANY($1::text[]) AND body IS NOT NULL ORDER BY cycle_id`,
      [partnershipIds],
    );
    let reissued = 0;
    for (const { cycle_id: cycleId } of cycles) {
      const done = await reissuePublications(
        { store: this.store, cycles: this.cycles, published: this.published },
        sql,
        envelope,
        cycleId,
        (body) => publicationWithoutPerson(body, values),
        REASON,
        at,
      );
      reissued += done.length;
    }
    return reissued;
  }
}

/** Global, so the forget handler finds the port wherever it runs: the api, and the worker's retention. */
@Global()
@Module({
  providers: [{ provide: PUBLICATION_ERASURE, useClass: PublicationsReissuedWithoutPerson }],
  exports: [PUBLICATION_ERASURE],
})
export class PublicationErasureModule {}
