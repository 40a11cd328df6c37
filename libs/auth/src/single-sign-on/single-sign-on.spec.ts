import { coordinator, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import {
  clientSecretEnvFor,
  decideSingleSignOn,
  isOwnClientSecretEnv,
  evolveSingleSignOn,
  initialSingleSignOn,
  linkedStaffId,
  roleFor,
  RoleRule,
  vouchesForEmail,
  SingleSignOnCommand,
  SingleSignOnEvent,
  SingleSignOnSettings,
  SingleSignOnState,
} from './single-sign-on.js';

// given-events / when-command / then-events
const given = (...events: SingleSignOnEvent[]): SingleSignOnState =>
  events.reduce(evolveSingleSignOn, initialSingleSignOn());

const settings: SingleSignOnSettings = {
  partnershipId: 'lsp',
  organisation: 'Sevenoaks District Council',
  issuer: 'https://login.microsoftonline.com/tenant/v2.0',
  clientId: 'client-1',
  clientSecretEnv: 'SSO_CLIENT_SECRET_LSP',
  rules: [
    { match: 'group', value: 'lsp-coordinators', role: 'coordinator' },
    { match: 'email', value: 'rita@example.org', role: 'reviewer' },
  ],
};
const configured: SingleSignOnEvent = { type: 'SingleSignOnConfigured', data: settings };

const configure = (state: SingleSignOnState, changes: Record<string, unknown> = {}, actor = coordinator) =>
  decideSingleSignOn(
    {
      type: 'ConfigureSingleSignOn',
      actor,
      partnershipId: 'lsp',
      settings: { ...settings, ...changes },
      allowLoopbackHttp: false,
    } as SingleSignOnCommand,
    state,
  );

describe('a partnership’s single sign-on', () => {
  it('is off until a coordinator sets it up, and records the settings (the secret’s variable name, never the secret)', () => {
    expect(given().status).toBe('off');
    const events = configure(given());
    expect(events).toEqual([configured]);
    expect(given(configured)).toEqual({ status: 'on', settings, links: {} });
  });

  it('records nothing when the settings are unchanged, and a change when they are not', () => {
    expect(configure(given(configured))).toEqual([]);
    expect(configure(given(configured), { clientId: 'client-2' })).toEqual([
      { type: 'SingleSignOnConfigured', data: { ...settings, clientId: 'client-2' } },
    ]);
  });

  it('is set up by a coordinator of that partnership only', () => {
    thenError(() => configure(given(), {}, reviewer), 'coordinator-only', 'forbidden');
    thenError(
      () => configure(given(), {}, { ...coordinator, partnershipId: 'other' }),
      'coordinator-only',
      'forbidden',
    );
  });

  it('refuses bad settings naming the field', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ issuer: 'http://idp.example.org' }, 'sso-issuer-url', 'issuer'],
      [{ issuer: 'not a url' }, 'sso-issuer-url', 'issuer'],
      [{ issuer: 'https://idp.example.org/?x=1' }, 'sso-issuer-url', 'issuer'],
      // An empty query or fragment: the discovery path appended after it would be a query or fragment too.
      [{ issuer: 'https://idp.example.org/path?' }, 'sso-issuer-url', 'issuer'],
      [{ issuer: 'https://idp.example.org/path#' }, 'sso-issuer-url', 'issuer'],
      // In production (no loopback HTTP) an address of this server or its network is no provider's.
      [{ issuer: 'https://169.254.169.254/latest' }, 'sso-issuer-url', 'issuer'],
      [{ issuer: 'https://10.0.0.7/realms/council' }, 'sso-issuer-url', 'issuer'],
      [{ issuer: 'https://[::1]:8443' }, 'sso-issuer-url', 'issuer'],
      [{ clientId: '' }, 'sso-field-required', 'clientId'],
      [{ organisation: 'x'.repeat(101) }, 'sso-field-too-long', 'organisation'],
      // Shown on the sign-in page every partnership uses: a name must read as it is written (a probe, 2026-12-05).
      [{ organisation: 'Sevenoaks \u202Elicnuoc' }, 'sso-field-characters', 'organisation'],
      [{ organisation: 'Seven\u200Boaks District Council' }, 'sso-field-characters', 'organisation'],
      [{ organisation: 'Sevenoaks\nSign in here' }, 'sso-field-characters', 'organisation'],
      [{ clientId: 'abc\u0007' }, 'sso-field-characters', 'clientId'],
      [
        { rules: [{ match: 'group', value: 'lsp\u2066-reviewers', role: 'viewer' }] },
        'sso-field-characters',
        'rules[0].value',
      ],
      [{ clientSecretEnv: 'DATABASE_URL' }, 'sso-secret-env', 'clientSecretEnv'],
      [{ clientSecretEnv: 'SSO_CLIENT_SECRET_lower' }, 'sso-secret-env', 'clientSecretEnv'],
      // Another partnership's secret, or a name two partnerships could both claim.
      [{ clientSecretEnv: 'SSO_CLIENT_SECRET_SEVENOAKS_LSP' }, 'sso-secret-env', 'clientSecretEnv'],
      [{ clientSecretEnv: 'SSO_CLIENT_SECRET_LSP_OTHER' }, 'sso-secret-env', 'clientSecretEnv'],
      [{ clientSecretEnv: 'SSO_CLIENT_SECRET_LSP__' }, 'sso-secret-env', 'clientSecretEnv'],
      [{ rules: [] }, 'sso-rules-required', 'rules'],
      [{ rules: 'coordinator' }, 'sso-rules-required', 'rules'],
      [{ rules: [{ match: 'name', value: 'x', role: 'viewer' }] }, 'sso-rule-match', 'rules[0].match'],
      [{ rules: [{ match: 'group', value: 'x', role: 'agency-lead' }] }, 'sso-rule-role', 'rules[0].role'],
      [{ rules: [{ match: 'group', value: ' ', role: 'viewer' }] }, 'sso-field-required', 'rules[0].value'],
    ];
    for (const [changes, code, field] of cases)
      thenError(() => configure(given(), changes), code, 'unprocessable', field);
  });

  it('reads the client secret from the partnership’s own variable only, with a suffix of its choosing', () => {
    expect(clientSecretEnvFor('sevenoaks-lsp')).toBe('SSO_CLIENT_SECRET_SEVENOAKS_LSP');
    expect(configure(given(), { clientSecretEnv: 'SSO_CLIENT_SECRET_LSP__2026' })).toEqual([
      {
        type: 'SingleSignOnConfigured',
        data: { ...settings, clientSecretEnv: 'SSO_CLIENT_SECRET_LSP__2026' },
      },
    ]);
    expect(isOwnClientSecretEnv('sevenoaks-lsp', 'SSO_CLIENT_SECRET_SEVENOAKS_LSP')).toBe(true);
    // "sevenoaks" may not take "sevenoaks-lsp"'s, nor the other way round.
    expect(isOwnClientSecretEnv('sevenoaks', 'SSO_CLIENT_SECRET_SEVENOAKS_LSP')).toBe(false);
    expect(isOwnClientSecretEnv('sevenoaks-lsp', 'SSO_CLIENT_SECRET_SEVENOAKS')).toBe(false);
    expect(isOwnClientSecretEnv('sevenoaks', 'SSO_CLIENT_SECRET_SEVENOAKS__LSP')).toBe(true);
    expect(isOwnClientSecretEnv('sevenoaks-lsp', 'SSO_CLIENT_SECRET_SEVENOAKS__LSP')).toBe(false);
  });

  it('takes a plain HTTP issuer only on this machine, and only when allowed', () => {
    const loopback = { ...settings, issuer: 'http://127.0.0.1:4000' };
    const command = (allowLoopbackHttp: boolean): SingleSignOnCommand => ({
      type: 'ConfigureSingleSignOn',
      actor: coordinator,
      partnershipId: 'lsp',
      settings: loopback,
      allowLoopbackHttp,
    });
    expect(decideSingleSignOn(command(true), given())).toEqual([
      { type: 'SingleSignOnConfigured', data: loopback },
    ]);
    thenError(() => decideSingleSignOn(command(false), given()), 'sso-issuer-url', 'unprocessable', 'issuer');
  });

  it('is turned off by a coordinator, once', () => {
    const off = decideSingleSignOn(
      { type: 'TurnOffSingleSignOn', actor: coordinator, partnershipId: 'lsp' },
      given(configured),
    );
    expect(off).toEqual([{ type: 'SingleSignOnTurnedOff', data: { partnershipId: 'lsp' } }]);
    expect(given(configured, ...off).status).toBe('off');
    expect(
      decideSingleSignOn({ type: 'TurnOffSingleSignOn', actor: coordinator, partnershipId: 'lsp' }, given()),
    ).toEqual([]);
  });

  it('links a person’s first sign-in to a staff account, once per issuer and subject', () => {
    const link: SingleSignOnCommand = {
      type: 'LinkStaffToSingleSignOn',
      partnershipId: 'lsp',
      issuer: settings.issuer,
      subject: 'sub-1',
      staffId: 'staff-1',
      created: true,
    };
    const events = decideSingleSignOn(link, given(configured));
    expect(events).toEqual([
      {
        type: 'StaffLinkedToSingleSignOn',
        data: {
          partnershipId: 'lsp',
          issuer: settings.issuer,
          subject: 'sub-1',
          staffId: 'staff-1',
          created: true,
        },
      },
    ]);
    const linked = given(configured, ...events);
    expect(linkedStaffId(linked, settings.issuer, 'sub-1')).toBe('staff-1');
    expect(linkedStaffId(linked, 'https://other.example.org', 'sub-1')).toBeNull();
    expect(decideSingleSignOn(link, linked)).toEqual([]);
    thenError(() => decideSingleSignOn(link, given()), 'sso-not-configured', 'not-found');
  });
});

