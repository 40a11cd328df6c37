import { appRoutes } from '@bull-board/api/dist/routes.js';
import { QUEUE_DASHBOARD_ROUTE } from '../apps/api/src/queue-dashboard/queue-dashboard.module.js';
import { AuthService } from '../libs/auth/src/index.js';
import { QUEUES } from '../libs/queues/src/index.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from './support/product.js';
import { untilQuiet } from './support/processors.js';

const EVIL = 'http://evil.example';
const UNSAFE = ['post', 'put', 'patch', 'delete'];
const SIGN_IN = ['/auth/sign-in', '/l'];

/**
 * No write from another origin: a valid session cookie is not enough for a write that a page elsewhere could
 * make a browser send. Every cookie-authenticated write route the app serves (walked from Nest's router and Bull
 * Board's route table, not listed by hand) is tried with a foreign Origin, with only a foreign Referer and with
 * neither; then what same-origin requests, CSRF tokens and bearer tokens may still do; then login CSRF.
 */
describe('no write from another origin (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  let linkId: string;
  let tokenId: string;
  const session: Record<'coordinator' | 'reviewer' | 'lead', string> = {
    coordinator: '',
    reviewer: '',
    lead: '',
  };

  /** The session cookie of a staff member signed in for real, with the CSRF cookie a page gave it. */
  const signedIn = async (email: string) => {
    const signIn = await call('POST', '/auth/sign-in', {}, { email, password: PASSWORD });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    return withCsrfCookie(cookie);
  };
  const withCsrfCookie = async (cookie: string) => {
    const page = await fetch(`${product.baseUrl}/sign-in`, { headers: { cookie } });
    const csrf = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('pr_csrf='))!
      .split(';')[0];
    return `${cookie}; ${csrf}`;
  };
  const tokenOf = async (cookie: string) => {
    const page = await fetch(`${product.baseUrl}/sign-in`, { headers: { cookie } });
    return /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  };
  /** What a write could change: events, sessions, live tokens, enabled accounts, idempotency records. */
  const state = async () =>
    (
      await product.db.dataSource.query(
        `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM sessions)::int AS sessions,
                (SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL)::int AS tokens,
                (SELECT count(*) FROM staff_accounts WHERE disabled_at IS NULL)::int AS accounts,
                (SELECT count(*) FROM idempotency_keys)::int AS keys,
                (SELECT coalesce(sum(version), 0) FROM bi_access)::int AS bi_roles`,
      )
    )[0];

  beforeAll(async () => {
    product = await startProduct('cross_origin');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Guarded year',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'S3'] });
    const content = { rag: 'green', narrative: 'On target', dot: 'improving' };
    for (const ref of ['S1', 'S2', 'S3']) {
      expect(
        (await call('POST', `/returns/${cycleId}.${ref}/submit`, as.lead('sevenoaks-csp'), content)).status,
      ).toBe(200);
    }
    linkId = (await call('GET', `/cycles/${cycleId}/links`, as.coordinator)).body.links[0].linkId;
    tokenId = (await product.api.get(AuthService).createApiToken(STAFF.coordinator, 'walked')).tokenId;
    // A BI role to rotate or drop, so the walk's POST and DELETE of it have something to change.
    expect((await call('POST', '/partnership/bi-access', as.coordinator)).status).toBe(201);
    session.coordinator = await signedIn(STAFF.coordinator);
    session.reviewer = await signedIn(STAFF.reviewer);
    session.lead = await withCsrfCookie(as.lead('sevenoaks-csp').cookie);
    // The worker's own writes from the set-up (the submissions' mail and its ledger events) land before the walk,
    // which counts every event a refused write might have added.
    await untilQuiet(product);
  });
  afterAll(() => product.stop());

  /** Every write the app serves: Nest's routes (pages and API) and the queue dashboard's. */
  function writeRoutes(): { method: string; path: string; page: boolean }[] {
    type Layer = { route?: { path: string; methods: Record<string, boolean> } };
    const stack = (product.api.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router.stack;
    const nest = stack.flatMap(({ route }) =>
      route && !route.path.includes('*') // catch-alls ({/*splat}) have no path of their own to send to
        ? Object.keys(route.methods)
            .filter((m) => UNSAFE.includes(m))
            .map((m) => ({ method: m.toUpperCase(), path: route.path }))
        : [],
    );
    const dashboard = appRoutes.api.flatMap((r) =>
      [r.method]
        .flat()
        .filter((m) => UNSAFE.includes(m))
        .flatMap((m) =>
          [r.route].flat().map((path) => ({
            method: m.toUpperCase(),
            path: `${QUEUE_DASHBOARD_ROUTE}${path}`,
          })),
        ),
    );
    return [...nest, ...dashboard].map((r) => ({
      ...r,
      page: /^\/(sign-in|sign-out|agency|review|coordinate)(\/|$)/.test(r.path),
    }));
  }

  /** A real value for every path parameter, so that the request reaches something that exists. */
  function fill(path: string): string {
    const values: Record<string, string> = {
      cycleId,
      returnId: `${cycleId}.S1`,
      agencyId: 'sevenoaks-csp',
      linkId,
      tokenId,
      email: STAFF.reviewer2,
      action: path.includes('/cycles/') ? 'chase' : 'withdraw',
      queueName: QUEUES.mail,
      queueStatus: 'failed',
      jobId: 'some-job',
      schedulerId: 'chase-scan',
      appendixId: 'appendix-1',
      caseStudyId: 'study-1',
      version: '2',
      part: 'measure',
      key: 'S1',
      staffId: '00000000-0000-4000-8000-000000000000',
      messageId: 'm1',
      evidenceId: 'e1',
      partnershipId: 'sevenoaks-lsp',
    };
    return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`no value for :${name} in ${path}: add one to fill()`);
      return encodeURIComponent(values[name]);
    });
  }

  it('refuses every cookie-authenticated write with a foreign Origin, only a foreign Referer, or neither', async () => {
    const routes = writeRoutes();
    expect(routes.length).toBeGreaterThan(50);
    // The viewer's pages only read: nothing under /view takes a write, from any origin.
    expect(routes.filter((r) => r.path.startsWith('/view'))).toEqual([]);
    expect(routes).toContainEqual({ method: 'POST', path: '/returns/:returnId/send-back', page: false });
    expect(routes).toContainEqual({ method: 'POST', path: '/review/returns/:returnId/approve', page: true });
    expect(routes).toContainEqual({ method: 'POST', path: '/review/returns/:returnId/accept', page: true });
    expect(routes).toContainEqual({
      method: 'POST',
      path: '/returns/:returnId/return-to-review',
      page: false,
    });
    expect(routes).toContainEqual({
      method: 'PUT',
      path: '/returns/:returnId/evidence/:evidenceId/report-choice',
      page: false,
    });
    expect(routes).toContainEqual({ method: 'POST', path: '/agency/returns/:returnId/evidence', page: true });
    expect(routes).toContainEqual({
      method: 'PUT',
      path: `${QUEUE_DASHBOARD_ROUTE}/api/queues/pause`,
      page: false,
    });
    const origins = {
      'a foreign Origin': { origin: EVIL },
      'a sibling subdomain': { origin: 'http://returns.evil.example', 'sec-fetch-site': 'same-site' },
      'only a foreign Referer': { referer: `${EVIL}/attack.html` },
      'neither Origin nor Referer': {},
    };
    const bodies = {
      form: { type: 'application/x-www-form-urlencoded', text: 'reason=Because&name=x&rag=red' },
      json: { type: 'application/json', text: JSON.stringify({ reason: 'Because', name: 'x', rag: 'red' }) },
    };
    const slipped: string[] = [];
    for (const route of routes) {
      const url = fill(route.path);
      const cookie = route.path.startsWith('/agency') ? session.lead : session.coordinator;
      const before = await state();
      for (const [how, headers] of Object.entries(origins)) {
        for (const [kind, body] of Object.entries(bodies)) {
          if (route.page && kind === 'json') continue; // pages take forms
          // Signing in is not authenticated by the cookie: a client that is no browser (no Origin, no Referer)
          // may sign in (see the login CSRF test); from another origin nobody may.
          if (SIGN_IN.includes(route.path) && how === 'neither Origin nor Referer') continue;
          const response = await fetch(`${product.baseUrl}${url}`, {
            method: route.method,
            redirect: 'manual',
            headers: {
              cookie,
              'content-type': body.type,
              accept: route.page ? 'text/html' : 'application/json',
              ...headers,
            },
            body: body.text,
          });
          const text = await response.text();
          const refused =
            response.status === 403 &&
            (route.page
              ? response.headers.get('content-type')?.includes('text/html') &&
                text.includes('Nothing was changed')
              : response.headers.get('content-type')?.includes('application/problem+json') &&
                /"code":"(cross-origin-request|csrf-token-missing)"/.test(text));
          if (!refused)
            slipped.push(
              `${route.method} ${url} (${how}, ${kind}): ${response.status} ${text.slice(0, 120)}`,
            );
        }
      }
      const after = await state();
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        slipped.push(`${route.method} ${url} changed ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
      }
    }
    expect(slipped).toEqual([]);
  });

  it('lets the same writes through from our own origin as JSON, with the CSRF token, or with a bearer token', async () => {
    const sendBack = (
      ref: string,
      headers: Record<string, string>,
      body: string,
      type = 'application/json',
    ) =>
      fetch(`${product.baseUrl}/returns/${cycleId}.${ref}/send-back`, {
        method: 'POST',
        headers: { 'content-type': type, ...headers },
        body,
      });
    const reason = JSON.stringify({ reason: 'Add the figures' });
    const events = async (ref: string) =>
      (await product.store.readStream(`return:${cycleId}.${ref}`)).map((e) => e.type);

    // The attack as it was found: a reviewer's cookie, a form body, another site's Origin.
    const attack = await sendBack(
      'S1',
      { cookie: session.reviewer, origin: EVIL },
      'reason=Pwned',
      'application/x-www-form-urlencoded',
    );
    expect(attack.status).toBe(403);
    expect(await events('S1')).toEqual(['ReturnRequested', 'ReturnSubmitted']);
    // A form body from our own origin is still not taken from a cookie: 415, naming the rule.
    const form = await sendBack(
      'S1',
      { cookie: session.reviewer, origin: product.baseUrl },
      'reason=Form',
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({
      code: 'json-required',
      errors: [{ field: 'Content-Type', rule: 'json-required' }],
    });

    const ownOrigin = await sendBack('S1', { cookie: session.reviewer, origin: product.baseUrl }, reason);
    expect(ownOrigin.status).toBe(200);
    expect(await events('S1')).toEqual(['ReturnRequested', 'ReturnSubmitted', 'ReturnSentBack']);
    // A browser's fetch from our own pages, told by Sec-Fetch-Site.
    expect(
      (await sendBack('S2', { cookie: session.reviewer, 'sec-fetch-site': 'same-origin' }, reason)).status,
    ).toBe(200);
    // No Origin at all, but the CSRF token of this session.
    const token = await tokenOf(session.reviewer);
    expect((await sendBack('S3', { cookie: session.reviewer, 'x-csrf-token': token }, reason)).status).toBe(
      200,
    );
    // Someone else's token does not do.
    const othersToken = await tokenOf(session.coordinator);
    expect(
      (await sendBack('S3', { cookie: session.reviewer, 'x-csrf-token': othersToken }, reason)).status,
    ).toBe(403);
    // Bearer clients need none of it.
    const bearer = await call('POST', `/returns/${cycleId}.S3/withdraw`, as.coordinator, {
      reason: 'Dropped',
    });
    expect(bearer.status).toBe(200);
  });

  /**
   * The write rule took any `Authorization: Bearer ...` header for a bearer client and let the write through,
   * while sign-in read a token only from `Bearer <one word>` and else fell back to the session cookie: a
   * malformed header with a valid cookie made an API token from a foreign Origin (an attacker's probe). A browser
   * page cannot add the header without a preflight, but the rule must not rest on that alone.
   */
  it('takes a malformed bearer header for no one, never for the session cookie beside it', async () => {
    // The writes of the test before have their worker's events (mail, ledger) still to come.
    await untilQuiet(product);
    const before = await state();
    for (const authorization of ['Bearer x y', 'bearer\tx y', 'Bearer pr_x pr_y']) {
      const answer = await fetch(`${product.baseUrl}/auth/tokens`, {
        method: 'POST',
        headers: {
          cookie: session.coordinator,
          origin: EVIL,
          authorization,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'made from elsewhere' }),
      });
      expect([authorization, answer.status]).toEqual([authorization, 401]);
    }
    expect(await state()).toEqual(before);
  });

  it('protects sign-in and the link exchange against login CSRF', async () => {
    const signIn = (headers: Record<string, string>, body: string, type = 'application/json') =>
      fetch(`${product.baseUrl}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': type, ...headers },
        body,
      });
    const credentials = JSON.stringify({ email: STAFF.viewer, password: PASSWORD });
    for (const headers of [
      { origin: EVIL },
      { 'sec-fetch-site': 'cross-site' },
      { referer: `${EVIL}/` },
    ] as Record<string, string>[]) {
      const refused = await signIn(headers, credentials);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
    // A form from anywhere (old browsers send no Origin) cannot sign in through the JSON route.
    const form = await signIn(
      {},
      `email=${encodeURIComponent(STAFF.viewer)}&password=${encodeURIComponent(PASSWORD)}`,
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(415);
    expect((await signIn({ origin: product.baseUrl }, credentials)).status).toBe(200);

    // The sign-in page: its form's token is not enough from another site.
    const page = await fetch(`${product.baseUrl}/sign-in`);
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const csrfCookie = page.headers.getSetCookie()[0].split(';')[0];
    const pageSignIn = (headers: Record<string, string>) =>
      fetch(`${product.baseUrl}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: csrfCookie,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          ...headers,
        },
        body: new URLSearchParams({ _csrf: csrfToken, email: STAFF.viewer, password: PASSWORD }).toString(),
      });
    const refusedPage = await pageSignIn({ origin: EVIL });
    expect(refusedPage.status).toBe(403);
    expect(refusedPage.headers.get('set-cookie')).toBeNull();
    expect(await refusedPage.text()).toContain('This form was sent from another website');
    expect((await pageSignIn({ origin: product.baseUrl })).status).toBe(303);

    // The link exchange: a link of the attacker's own cannot be used to sign a victim into their agency.
    const linkMail = product.smtp.mails.find((m) => /\/l\/[A-Za-z0-9_-]{43}/.test(m.text));
    const linkToken = linkMail ? /\/l\/([A-Za-z0-9_-]{43})/.exec(linkMail.text)![1] : null;
    expect(linkToken).not.toBeNull();
    const exchange = (headers: Record<string, string>) =>
      fetch(`${product.baseUrl}/l`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: `token=${linkToken}`,
      });
    const uses = async () =>
      (await product.store.readStream(`cycle:${cycleId}`)).filter((e) => e.type === 'SubmissionLinkUsed')
        .length;
    const before = await uses();
    for (const headers of [{ origin: EVIL }, { origin: 'null' }, { 'sec-fetch-site': 'same-site' }] as Record<
      string,
      string
    >[]) {
      const refused = await exchange(headers);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
    expect(await uses()).toBe(before);
    expect((await exchange({ origin: product.baseUrl })).status).toBe(303);
  });

  it('gives every form of a page the one token its response sets, on the first page after signing in too', async () => {
    // A browser that signed in keeps the CSRF cookie of the sign-in page, bound to no session: stale now.
    const anonymous = await fetch(`${product.baseUrl}/sign-in`);
    const stale = anonymous.headers.getSetCookie()[0].split(';')[0];
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.reviewer2, password: PASSWORD });
    const cookie = `${signIn.headers.get('set-cookie')!.split(';')[0]}; ${stale}`;
    // A return to review: the page has the approve, send-back and sign-out forms.
    await call('POST', `/returns/${cycleId}.S1/submit`, as.lead('sevenoaks-csp'), {
      rag: 'green',
      narrative: 'With the figures',
    });
    const page = await fetch(`${product.baseUrl}/review/returns/${cycleId}.S1`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const tokens = [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    const set = page.headers.getSetCookie().filter((c) => c.startsWith('pr_csrf='));
    expect(set).toHaveLength(1);
    const fresh = set[0].split(';')[0];
    expect(new Set(tokens)).toEqual(new Set([fresh.slice('pr_csrf='.length)]));
    // The first form of the page works.
    const version = /name="version" value="(\d+)"/.exec(html)![1];
    const approved = await fetch(`${product.baseUrl}/review/returns/${cycleId}.S1/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: `${cookie.split(';')[0]}; ${fresh}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        origin: product.baseUrl,
      },
      body: new URLSearchParams({ _csrf: tokens[0], version }).toString(),
    });
    expect(approved.status).toBe(303);
    const types = (await product.store.readStream(`return:${cycleId}.S1`)).map((e) => e.type);
    expect(types[types.length - 1]).toBe('ReturnApproved');
  });

  /**
   * Clickjacking: a page of another site may frame none of ours. The API docs (Swagger UI, which sends requests
   * with the session cookie from its "Try it out" buttons) were left without any of the security headers, and an
   * attacker's probe framed them from another origin in Chromium.
   */
  it('lets no other site frame a page, the API docs included', async () => {
    const framing: [string, string | null, string | null][] = [];
    for (const path of ['/sign-in', '/coordinate', '/api/docs', '/api/docs/', '/api/docs-json']) {
      const answer = await fetch(`${product.baseUrl}${path}`, {
        headers: { cookie: session.coordinator, accept: 'text/html' },
      });
      await answer.arrayBuffer();
      const policy = answer.headers.get('content-security-policy');
      framing.push([
        path,
        /frame-ancestors 'none'/.exec(policy ?? '')?.[0] ?? null,
        answer.headers.get('x-frame-options'),
      ]);
    }
    expect(framing.filter(([, ancestors, frame]) => ancestors === null || frame === null)).toEqual([]);
  });
});
