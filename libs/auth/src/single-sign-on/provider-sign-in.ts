import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  CommandTransaction,
  decidedAgainWhenOutrun,
  EventStore,
  runInCommandTransaction,
} from '../../../event-store/src/index.js';
import { DataSource } from 'typeorm';
import { Actor, Clock, DomainError } from '../../../kernel/src/index.js';
import { AuthService } from '../auth.service.js';
import { publicAddressesOnly } from './public-addresses-only.js';
import { openSignOn, sealSignOn, SIGN_ON_MINUTES } from './sign-on-cookie.js';
import {
  clientSecretEnvFor,
  decideSingleSignOn,
  isOwnClientSecretEnv,
  linkedStaffId,
  ProviderPerson,
  roleFor,
  SingleSignOnSettings,
  singleSignOnStreamId,
  vouchesForEmail,
} from './single-sign-on.js';
import { SingleSignOnSetups } from './single-sign-on.query.js';

/** Why a sign-in with the provider did not open a session; each has its own page (libs/web). */
export type SignOnRefusal =
  | 'no-sign-on-in-progress'
  | 'provider-unreachable'
  | 'provider-refused'
  | 'not-verified'
  | 'no-email'
  | 'not-mapped'
  | 'disabled';

export class SignOnRefused extends Error {
  constructor(readonly reason: SignOnRefusal) {
    super(`sign-on refused: ${reason}`);
    this.name = 'SignOnRefused';
  }
}

/**
 * Staff sign-in with the partnership's OpenID Connect provider (openid-client): the authorization code flow
 * with PKCE (S256), state and nonce. What the browser must bring back is sealed in a short-lived cookie, never
 * in a URL; openid-client checks the state, exchanges the code with the PKCE verifier, and checks the ID
 * token's signature, issuer, audience, expiry and nonce before anything here reads a claim.
 */
@Injectable()
export class ProviderSignIn {
  private readonly logger = new Logger('ProviderSignIn');
  /** Discovery once per provider set-up; a failed one is forgotten so the next sign-in tries again. */
  private readonly providers = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    @Inject(SingleSignOnSetups) private readonly setups: SingleSignOnSetups,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** Where to send the browser, and the sealed cookie it must bring back to the callback. */
  async begin(partnershipId: string): Promise<{ authorizationUrl: URL; cookie: string }> {
    const settings = await this.settingsOf(partnershipId);
    const provider = await this.reachable(settings, partnershipId);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: this.setups.redirectUri(partnershipId),
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const expiresAt = this.clock.now().getTime() + SIGN_ON_MINUTES * 60_000;
    const cookie = sealSignOn(this.config.sessionSecret, {
      partnershipId,
      state,
      nonce,
      codeVerifier,
      expiresAt,
    });
    return { authorizationUrl, cookie };
  }

