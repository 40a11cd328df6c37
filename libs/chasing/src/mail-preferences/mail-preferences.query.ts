import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { MailPreferenceView } from './mail-preferences.command.js';
import {
  digestsInWords,
  evolveMailPreference,
  initialMailPreference,
  MailPreferenceEvent,
  mailPreferenceStreamId,
  MailPreferenceState,
} from './mail-preference.js';

/** The signed-in staff member's mail preference: their account, their stream, and the fold of it. */
@Injectable()
export class MailPreferences {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The account's id: the stream is named by it, so a changed email keeps the choice. */
  async staffIdOf(actor: Actor): Promise<string> {
    const rows: { staff_id: string }[] = await this.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE partnership_id = $1 AND lower(email) = lower($2)`,
      [actor.partnershipId, actor.id],
    );
    if (rows.length === 0) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    return rows[0].staff_id;
  }

  async load(staffId: string): Promise<{ state: MailPreferenceState; version: number }> {
    const events: StoredEvent<MailPreferenceEvent>[] = await this.store.readStream(
      mailPreferenceStreamId(staffId),
      {},
    );
    const state = events.reduce(
      (s, e) => evolveMailPreference(s, { type: e.type, data: e.data } as MailPreferenceEvent),
      initialMailPreference(),
    );
    return { state, version: events.length > 0 ? events[events.length - 1].version : 0 };
  }

  viewOf(state: MailPreferenceState, version: number): MailPreferenceView {
    return {
      delivery: state.delivery,
      chosen: state.status === 'chosen',
      digests: digestsInWords(this.config.mail.digestIntervalMs),
      version,
    };
  }

  async view(actor: Actor): Promise<MailPreferenceView> {
    const { state, version } = await this.load(await this.staffIdOf(actor));
    return this.viewOf(state, version);
  }
}
