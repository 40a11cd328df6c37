import { Actor, DomainError } from '../../../kernel/src/index.js';
import { STAFF_ROLES, StaffRole } from '../staff/staff-role.js';
import { isInsideAddress } from './public-addresses-only.js';

/**
 * A partnership's single sign-on over OpenID Connect: which identity provider its staff may sign in with, and
 * which of the provider's people or groups hold which role. One stream per partnership, so the set-up has a
 * history (who changed the mapping, when) and first sign-ins are recorded against it.
 */
export const singleSignOnStreamId = (partnershipId: string) => `single-sign-on:${partnershipId}`;

/** What a rule matches in the ID token: its `sub`, its `email`, or one of its `groups` (or Entra `roles`). */
export const ROLE_RULE_MATCHES = ['subject', 'email', 'group'] as const;
export type RoleRuleMatch = (typeof ROLE_RULE_MATCHES)[number];
export interface RoleRule {
  match: RoleRuleMatch;
  value: string;
  role: StaffRole;
}

/**
 * The client secret itself is never in an event: only the name of the environment variable that holds it, and
 * only names under this prefix, so a coordinator cannot point sign-in at DATABASE_URL or SESSION_SECRET.
 */
export const CLIENT_SECRET_ENV_PREFIX = 'SSO_CLIENT_SECRET_';
const CLIENT_SECRET_ENV = /^SSO_CLIENT_SECRET_[A-Z0-9_]{1,100}$/;

/**
 * The client secret's variable a partnership's sign-in may read: its own id in capitals, hyphens as _
 * (SSO_CLIENT_SECRET_SEVENOAKS_LSP), or that, __ and a suffix of its choosing (a second secret while one is rotated).
 * One partnership's coordinator cannot name another's secret and have it sent to a provider of theirs: an id has
 * no "--", so no name is two partnerships' own.
 */
export function clientSecretEnvFor(partnershipId: string): string {
  return `${CLIENT_SECRET_ENV_PREFIX}${partnershipId.toUpperCase().replace(/-/g, '_')}`;
}

export function isOwnClientSecretEnv(partnershipId: string, name: string): boolean {
  const own = clientSecretEnvFor(partnershipId);
  return CLIENT_SECRET_ENV.test(name) && (name === own || /^__[A-Z0-9_]+$/.test(name.slice(own.length)));
}
export const MAX_ROLE_RULES = 200;

export interface SingleSignOnSettings {
  partnershipId: string;
  /** "Sevenoaks District Council": the button says "Sign in with" it. */
  organisation: string;
  issuer: string;
  clientId: string;
  clientSecretEnv: string;
  rules: RoleRule[];
}

export type SingleSignOnEvent =
  | { type: 'SingleSignOnConfigured'; data: SingleSignOnSettings }
  | { type: 'SingleSignOnTurnedOff'; data: { partnershipId: string } }
  /** A person's first sign-in: the staff account it created (`created`) or the one of their email it took. */
  | {
      type: 'StaffLinkedToSingleSignOn';
      data: { partnershipId: string; issuer: string; subject: string; staffId: string; created: boolean };
    };

export type SingleSignOnState =
  | { status: 'off'; links: Record<string, string> }
  | { status: 'on'; settings: SingleSignOnSettings; links: Record<string, string> };

export const initialSingleSignOn = (): SingleSignOnState => ({ status: 'off', links: {} });

/** Links are per issuer: a new provider's `sub` values are not the old one's. */
const linkKey = (issuer: string, subject: string) => `${issuer} ${subject}`;

export type SingleSignOnCommand =
  | {
      type: 'ConfigureSingleSignOn';
      actor: Actor;
      partnershipId: string;
      settings: {
        organisation: unknown;
        issuer: unknown;
        clientId: unknown;
        clientSecretEnv: unknown;
        rules: unknown;
      };
      /** Plain HTTP issuers are for a provider on this machine only (development and tests). */
      allowLoopbackHttp: boolean;
    }
  | { type: 'TurnOffSingleSignOn'; actor: Actor; partnershipId: string }
  | {
      type: 'LinkStaffToSingleSignOn';
      partnershipId: string;
      issuer: string;
      subject: string;
      staffId: string;
      created: boolean;
    };

const invalid = (code: string, message: string, field: string) =>
  new DomainError(code, message, 'unprocessable', field);

