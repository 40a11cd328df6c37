import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { mailPreferenceStreamId } from '../mail-preferences/mail-preference.js';
import { DigestReader } from './digest.decide.js';

export interface Reviewer extends DigestReader {
  name: string;
}

/** The reviewers a theme's submissions are for, each with their mail preference's events. */
@Injectable()
export class DigestReaders {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  /** The reviewers of one theme, or (themeId null) every reviewer of the partnership. */
  async reviewersOf(partnershipId: string, themeId: string | null): Promise<Reviewer[]> {
    const rows: { staff_id: string; email: string; name: string; theme_ids: string[] }[] =
      await this.dataSource.query(
        `SELECT staff_id, email, name, theme_ids FROM staff_accounts
         WHERE partnership_id = $1 AND role = 'reviewer' AND disabled_at IS NULL
           AND ($2::text IS NULL OR theme_ids = '{}' OR $2 = ANY (theme_ids))
         ORDER BY email`,
        [partnershipId, themeId],
      );
    const preferences = await this.store.readStreams(rows.map((r) => mailPreferenceStreamId(r.staff_id)));
    return rows.map((r) => ({
      staffId: r.staff_id,
      partnershipId,
      email: r.email,
      name: r.name,
      themeIds: r.theme_ids,
      preference: preferences.get(mailPreferenceStreamId(r.staff_id)) ?? [],
    }));
  }
}