  /** The provider sent the browser back: a staff session, or SignOnRefused saying why not. */
  async finish(
    partnershipId: string,
    callbackUrl: URL,
    sealedCookie: unknown,
  ): Promise<{ sessionId: string; actor: Actor }> {
    const inProgress = openSignOn(this.config.sessionSecret, sealedCookie, this.clock.now());
    if (!inProgress || inProgress.partnershipId !== partnershipId)
      throw new SignOnRefused('no-sign-on-in-progress');
    const { state: setup } = await this.setups.load(partnershipId);
    if (setup.status !== 'on')
      throw new DomainError(
        'sso-not-configured',
        'This partnership does not sign in with a provider',
        'not-found',
      );
    const settings = setup.settings;
    const provider = await this.reachable(settings, partnershipId);
    let claims: oidc.IDToken;
    try {
      const tokens = await oidc.authorizationCodeGrant(provider, callbackUrl, {
        pkceCodeVerifier: inProgress.codeVerifier,
        expectedState: inProgress.state,
        expectedNonce: inProgress.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
    } catch (error) {
      // The reason for the log, never the URL or tokens: the code in the URL is a credential until used.
      const { name, code, error: oauthError } = error as { name?: string; code?: string; error?: string };
      this.logger.warn(
        `sign-in with the provider of ${partnershipId} refused: ${name} ${code ?? ''} ${oauthError ?? ''}`,
      );
      throw new SignOnRefused('provider-refused');
    }
    const person = personOf(claims);
    // A subject is at most 255 ASCII characters (OpenID Connect Core 2): one holding a NUL could not be recorded.
    if (person.subject.length > 255 || INVISIBLE.test(person.subject)) {
      this.logger.warn(`sign-in with the provider of ${partnershipId} refused: its subject is not one`);
      throw new SignOnRefused('provider-refused');
    }
    if (claims.email_verified === false) throw new SignOnRefused('not-verified');
    const linkedTo = linkedStaffId(setup, settings.issuer, person.subject);
    // "Forget this person" deletes a member's account: a link to it then stands for no one, and the person the
    // provider sends back is met as at a first sign-in (a vouched email, the account found or made by it, linked
    // anew). Taken as linked, the first sign-in after made an account by the email without a link, and every one
    // after that failed (500) on the email's unique index.
    const linked = linkedTo && (await this.auth.hasAccount(partnershipId, linkedTo)) ? linkedTo : null;
    const email = person.email;
    // A first sign-in finds (or makes) the staff account by the email, so the provider must vouch that the email
    // is the person's: else a directory user who set their mail attribute to a coordinator's address would be
    // linked to the coordinator's account. A person already linked is found by issuer and subject, not by email.
    if (!linked && email && !person.emailVouched) throw new SignOnRefused('not-verified');
    const role = roleFor(settings.rules, person);
    if (!role) throw new SignOnRefused('not-mapped');
    if (!email) throw new SignOnRefused('no-email');
    const name = nameOf(claims.name) ?? email;
    // The account (found, or made) and the event linking it commit together, or neither does.
    const transaction = new CommandTransaction(this.dataSource);
    let account: Awaited<ReturnType<AuthService['accountFromProvider']>>;
    try {
      account = await runInCommandTransaction(transaction, async () => {
        const found = await this.auth.accountFromProvider({
          partnershipId,
          linkedStaffId: linked,
          email,
          name,
          role,
        });
        if (found.outcome !== 'disabled' && !linked)
          await this.recordFirstSignIn(settings, person.subject, found);
        return found;
      });
      await transaction.commit();
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
    if (account.outcome === 'disabled') throw new SignOnRefused('disabled');
    const sessionId = await this.auth.openStaffSession(account.staffId, account.actor);
    return { sessionId, actor: account.actor };
  }

  /**
   * StaffLinkedToSingleSignOn: later sign-ins find the account by the provider's subject, whatever its email. The
   * partnership's set-up is one stream, and the first morning a team signs in for the first time at once: a link
   * outrun by a colleague's (or the coordinator saving the set-up) is decided again on the stream as it now
   * stands, under a savepoint in the sign-in's transaction, rather than refusing the sign-in (409).
   */
  private async recordFirstSignIn(
    settings: SingleSignOnSettings,
    subject: string,
    account: { outcome: 'found' | 'created'; actor: Actor; staffId: string },
  ): Promise<void> {
    const streamId = singleSignOnStreamId(settings.partnershipId);
    await decidedAgainWhenOutrun(streamId, undefined, async () => {
      const { state, version } = await this.setups.load(settings.partnershipId);
      const events = decideSingleSignOn(
        {
          type: 'LinkStaffToSingleSignOn',
          partnershipId: settings.partnershipId,
          issuer: settings.issuer,
          subject,
          staffId: account.staffId,
          created: account.outcome === 'created',
        },
        state,
      );
      if (events.length === 0) return;
      await this.store.appendWhileUnchanged(
        { streamId, expectedVersion: version === 0 ? 'no_stream' : version, events },
        [],
        {
          actorId: account.actor.id,
          actorRole: account.actor.role,
          correlationId: `sign-on:${account.staffId}`,
          causationId: null,
        },
        { recordedAt: this.clock.now() },
      );
    });
  }

  private async settingsOf(partnershipId: string): Promise<SingleSignOnSettings> {
    const { state } = await this.setups.load(partnershipId);
    if (state.status !== 'on')
      throw new DomainError(
        'sso-not-configured',
        'This partnership does not sign in with a provider',
        'not-found',
      );
    return state.settings;
  }

  /**
   * The provider's configuration, or SignOnRefused('provider-unreachable') with the reason logged: its discovery
   * failed (the provider is down, the issuer is wrong, or its address is refused in production).
   */
  private async reachable(
    settings: SingleSignOnSettings,
    partnershipId: string,
  ): Promise<oidc.Configuration> {
    try {
      return await this.provider(settings);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const { name, code, message } = error as { name?: string; code?: string; message?: string };
      this.logger.warn(
        `the provider of ${partnershipId} (${settings.issuer}) could not be reached: ${name} ${code ?? ''} ${message ?? ''}`,
      );
      throw new SignOnRefused('provider-unreachable');
    }
  }

  private provider(settings: SingleSignOnSettings): Promise<oidc.Configuration> {
    // Settings recorded before a partnership could name only its own variable are read by the same rule.
    if (!isOwnClientSecretEnv(settings.partnershipId, settings.clientSecretEnv))
      throw new DomainError(
        'sso-secret-env',
        `Sign-in with ${settings.organisation} is not ready: its secret must be in ${clientSecretEnvFor(settings.partnershipId)}; a coordinator sets it up again with that name`,
        'conflict',
      );
    const secret = process.env[settings.clientSecretEnv];
    if (!secret)
      throw new DomainError(
        'sso-secret-missing',
        `Sign-in with ${settings.organisation} is not ready: the server has no ${settings.clientSecretEnv}`,
        'conflict',
      );
    const key = JSON.stringify([settings.issuer, settings.clientId, secret]);
    let provider = this.providers.get(key);
    if (!provider) {
      const issuer = new URL(settings.issuer);
      provider = oidc.discovery(issuer, settings.clientId, undefined, oidc.ClientSecretPost(secret), {
        // The rules let plain HTTP through only for a provider on this machine outside production.
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
        // In production the issuer and every endpoint its discovery names must be public, checked on the address
        // each connection takes: the coordinator's issuer is not to be a way to reach the server's own network.
        // openid-client keeps this fetch for the token and key requests too.
        ...(this.config.nodeEnv === 'production' ? { [oidc.customFetch]: publicAddressesOnly() } : {}),
      });
      provider.catch(() => this.providers.delete(key));
      this.providers.set(key, provider);
    }
    return provider;
  }
}

/** The subject, email and groups of the ID token; Entra ID puts app roles in `roles`, others use `groups`. */
function personOf(claims: oidc.IDToken): ProviderPerson {
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const vouched = emailOf(claims.email);
  const email = vouched ?? emailOf(claims.preferred_username);
  return {
    subject: claims.sub,
    email: email?.toLowerCase() ?? null,
    // Only the `email` claim is vouched for: nothing says Entra's preferred_username is the person's address.
    emailVouched:
      vouched !== null &&
      vouchesForEmail({ email_verified: claims.email_verified, xms_edov: claims.xms_edov }),
    groups: [...list(claims.groups), ...list(claims.roles)],
  };
}

/**
 * Control characters, line breaks and format characters (zero-width spaces, direction overrides): what a claim
 * the product keeps must not hold. The provider is the partnership's, but its claims are what its people typed
 * or its directory holds: a NUL in a name or email was a 500 (PostgreSQL refuses it), and an email holding
 * "\r\nBcc: ..." made an account whose mail would have gone to a second address.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** An address mail can be sent to, as a staff account's email must be, or null. */
function emailOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim();
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && !INVISIBLE.test(email)
    ? email
    : null;
}

/** The person's name with anything invisible left out, at most 200 characters; null when none is left. */
function nameOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = [...value.replace(new RegExp(INVISIBLE.source, 'gu'), ' ').replace(/\s+/g, ' ').trim()]
    .slice(0, 200)
    .join('')
    .trim();
  return name === '' ? null : name;
}
