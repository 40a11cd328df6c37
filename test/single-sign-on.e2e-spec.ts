import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { AuthService, openSignOn, SIGN_ON_COOKIE } from '../libs/auth/src/index.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from './support/product.js';

/**
 * Single sign-on end to end: the product signs staff in with a real OpenID provider (oidc-provider) run in this
 * process on a free port. The test is the browser: it follows every redirect by hand, keeps each side's cookies,
 * and "signs in at the provider" through the provider's own interaction API.
 */

const PUBLIC = 'http://partner-returns.test';
const CLIENT_ID = 'partner-returns';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const SECRET_ENV = 'SSO_CLIENT_SECRET_SEVENOAKS_LSP__E2E';
const CALLBACK = `${PUBLIC}/sign-in/sso/sevenoaks-lsp/callback`;

/**
 * The provider's people: a subject, an email, groups, and what vouches for the email: `email_verified`, or as Entra
 * ID sends it, no `email_verified` and perhaps its optional `xms_edov` (the email's domain is verified).
 */
const PEOPLE: Record<
  string,
  { email: string; email_verified?: boolean; xms_edov?: boolean; name: string; groups: string[] }
> = {
  'sub-new-reviewer': {
    email: 'nadia@sevenoaks.gov.uk',
    email_verified: true,
    name: 'Nadia New',
    groups: ['lsp-reviewers'],
  },
  'sub-cora': { email: STAFF.coordinator, email_verified: true, name: 'Cora', groups: [] },
  // The first morning: a team signing in for the first time at once.
  ...Object.fromEntries(
    [0, 1, 2, 3, 4].map((i) => [
      `sub-team-${i}`,
      {
        email: `team.${i}@sevenoaks.gov.uk`,
        email_verified: true,
        name: `Team ${i}`,
        groups: ['lsp-reviewers'],
      },
    ]),
  ),
  // Signs in, is forgotten ("Forget this person"), then signs in again.
  'sub-forgotten': {
    email: 'fern@sevenoaks.gov.uk',
    email_verified: true,
    name: 'Fern Forgotten',
    groups: ['lsp-reviewers'],
  },
  'sub-vic': { email: STAFF.viewer, email_verified: true, name: 'Vic', groups: ['lsp-viewers'] },
  // What a directory may hold in a claim (an outside tester's probe, 2026-12-05).
  'sub-nul-name': {
    email: 'ned@sevenoaks.gov.uk',
    email_verified: true,
    name: 'Ned\u0000 \u202ENull',
    groups: ['lsp-reviewers'],
  },
  'sub-nul-email': {
    email: 'nel\u0000@sevenoaks.gov.uk',
    email_verified: true,
    name: 'Nel',
    groups: ['lsp-reviewers'],
  },
  'sub-two-addresses': {
    email: 'cr@sevenoaks.gov.uk\r\nBcc: x@evil.example',
    email_verified: true,
    name: 'Cr',
    groups: ['lsp-reviewers'],
  },
  'sub-long-email': {
    email: `${'l'.repeat(5000)}@sevenoaks.gov.uk`,
    email_verified: true,
    name: 'Long',
    groups: ['lsp-reviewers'],
  },
  // A directory user who set their own mail attribute to the coordinator's address, as Entra sends it: no
  // email_verified (the "nOAuth" probe, 2026-12-05).
  'sub-mallory': { email: STAFF.coordinator, name: 'Mallory', groups: [] },
  'sub-mallory-reviewer': { email: STAFF.reviewer, name: 'Mallory', groups: ['lsp-reviewers'] },
  // Raj at Entra, with the optional claim that says his email's domain is verified in the tenant.
  'sub-entra-raj': { email: STAFF.reviewer2, xms_edov: true, name: 'Raj', groups: ['lsp-reviewers'] },
  'sub-outsider': {
    email: 'olly@sevenoaks.gov.uk',
    email_verified: true,
    name: 'Olly',
    groups: ['planning'],
  },
};