function coordinatorOnly(actor: Actor, partnershipId: string): void {
  if (actor.role !== 'coordinator' || actor.partnershipId !== partnershipId)
    throw new DomainError(
      'coordinator-only',
      'Only a coordinator of the partnership sets up sign-on',
      'forbidden',
    );
}

/**
 * What no setting needs and a name must not hold: control characters, line breaks and format characters
 * (zero-width spaces and joiners, direction marks and overrides). The organisation is shown on the sign-in page
 * every partnership's staff use, where "Sign in with" a name holding a right-to-left override or a zero-width
 * space reads as another than it is written; an id, a group or an email holding one matches nothing a provider
 * sends.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

function text(value: unknown, field: string, label: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid('sso-field-required', `Enter ${label}`, field);
  const invisible = INVISIBLE.exec(value.trim());
  if (invisible)
    throw invalid(
      'sso-field-characters',
      `${label[0].toUpperCase()}${label.slice(1)} must not hold line breaks, control characters or invisible ` +
        `characters such as zero-width spaces or direction overrides (U+${invisible[0]
          .codePointAt(0)!
          .toString(16)
          .toUpperCase()
          .padStart(4, '0')})`,
      field,
    );
  if (value.trim().length > max)
    throw invalid(
      'sso-field-too-long',
      `${label[0].toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`,
      field,
    );
  return value.trim();
}

function issuerOf(value: unknown, allowLoopbackHttp: boolean): string {
  const raw = text(value, 'issuer', 'the issuer URL', 500);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(
      'sso-issuer-url',
      'The issuer must be a URL, like https://login.microsoftonline.com/<tenant>/v2.0',
      'issuer',
    );
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && loopback && url.protocol === 'http:'))
    throw invalid('sso-issuer-url', 'The issuer must be an https:// URL', 'issuer');
  // An empty `?` or `#` leaves search and hash '' but still turns the discovery path appended to the issuer into
  // a query or fragment: any path on the host would then be fetched.
  if (/[?#@]/.test(raw) || url.username || url.password)
    throw invalid('sso-issuer-url', 'The issuer URL has no query, fragment or user name', 'issuer');
  // A name is checked when it is fetched (publicAddressesOnly); an address can be told at once.
  if (!allowLoopbackHttp && isInsideAddress(url.hostname.replace(/^\[(.*)\]$/, '$1')))
    throw invalid(
      'sso-issuer-url',
      "The issuer must be on the internet, not a private or this server's address",
      'issuer',
    );
  return raw;
}

function rulesOf(value: unknown): RoleRule[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid('sso-rules-required', 'Map at least one user or group of the provider to a role', 'rules');
  if (value.length > MAX_ROLE_RULES)
    throw invalid('sso-too-many-rules', `Map at most ${MAX_ROLE_RULES} users or groups`, 'rules');
  return value.map((rule: unknown, i): RoleRule => {
    const r = (rule ?? {}) as Partial<Record<keyof RoleRule, unknown>>;
    if (!ROLE_RULE_MATCHES.includes(r.match as RoleRuleMatch))
      throw invalid(
        'sso-rule-match',
        'Say whether the rule matches a subject, an email or a group',
        `rules[${i}].match`,
      );
    if (!STAFF_ROLES.includes(r.role as StaffRole))
      throw invalid('sso-rule-role', `The role must be one of ${STAFF_ROLES.join(', ')}`, `rules[${i}].role`);
    const ruleValue = text(r.value, `rules[${i}].value`, 'the subject, email or group the rule matches', 254);
    return {
      match: r.match as RoleRuleMatch,
      // Emails are matched without regard to case, as sign-in by password does.
      value: r.match === 'email' ? ruleValue.toLowerCase() : ruleValue,
      role: r.role as StaffRole,
    };
  });
}

export function decideSingleSignOn(
  command: SingleSignOnCommand,
  state: SingleSignOnState,
): SingleSignOnEvent[] {
  switch (command.type) {
    case 'ConfigureSingleSignOn': {
      coordinatorOnly(command.actor, command.partnershipId);
      const s = command.settings;
      const clientSecretEnv = text(
        s.clientSecretEnv,
        'clientSecretEnv',
        'the name of the client secret’s environment variable',
        82,
      );
      if (!isOwnClientSecretEnv(command.partnershipId, clientSecretEnv))
        throw invalid(
          'sso-secret-env',
          `The client secret's variable must be named ${clientSecretEnvFor(command.partnershipId)}, or that, __ and then capitals, digits or _`,
          'clientSecretEnv',
        );
      const settings: SingleSignOnSettings = {
        partnershipId: command.partnershipId,
        organisation: text(s.organisation, 'organisation', 'the organisation’s name', 100),
        issuer: issuerOf(s.issuer, command.allowLoopbackHttp),
        clientId: text(s.clientId, 'clientId', 'the client ID', 200),
        clientSecretEnv,
        rules: rulesOf(s.rules),
      };
      // The same settings again record nothing: the history shows changes only.
      if (state.status === 'on' && JSON.stringify(state.settings) === JSON.stringify(settings)) return [];
      return [{ type: 'SingleSignOnConfigured', data: settings }];
    }
    case 'TurnOffSingleSignOn': {
      coordinatorOnly(command.actor, command.partnershipId);
      if (state.status === 'off') return [];
      return [{ type: 'SingleSignOnTurnedOff', data: { partnershipId: command.partnershipId } }];
    }
    case 'LinkStaffToSingleSignOn': {
      if (state.status !== 'on' || state.settings.issuer !== command.issuer)
        throw new DomainError(
          'sso-not-configured',
          'This partnership does not sign in with that provider',
          'not-found',
        );
      if (state.links[linkKey(command.issuer, command.subject)] === command.staffId) return [];
      const { partnershipId, issuer, subject, staffId, created } = command;
      return [
        { type: 'StaffLinkedToSingleSignOn', data: { partnershipId, issuer, subject, staffId, created } },
      ];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${String((unhandled as { type: string }).type)}`);
    }
  }
}

export function evolveSingleSignOn(state: SingleSignOnState, event: SingleSignOnEvent): SingleSignOnState {
  switch (event.type) {
    case 'SingleSignOnConfigured':
      return { status: 'on', settings: event.data, links: state.links };
    case 'SingleSignOnTurnedOff':
      return { status: 'off', links: state.links };
    case 'StaffLinkedToSingleSignOn':
      return {
        ...state,
        links: { ...state.links, [linkKey(event.data.issuer, event.data.subject)]: event.data.staffId },
      };
    default: {
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}

/** The staff account a provider's person was linked to at their first sign-in, if any. */
export function linkedStaffId(state: SingleSignOnState, issuer: string, subject: string): string | null {
  return state.links[linkKey(issuer, subject)] ?? null;
}

