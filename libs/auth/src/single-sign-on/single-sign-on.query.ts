import { Inject, Injectable } from '@nestjs/common';
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
  /** The partnership's own sign-in page, with its "Sign in with" button: the address to give its staff. */
  signInPage: string;
  rules: RoleRule[];
  /** The stream's version: the ETag, and If-Match for the next change. */
  version: number;
}

/** The set-up of each partnership, folded from its single-sign-on stream. */
@Injectable()
export class SingleSignOnSetups {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
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
      signInPage: this.signInPage(partnershipId),
      rules: settings?.rules ?? [],
      version,
    };
  }

  async view(partnershipId: string): Promise<SingleSignOnView> {
    const { state, version } = await this.load(partnershipId);
    return this.viewOf(partnershipId, state, version);
  }

  /** The partnership's own sign-in page: the one that shows its "Sign in with" button, and no other's. */
  signInPage(partnershipId: string): string {
    return `${this.config.publicBaseUrl}/sign-in?partnership=${encodeURIComponent(partnershipId)}`;
  }

  /**
   * The "Sign in with" button of one partnership's sign-in page, or null when it has none. Only the partnership
   * the page is for: the organisation is whatever its coordinator typed, so on a page listing every
   * partnership's buttons another partnership could name itself the same (or near enough) and have a staff member
   * pick the button that sends them to its provider. Refusing a name already taken would not stop "Counci1" and
   * would tell anyone which names other partnerships use. The provider's host goes beside the name, as the
   * browser will show it at the provider.
   */
  async signInButton(
    partnershipId: string,
  ): Promise<{ partnershipId: string; organisation: string; providerHost: string } | null> {
    if (!PARTNERSHIP_ID.test(partnershipId)) return null;
    const { state } = await this.load(partnershipId);
    if (state.status !== 'on') return null;
    const { organisation, issuer } = state.settings;
    return { partnershipId, organisation, providerHost: new URL(issuer).host };
  }
}

/** The shape of a partnership's id (a plan's slug): anything else has no set-up to look for. */
const PARTNERSHIP_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;