/** Cookies by name, as a browser keeps them for one site (paths ignored: the tests never rely on them). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim())) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

describe('single sign-on with the partnership’s OpenID provider (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let provider: Provider;
  let idp: Server;
  let issuer: string;
  const providerErrors: string[] = [];

  beforeAll(async () => {
    process.env[SECRET_ENV] = CLIENT_SECRET;
    idp = createServer();
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [CALLBACK],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      // Every authorization request must carry a PKCE challenge, and every code exchange its verifier.
      pkce: { required: () => true },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified', 'xms_edov'],
        profile: ['name', 'groups'],
      },
      // The claims in the ID token itself, as Entra ID and Google put email and groups there.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      findAccount: (_ctx, sub) => {
        const person = PEOPLE[sub];
        return person ? { accountId: sub, claims: () => ({ sub, ...person }) } : undefined;
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      // A first-party client: no consent screen, the grant is made on the spot.
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client!.clientId,
          accountId: ctx.oidc.session!.accountId!,
        });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    });
    // What the provider said when it refused a code exchange (error_detail names the check that failed).
    provider.on('grant.error', (_ctx, error) =>
      providerErrors.push(String((error as { error_detail?: string }).error_detail ?? error.message)),
    );
    const handle = provider.callback();
    idp.on('request', (req, res) => {
      // The person signs in at the provider: the test says who they are (GET /interaction/<uid>/as/<sub>).
      const login = /^\/interaction\/[^/]+\/as\/([^/?]+)$/.exec(req.url ?? '');
      if (login) {
        provider
          .interactionFinished(
            req,
            res,
            { login: { accountId: login[1] } },
            { mergeWithLastSubmission: false },
          )
          .catch((error: Error) => res.writeHead(500).end(error.message));
        return;
      }
      if (req.url?.startsWith('/interaction/'))
        return void res.writeHead(200).end('the provider’s sign-in page');
      void handle(req, res);
    });

    product = await startProduct('sso', undefined, { PUBLIC_BASE_URL: PUBLIC });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const configured = await call('PUT', '/single-sign-on', as.coordinator, {
      organisation: 'Sevenoaks District Council',
      issuer,
      clientId: CLIENT_ID,
      clientSecretEnv: SECRET_ENV,
      rules: [
        { match: 'email', value: STAFF.coordinator.toUpperCase(), role: 'coordinator' },
        { match: 'subject', value: 'sub-vic', role: 'viewer' },
        { match: 'group', value: 'lsp-reviewers', role: 'reviewer' },
      ],
    });
    expect(configured.status).toBe(200);
  });

  afterAll(async () => {
    await product.stop();
    await new Promise((resolve) => idp.close(resolve));
    delete process.env[SECRET_ENV];
  });

  const appUrl = (url: string) => {
    const u = new URL(url, PUBLIC);
    return `${product.baseUrl}${u.pathname}${u.search}`;
  };
  const get = async (url: string, jar: Jar) => {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
    return response;
  };

  /** Through the provider from an authorization URL to the redirect back: the callback URL the browser gets. */
  async function atProvider(authorizationUrl: string, subject: string, jar = new Jar()): Promise<URL> {
    const toInteraction = await get(authorizationUrl, jar);
    expect(toInteraction.status).toBe(303);
    const interaction = new URL(toInteraction.headers.get('location')!, issuer);
    const resume = await get(`${issuer}${interaction.pathname}/as/${subject}`, jar);
    expect(resume.status).toBe(303);
    const back = await get(new URL(resume.headers.get('location')!, issuer).href, jar);
    expect(back.status).toBe(303);
    const callback = new URL(back.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    return callback;
  }

  /**
   * The button "Sign in with <organisation>" on the partnership's sign-in page, as a browser presses it: the page's
   * form posted with its CSRF token and cookie, from our own origin.
   */
  async function press(partnership: string, app = new Jar()): Promise<Response> {
    const page = await get(`${product.baseUrl}/sign-in?partnership=${partnership}`, app);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const out = await fetch(`${product.baseUrl}/sign-in/sso/${partnership}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: app.header(),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        origin: product.baseUrl,
      },
      body: new URLSearchParams({ _csrf: token }),
    });
    app.take(out);
    return out;
  }

  /** "Sign in with Sevenoaks District Council": the product's redirect out, with the sealed cookie it set. */
  async function leave(app = new Jar()): Promise<{ app: Jar; authorizationUrl: URL }> {
    const out = await press('sevenoaks-lsp', app);
    expect(out.status).toBe(303);
    return { app, authorizationUrl: new URL(out.headers.get('location')!) };
  }

  async function signInAs(subject: string) {
    const { app, authorizationUrl } = await leave();
    const callback = await atProvider(authorizationUrl.href, subject);
    const back = await get(appUrl(callback.href), app);
    return { back, app };
  }

  const linkEvents = () =>
    product.db.dataSource.query(
      `SELECT data FROM events WHERE stream_id = 'single-sign-on:sevenoaks-lsp' AND type = 'StaffLinkedToSingleSignOn' ORDER BY global_position`,
    ) as Promise<{ data: { subject: string; staffId: string; created: boolean } }[]>;
  const me = (app: Jar) => call('GET', '/auth/me', { cookie: `pr_session=${app.get('pr_session')}` });

  it('keeps the client secret out of the events, and refuses a variable outside SSO_CLIENT_SECRET_', async () => {
    const stored: { data: unknown }[] = await product.db.dataSource.query(
      `SELECT data FROM events WHERE stream_id = 'single-sign-on:sevenoaks-lsp'`,
    );
    expect(JSON.stringify(stored)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(stored)).toContain(SECRET_ENV);
    const view = await call('GET', '/single-sign-on', as.coordinator);
    expect(view.body).toMatchObject({
      enabled: true,
      clientSecretSet: true,
      redirectUri: CALLBACK,
      version: 1,
    });
    const bad = await call('PUT', '/single-sign-on', as.coordinator, {
      ...view.body,
      clientSecretEnv: 'SESSION_SECRET',
      enabled: undefined,
      clientSecretSet: undefined,
      redirectUri: undefined,
      signInPage: undefined,
      version: undefined,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['clientSecretEnv']);
    expect((await call('PUT', '/single-sign-on', as.reviewer, {})).status).toBe(403);
    // Another partnership's coordinator may not have Sevenoaks' secret sent to a provider of theirs, nor learn
    // whether the server has it.
    const theirs = await call('PUT', '/single-sign-on', as.otherCoordinator, {
      organisation: 'Other Org',
      issuer: view.body.issuer,
      clientId: 'other-client',
      clientSecretEnv: SECRET_ENV,
      rules: view.body.rules,
    });
    expect(theirs.status).toBe(422);
    expect(theirs.body.errors).toEqual([
      expect.objectContaining({ field: 'clientSecretEnv', rule: 'sso-secret-env' }),
    ]);
    expect(theirs.body.errors[0].message).toContain('SSO_CLIENT_SECRET_OTHER_LSP');
  });

  const signInPage = async (query = '') => {
    const response = await fetch(`${product.baseUrl}/sign-in${query}`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('offers "Sign in with" the organisation on the partnership’s own sign-in page, with its provider’s host', async () => {
    const view = await call('GET', '/single-sign-on', as.coordinator);
    expect(view.body.signInPage).toBe(`${PUBLIC}/sign-in?partnership=sevenoaks-lsp`);
    const response = await fetch(`${product.baseUrl}/sign-in?partnership=sevenoaks-lsp`);
    const page = await response.text();
    expect(page).toContain('Sign in with Sevenoaks District Council');
    expect(page).toContain('<form method="post" action="/sign-in/sso/sevenoaks-lsp"');
    expect(page).toContain(`<strong>${new URL(issuer).host}</strong>`);
    expect(page).toContain('name="partnership" value="sevenoaks-lsp"');
    // A wrong password keeps the page the partnership's own.
    const refused = await fetch(`${product.baseUrl}/sign-in`, {
      method: 'POST',
      headers: {
        cookie: response.headers.getSetCookie()[0].split(';')[0],
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        origin: product.baseUrl,
      },
      body: new URLSearchParams({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1],
        email: STAFF.reviewer,
        password: 'wrong',
        partnership: 'sevenoaks-lsp',
      }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('action="/sign-in/sso/sevenoaks-lsp"');
  });

  it('shows another partnership’s look-alike organisation only on its own page, labelled with its partnership and provider', async () => {
    // Another partnership names itself as Sevenoaks does: refusing that would tell it Sevenoaks' name (and a
    // "Counci1" would pass), so it is taken, and kept off every page but its own.
    const lookAlike = await call('PUT', '/single-sign-on', as.otherCoordinator, {
      organisation: 'Sevenoaks District Council',
      issuer: 'http://localhost:9',
      clientId: 'look-alike',
      clientSecretEnv: 'SSO_CLIENT_SECRET_OTHER_LSP',
      rules: [{ match: 'group', value: 'everyone', role: 'coordinator' }],
    });
    expect(lookAlike.status).toBe(200);
    try {
      const shared = await signInPage();
      expect(shared).not.toContain('Sign in with Sevenoaks');
      expect(shared).not.toContain('/sign-in/sso/');
      const ours = await signInPage('?partnership=sevenoaks-lsp');
      expect(ours.match(/Sign in with Sevenoaks District Council/g)).toHaveLength(1);
      expect(ours).not.toContain('other-lsp');
      expect(ours).not.toContain('localhost:9');
      const theirs = await signInPage('?partnership=other-lsp');
      expect(theirs).toContain('action="/sign-in/sso/other-lsp"');
      expect(theirs).toContain('For the partnership <strong>other-lsp</strong>');
      expect(theirs).toContain('<strong>localhost:9</strong>');
      expect(theirs).not.toContain('sevenoaks-lsp');
      // An id that is no partnership's, or not an id at all: the password form alone.
      for (const query of ['?partnership=nobody', '?partnership=%3Cscript%3E', '?partnership=']) {
        expect([query, await signInPage(query)]).toEqual([
          query,
          expect.not.stringContaining('/sign-in/sso/'),
        ]);
      }
      // Not sent on to "your partnership’s own sign-in page" from the page given as that: it says there is none.
      for (const query of ['?partnership=nobody', '?partnership=%3Cscript%3E']) {
        const page = await signInPage(query);
        expect([query, page]).toEqual([
          query,
          expect.not.stringContaining('use your partnership’s own sign-in'),
        ]);
        expect(page).toContain('There is no sign-in with an organisation’s account on this page.');
      }
      expect(shared).toContain('use your partnership’s own sign-in');
    } finally {
      expect((await call('DELETE', '/single-sign-on', as.otherCoordinator)).status).toBe(200);
    }
  });

  it('never starts a sign-in from its address alone, only from the sign-in page’s form and its token (login CSRF)', async () => {
    const sealed = (out: Response) =>
      out.headers.getSetCookie().filter((c) => c.startsWith(`${SIGN_ON_COOKIE}=`));
    // Whatever a browser says of where it came from, and an old one says nothing (no Sec-Fetch-Site, no Referer):
    // the address shows the partnership's sign-in page. Before, the last of these went on to the provider, and the
    // browser came back signed in as whoever the other site's author chose.
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { referer: 'http://evil.example/attack.html' },
      { 'sec-fetch-site': 'none' },
      {},
    ] as Record<string, string>[]) {
      const out = await fetch(`${product.baseUrl}/sign-in/sso/sevenoaks-lsp`, {
        redirect: 'manual',
        headers,
      });
      expect([headers, out.status, out.headers.get('location')]).toEqual([
        headers,
        303,
        '/sign-in?partnership=sevenoaks-lsp',
      ]);
      expect(sealed(out)).toEqual([]);
    }
    // A form another site posts, as an old browser sends it (no Origin, no Referer, no Sec-Fetch-Site): without
    // the page's token and cookie it is refused, and never reaches the provider.
    const forged = await fetch(`${product.baseUrl}/sign-in/sso/sevenoaks-lsp`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: 'made-up' }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();
    expect(sealed(forged)).toEqual([]);
    // The button on that page: out to the provider with the sealed cookie.
    const out = await press('sevenoaks-lsp');
    expect(out.status).toBe(303);
    expect(new URL(out.headers.get('location')!).origin).toBe(issuer);
    expect(sealed(out)).toHaveLength(1);
  });

  it('sends the browser out with PKCE (S256), state and nonce, none of them kept in a URL of the product', async () => {
    const { app, authorizationUrl } = await leave();
    expect(authorizationUrl.origin).toBe(issuer);
    const params = authorizationUrl.searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toBeTruthy();
    expect(params.get('nonce')).toBeTruthy();
    expect(params.get('redirect_uri')).toBe(CALLBACK);
    const sealed = app.get(SIGN_ON_COOKIE)!;
    // The cookie is sealed: neither the verifier nor the nonce can be read from it without the server's key.
    expect(sealed).not.toContain(params.get('nonce')!);
    const opened = openSignOn(product.config.sessionSecret, sealed, new Date())!;
    expect(opened).toMatchObject({
      partnershipId: 'sevenoaks-lsp',
      state: params.get('state'),
      nonce: params.get('nonce'),
    });
  });

  it('signs a mapped person in with the role of their group, creating their account and linking it once', async () => {
    const { back, app } = await signInAs('sub-new-reviewer');
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/review');
    expect((await me(app)).body.actor).toEqual({
      id: 'nadia@sevenoaks.gov.uk',
      role: 'reviewer',
      partnershipId: 'sevenoaks-lsp',
    });
    const [account]: { name: string; role: string }[] = await product.db.dataSource.query(
      `SELECT name, role FROM staff_accounts WHERE email = 'nadia@sevenoaks.gov.uk'`,
    );
    expect(account).toEqual({ name: 'Nadia New', role: 'reviewer' });
    // Their password is nobody's: password sign-in does not open the account.
    const withPassword = await call(
      'POST',
      '/auth/sign-in',
      {},
      { email: 'nadia@sevenoaks.gov.uk', password: '' },
    );
    expect(withPassword.status).not.toBe(200);

    const again = await signInAs('sub-new-reviewer');
    expect(again.back.status).toBe(303);
    const links = (await linkEvents()).filter((e) => e.data.subject === 'sub-new-reviewer');
    expect(links.map((e) => e.data.created)).toEqual([true]);
  });

  it('signs in a team whose members sign in for the first time at the same moment, while the coordinator saves the set-up', async () => {
    const view = await call('GET', '/single-sign-on', as.coordinator);
    const {
      enabled: _e,
      clientSecretSet: _c,
      version: _v,
      redirectUri: _r,
      signInPage: _s,
      ...settings
    } = view.body;
    const [signIns, saved] = await Promise.all([
      Promise.all([0, 1, 2, 3, 4].map((i) => signInAs(`sub-team-${i}`))),
      call('PUT', '/single-sign-on', as.coordinator, settings),
    ]);
    expect(signIns.map(({ back }) => [back.status, back.headers.get('location')])).toEqual(
      [0, 1, 2, 3, 4].map(() => [303, '/review']),
    );
    expect([saved.status, saved.body?.code]).toEqual([200, undefined]);
    const linked = (await linkEvents()).filter((e) => e.data.subject.startsWith('sub-team-'));
    expect(linked).toHaveLength(5);
  });

  it('signs a forgotten member in again as someone new, linked anew, as often as they come back', async () => {
    const first = await signInAs('sub-forgotten');
    expect(first.back.headers.get('location')).toBe('/review');
    const forgotten = await call('POST', '/partnership/people/forget', as.coordinator, {
      email: 'fern@sevenoaks.gov.uk',
      reason: 'Asked to be forgotten',
    });
    expect(forgotten.status).toBe(200);
    // Their account went with them; the provider still knows them. The link to the old account stood: the first
    // sign-in back made an account without a link, and each after it answered 500 (the email taken).
    for (const time of [1, 2, 3]) {
      const back = await signInAs('sub-forgotten');
      expect([time, back.back.status, back.back.headers.get('location')]).toEqual([time, 303, '/review']);
      expect((await me(back.app)).body.actor).toMatchObject({
        id: 'fern@sevenoaks.gov.uk',
        role: 'reviewer',
      });
    }
    const accounts: { staff_id: string }[] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = 'fern@sevenoaks.gov.uk'`,
    );
    expect(accounts).toHaveLength(1);
    const links = (await linkEvents()).filter((e) => e.data.subject === 'sub-forgotten');
    expect(links.map((e) => e.data.created)).toEqual([true, true]);
    expect(links[1].data.staffId).toBe(accounts[0].staff_id);
  });

  it('links an existing staff account by its email, and the mapping gives its role', async () => {
    const { back, app } = await signInAs('sub-cora');
    expect(back.headers.get('location')).toBe('/coordinate');
    expect((await me(app)).body.actor).toEqual({
      id: STAFF.coordinator,
      role: 'coordinator',
      partnershipId: 'sevenoaks-lsp',
    });
    const links = (await linkEvents()).filter((e) => e.data.subject === 'sub-cora');
    expect(links.map((e) => e.data.created)).toEqual([false]);
  });

  it('links no existing account by an email the provider does not vouch for, nor gives an email rule’s role', async () => {
    const sessions = async () =>
      (await product.db.dataSource.query(`SELECT count(*)::int AS count FROM sessions`))[0].count as number;
    const before = { links: (await linkEvents()).length, sessions: await sessions() };
    // Cora's address with no email_verified: it matched her email rule and took her account (a coordinator's).
    // Rita's with no email_verified, in a mapped group: it took Rita's account.
    for (const subject of ['sub-mallory', 'sub-mallory-reviewer']) {
      const { back, app } = await signInAs(subject);
      expect([subject, back.status]).toEqual([subject, 403]);
      expect(await back.text()).toContain('Your email address is not verified');
      expect(app.get('pr_session')).toBeUndefined();
    }
    expect({ links: (await linkEvents()).length, sessions: await sessions() }).toEqual(before);
    const [{ count }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS count FROM staff_accounts WHERE name = 'Mallory'`,
    );
    expect(count).toBe(0);
  });

  it('links an existing account by an email Entra vouches for with xms_edov, and signs the linked subject in after', async () => {
    const { back, app } = await signInAs('sub-entra-raj');
    expect(back.status).toBe(303);
    expect((await me(app)).body.actor).toEqual({
      id: STAFF.reviewer2,
      role: 'reviewer',
      partnershipId: 'sevenoaks-lsp',
    });
    expect(
      (await linkEvents()).filter((e) => e.data.subject === 'sub-entra-raj').map((e) => e.data.created),
    ).toEqual([false]);
    // Once linked, the account is found by issuer and subject: a token vouching for nothing still signs Raj in.
    delete PEOPLE['sub-entra-raj'].xms_edov;
    try {
      const again = await signInAs('sub-entra-raj');
      expect(again.back.status).toBe(303);
      expect((await me(again.app)).body.actor.id).toBe(STAFF.reviewer2);
    } finally {
      PEOPLE['sub-entra-raj'].xms_edov = true;
    }
    expect((await linkEvents()).filter((e) => e.data.subject === 'sub-entra-raj')).toHaveLength(1);
  });

  it('takes a name without its control and invisible characters, and refuses an email that is not one address', async () => {
    // A NUL in the name was a 500; now it and the direction override are left out.
    const named = await signInAs('sub-nul-name');
    expect(named.back.status).toBe(303);
    const [ned]: { name: string }[] = await product.db.dataSource.query(
      `SELECT name FROM staff_accounts WHERE email = 'ned@sevenoaks.gov.uk'`,
    );
    expect(ned).toEqual({ name: 'Ned Null' });
    // A NUL was a 500; a line break and a second header made an account with them in its email.
    for (const subject of ['sub-nul-email', 'sub-two-addresses', 'sub-long-email']) {
      const { back, app } = await signInAs(subject);
      expect([subject, back.status]).toEqual([subject, 403]);
      expect(await back.text()).toContain('Your account has no email address');
      expect(app.get('pr_session')).toBeUndefined();
    }
    const [{ count }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS count FROM staff_accounts WHERE email LIKE 'cr@%' OR email LIKE 'nel%' OR email LIKE 'lll%'`,
    );
    expect(count).toBe(0);
  });

  it('refuses a person outside the mapping with a page saying so, and no session', async () => {
    const { back, app } = await signInAs('sub-outsider');
    expect(back.status).toBe(403);
    expect(await back.text()).toContain('You do not have access to this service');
    expect(app.get('pr_session')).toBeUndefined();
    const [{ count }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS count FROM staff_accounts WHERE email = 'olly@sevenoaks.gov.uk'`,
    );
    expect(count).toBe(0);
  });

  it('refuses a disabled staff member, though the provider and the mapping let them in', async () => {
    expect(await product.api.get(AuthService).disableStaff('sevenoaks-lsp', STAFF.viewer)).not.toBeNull();
    const { back, app } = await signInAs('sub-vic');
    expect(back.status).toBe(403);
    expect(await back.text()).toContain('Your account has been disabled');
    expect(app.get('pr_session')).toBeUndefined();
  });

  it('refuses a callback whose state was tampered with', async () => {
    const { app, authorizationUrl } = await leave();
    const callback = await atProvider(authorizationUrl.href, 'sub-new-reviewer');
    callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const back = await get(appUrl(callback.href), app);
    expect(back.status).toBe(403);
    expect(await back.text()).toContain('Your organisation’s sign-in did not work');
    expect(app.get('pr_session')).toBeUndefined();
  });

  it('refuses a callback without the sign-on cookie, and the replay of one already used', async () => {
    const { app, authorizationUrl } = await leave();
    const callback = await atProvider(authorizationUrl.href, 'sub-new-reviewer');
    const sealed = app.get(SIGN_ON_COOKIE)!;
    const stranger = await get(appUrl(callback.href), new Jar());
    expect(stranger.status).toBe(403);
    expect(await stranger.text()).toContain('Your sign-in could not be finished');
    // The real browser signs in; the same callback (cookie and code) sent again is refused.
    expect((await get(appUrl(callback.href), app)).status).toBe(303);
    const replayJar = new Jar();
    replayJar.set(SIGN_ON_COOKIE, sealed);
    const replay = await get(appUrl(callback.href), replayJar);
    expect(replay.status).toBe(403);
    expect(replayJar.get('pr_session')).toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the one this browser was given', async () => {
    providerErrors.length = 0;
    const { app, authorizationUrl } = await leave();
    // An authorization request the product never made: its state and PKCE challenge, another nonce.
    const forged = new URL(authorizationUrl);
    forged.searchParams.set('nonce', 'a-nonce-of-another-sign-in');
    const callback = await atProvider(forged.href, 'sub-new-reviewer');
    const back = await get(appUrl(callback.href), app);
    expect(back.status).toBe(403);
    expect(app.get('pr_session')).toBeUndefined();
    // The provider issued the tokens: it was the product's nonce check that said no.
    expect(providerErrors).toEqual([]);
  });

  it('refuses a code obtained with another PKCE challenge: the provider refuses the exchange', async () => {
    providerErrors.length = 0;
    const first = await leave();
    const second = await leave();
    // The code of the second sign-in, brought back with the first browser's state and cookie.
    const stolen = await atProvider(second.authorizationUrl.href, 'sub-new-reviewer');
    stolen.searchParams.set('state', first.authorizationUrl.searchParams.get('state')!);
    const back = await get(appUrl(stolen.href), first.app);
    expect(back.status).toBe(403);
    expect(first.app.get('pr_session')).toBeUndefined();
    expect(providerErrors).toEqual(['code_verifier does not match code_challenge']);
  });

  it('refuses an authorization request without a PKCE challenge at the provider', async () => {
    const { authorizationUrl } = await leave();
    authorizationUrl.searchParams.delete('code_challenge');
    authorizationUrl.searchParams.delete('code_challenge_method');
    const response = await get(authorizationUrl.href, new Jar());
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('keeps password sign-in working beside it', async () => {
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.reviewer, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(signIn.body.actor.role).toBe('reviewer');
  });

  it('documents the set-up routes in the OpenAPI document, and not the pages', async () => {
    const doc = (await call('GET', '/api/docs-json', {})).body;
    for (const method of ['get', 'put', 'delete']) {
      const operation = doc.paths['/single-sign-on']?.[method];
      expect([method, operation?.summary]).toEqual([method, expect.any(String)]);
    }
    const headers = doc.paths['/single-sign-on'].put.parameters.filter(
      (p: { in: string }) => p.in === 'header',
    );
    expect(headers.map((h: { name: string }) => h.name).sort()).toEqual(['Idempotency-Key', 'If-Match']);
    expect(doc.components.schemas.SingleSignOnDto.required).toEqual(
      expect.arrayContaining(['organisation', 'issuer', 'clientId', 'clientSecretEnv', 'rules']),
    );
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/sign-in'))).toEqual([]);
  });

  it('answers 409 to a change made on a stale version', async () => {
    const view = await call('GET', '/single-sign-on', as.coordinator);
    const { organisation, issuer, clientId, clientSecretEnv, rules } = view.body;
    const stale = await call(
      'PUT',
      '/single-sign-on',
      { ...as.coordinator, 'if-match': String(view.body.version - 1) },
      { organisation, issuer, clientId, clientSecretEnv, rules },
    );
    expect(stale.status).toBe(409);
  });

  it('answers 404 for a partnership without single sign-on', async () => {
    const out = await press('other-lsp');
    expect(out.status).toBe(404);
  });

  // Last: it moves the set-up to a provider that is not there.
  it('sends a browser to a page saying the provider cannot be reached when its discovery fails, not a 500', async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const view = await call('GET', '/single-sign-on', as.coordinator);
    const { organisation, clientId, clientSecretEnv, rules } = view.body;
    const moved = await call(
      'PUT',
      '/single-sign-on',
      { ...as.coordinator, 'if-match': `"${view.body.version}"` },
      { organisation, issuer: `http://127.0.0.1:${port}`, clientId, clientSecretEnv, rules },
    );
    expect(moved.status).toBe(200);

    const out = await press('sevenoaks-lsp');
    expect(out.status).toBe(502);
    expect(out.headers.getSetCookie().filter((c) => c.startsWith(`${SIGN_ON_COOKIE}=`))).toEqual([]);
    expect(await out.text()).toContain('Your organisation’s sign-in cannot be reached');
  });
});
