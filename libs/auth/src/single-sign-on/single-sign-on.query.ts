import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { aggregateStream, EventStore } from '../../../event-store/src/index.js';
import {
  evolveSingleSignOn,
  initialSingleSignOn,
  isOwnClientSecretEnv,
  RoleRule,
  SingleSignOnEvent,
  singleSignOnStreamId,
  SingleSignOnState,
} from './single-sign-on.js';

/** A partnership's single sign-on as its coordinator sees it (and the API returns it). */
export interface SingleSignOnView {
  enabled: boolean;
  organisation: string | null;
  issuer: string | null;
  clientId: string | null;
  clientSecretEnv: string | null;
  /** Whether the named variable is set on this server: sign-in fails until it is. */
  clientSecretSet: boolean;
  /** What to register at the provider as the redirect (reply) URI. */
  redirectUri: string;
  rules: RoleRule[];
  /** The stream's version: the ETag, and If-Match for the next change. */
  version: number;
}

/** The set-up of each partnership, folded from its single-sign-on stream. */
@Injectable()
export class SingleSignOnSetups {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async load(partnershipId: string): Promise<{ state: SingleSignOnState; version: number }> {
    const { state, expectedVersion } = await aggregateStream<SingleSignOnState, SingleSignOnEvent>(
      this.store,
      singleSignOnStreamId(partnershipId),
      evolveSingleSignOn,
      initialSingleSignOn,
    );
    return { state, version: expectedVersion === 'no_stream' ? 0 : Number(expectedVersion) };
  }

  redirectUri(partnershipId: string): string {
    return `${this.config.publicBaseUrl}/sign-in/sso/${encodeURIComponent(partnershipId)}/callback`;
  }

  viewOf(partnershipId: string, state: SingleSignOnState, version: number): SingleSignOnView {
    const settings = state.status === 'on' ? state.settings : null;
    return {
      enabled: settings !== null,
      organisation: settings?.organisation ?? null,
      issuer: settings?.issuer ?? null,
      clientId: settings?.clientId ?? null,
      clientSecretEnv: settings?.clientSecretEnv ?? null,
      // Only of the partnership's own variable: the page is no way to learn what else the server's environment holds.
      clientSecretSet:
        settings !== null &&
        isOwnClientSecretEnv(partnershipId, settings.clientSecretEnv) &&
        Boolean(process.env[settings.clientSecretEnv]),
      redirectUri: this.redirectUri(partnershipId),
      rules: settings?.rules ?? [],
      version,
    };
  }

  async view(partnershipId: string): Promise<SingleSignOnView> {
    const { state, version } = await this.load(partnershipId);
    return this.viewOf(partnershipId, state, version);
  }

  /** Every partnership whose staff may sign in with a provider, for the buttons on the sign-in page. */
  async organisations(): Promise<{ partnershipId: string; organisation: string }[]> {
    const streams: { stream_id: string }[] = await this.dataSource.query(
      `SELECT stream_id FROM streams WHERE stream_id LIKE 'single-sign-on:%' ORDER BY stream_id`,
    );
    const found = await Promise.all(
      streams.map(async ({ stream_id }) => {
        const partnershipId = stream_id.slice('single-sign-on:'.length);
        const { state } = await this.load(partnershipId);
        return state.status === 'on' ? { partnershipId, organisation: state.settings.organisation } : null;
      }),
    );
    return found.filter((f) => f !== null);
  }
}
