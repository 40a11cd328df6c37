import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { mailPreferenceStreamId } from '../mail-preferences/mail-preference.js';
import { DigestReader } from './digest.decide.js';

export interface Reviewer extends DigestReader {
  name: string;
}

/** The staff a partnership's submissions and messages are for, each with their mail preference's events. */
@Injectable()
export class DigestReaders {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  /** The reviewers of one theme, or (themeId null) every reviewer of the partnership. */
  reviewersOf(partnershipId: string, themeId: string | null): Promise<Reviewer[]> {
    return this.staff(partnershipId, 'reviewer', themeId);
  }

  /** The coordinators: a lead's message goes to them when its theme has no reviewer. */
  coordinatorsOf(partnershipId: string): Promise<Reviewer[]> {
    return this.staff(partnershipId, 'coordinator', null);
  }

  private async staff(
    partnershipId: string,
    role: Reviewer['role'],
    themeId: string | null,
  ): Promise<Reviewer[]> {
    const rows: { staff_id: string; email: string; name: string; theme_ids: string[] }[] =
      await this.dataSource.query(
        `SELECT staff_id, email, name, theme_ids FROM staff_accounts
         WHERE partnership_id = $1 AND role = $3 AND disabled_at IS NULL
           AND ($2::text IS NULL OR theme_ids = '{}' OR $2 = ANY (theme_ids))
         ORDER BY email`,
        [partnershipId, themeId, role],
      );
    const preferences = await this.store.readStreams(rows.map((r) => mailPreferenceStreamId(r.staff_id)));
    return rows.map((r) => ({
      staffId: r.staff_id,
      partnershipId,
      role,
      email: r.email,
      name: r.name,
      themeIds: r.theme_ids,
      preference: preferences.get(mailPreferenceStreamId(r.staff_id)) ?? [],
    }));
  }
}