describe('the role mapping', () => {
  const rules: RoleRule[] = [
    { match: 'subject', value: 'sub-boss', role: 'coordinator' },
    { match: 'email', value: 'rita@example.org', role: 'reviewer' },
    { match: 'group', value: 'board-members', role: 'board' },
    { match: 'group', value: 'everyone', role: 'viewer' },
  ];

  it('gives the role of the first rule that matches the subject, email (any case) or a group', () => {
    expect(
      roleFor(rules, { subject: 'sub-boss', email: null, emailVouched: false, groups: ['everyone'] }),
    ).toBe('coordinator');
    expect(roleFor(rules, { subject: 's', email: 'Rita@Example.org', emailVouched: true, groups: [] })).toBe(
      'reviewer',
    );
    expect(
      roleFor(rules, {
        subject: 's',
        email: null,
        emailVouched: false,
        groups: ['everyone', 'board-members'],
      }),
    ).toBe('board');
    expect(
      roleFor(rules, { subject: 's', email: 'x@example.org', emailVouched: true, groups: ['everyone'] }),
    ).toBe('viewer');
  });

  it('matches an email rule only to an email the provider vouches for', () => {
    // An Entra user who set their own mail attribute to Rita's address is not given Rita's role.
    const claimed = { subject: 's', email: 'rita@example.org', emailVouched: false, groups: [] };
    expect(roleFor(rules, claimed)).toBeNull();
    expect(roleFor(rules, { ...claimed, groups: ['everyone'] })).toBe('viewer');
  });

  it('takes email_verified: true, or with no email_verified Entra’s xms_edov: true, as vouching for the email', () => {
    expect(vouchesForEmail({ email_verified: true })).toBe(true);
    expect(vouchesForEmail({ xms_edov: true })).toBe(true);
    expect(vouchesForEmail({})).toBe(false);
    expect(vouchesForEmail({ email_verified: false, xms_edov: true })).toBe(false);
    expect(vouchesForEmail({ email_verified: 'true' })).toBe(false);
    expect(vouchesForEmail({ xms_edov: 'true' })).toBe(false);
    expect(vouchesForEmail({ xms_edov: false })).toBe(false);
  });

  it('gives none to a person outside the mapping', () => {
    expect(
      roleFor(rules, { subject: 's', email: 'x@example.org', emailVouched: true, groups: ['others'] }),
    ).toBeNull();
  });
});