/** What the ID token says of the person, as far as the mapping looks at it. */
export interface ProviderPerson {
  subject: string;
  email: string | null;
  /** Whether the provider vouches that the email is the person's (vouchesForEmail), not only that they typed it. */
  emailVouched: boolean;
  /** The `groups` claim and Entra's app `roles` claim together. */
  groups: readonly string[];
}

/**
 * Whether the ID token vouches for its `email` claim: `email_verified: true` (Google, most providers), or, with no
 * `email_verified` at all, Entra ID's optional `xms_edov: true` (the address's domain is verified in the tenant, so
 * only its administrators hand it out). Entra sends no `email_verified`, and its `email` is whatever a directory
 * user's mail attribute holds; taking it on trust let someone who could set their own mail attribute sign in as
 * the staff account with that address ("nOAuth"). A string "true" is not vouching: the claims are booleans.
 */
export function vouchesForEmail(claims: { email_verified?: unknown; xms_edov?: unknown }): boolean {
  if (claims.email_verified !== undefined) return claims.email_verified === true;
  return claims.xms_edov === true;
}

/**
 * The first rule that matches the person gives their role; none matching means they may not sign in. An email rule
 * matches only an email the provider vouches for: else anyone who could put a coordinator's address in their own
 * directory entry would be given the coordinator's role.
 */
export function roleFor(rules: readonly RoleRule[], person: ProviderPerson): StaffRole | null {
  const email = person.emailVouched ? (person.email?.toLowerCase() ?? null) : null;
  const rule = rules.find(
    (r) =>
      (r.match === 'subject' && r.value === person.subject) ||
      (r.match === 'email' && email !== null && r.value === email) ||
      (r.match === 'group' && person.groups.includes(r.value)),
  );
  return rule?.role ?? null;
}
