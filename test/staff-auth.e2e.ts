import { AuthService, StaffDirectory } from '../libs/auth/src/index.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  STAFF,
  startProduct,
} from './support/product.js';

const expectCode = (response: { status: number; body: { code?: string } }, status: number, code: string) =>
  expect({ status: response.status, code: response.body.code }).toEqual({ status, code });

/** Staff sign-in, sessions, bearer tokens and every role boundary, over HTTP on the real product. */
describe('staff accounts, sessions and roles (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;

  beforeAll(async () => {
    product = await startProduct('auth');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Quarter 1',
      periodStart: '2020-04-01',
      periodEnd: '2020-06-30',
      dueDate: '2030-07-31',
    });
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'C1'] });
  });
  afterAll(() => product.stop());

  const cookieOf = (headers: Headers) => (headers.get('set-cookie') ?? '').split(';')[0];

  it('signs staff in with a fresh HttpOnly SameSite session cookie and out again', async () => {
    const signIn = await call(
      'POST',
      '/auth/sign-in',
      {},
      { email: STAFF.reviewer.toUpperCase(), password: PASSWORD },
    );
    expect(signIn.status).toBe(200);
    expect(signIn.body.actor).toEqual({
      id: STAFF.reviewer,
      role: 'reviewer',
      partnershipId: 'sevenoaks-lsp',
    });
    const setCookie = signIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^pr_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = cookieOf(signIn.headers);

    expect((await call('GET', '/auth/me', { cookie })).body.actor.id).toBe(STAFF.reviewer);
    // Only the hash of the session id is stored.
    const raw = cookie.split('=')[1];
    const stored = await product.db.dataSource.query(
      `SELECT session_hash FROM sessions WHERE session_hash = $1`,
      [raw],
    );
    expect(stored).toEqual([]);

    // Signing in again from the same browser replaces the session: the old id stops working.
    const again = await call(
      'POST',
      '/auth/sign-in',
      { cookie },
      { email: STAFF.reviewer, password: PASSWORD },
    );
    const renewed = cookieOf(again.headers);
    expect(renewed).not.toBe(cookie);
    expect((await call('GET', '/auth/me', { cookie })).status).toBe(401);
    expect((await call('GET', '/auth/me', { cookie: renewed })).status).toBe(200);

    expect((await call('POST', '/auth/sign-out', { cookie: renewed, origin: product.baseUrl })).status).toBe(
      204,
    );
    expect((await call('GET', '/auth/me', { cookie: renewed })).status).toBe(401);
  });

  it('refuses a wrong password or unknown email with the same 401 problem', async () => {
    const wrong = await call(
      'POST',
      '/auth/sign-in',
      {},
      { email: STAFF.reviewer, password: 'not the password' },
    );
    const unknown = await call(
      'POST',
      '/auth/sign-in',
      {},
      { email: 'nobody@example.org', password: PASSWORD },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body.title).toBe(unknown.body.title);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const invalid = await call('POST', '/auth/sign-in', {}, { email: 'not-an-email', password: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'email', rule: 'isEmail' })]);
  });

  it('issues bearer tokens shown once, stored hashed, and revocable', async () => {
    const created = await call('POST', '/auth/tokens', as.coordinator, { name: 'reporting script' });
    expect(created.status).toBe(201);
    const { token, tokenId } = created.body;
    expect(token).toMatch(/^pr_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call('GET', '/auth/me', bearer)).body.actor.id).toBe(STAFF.coordinator);
    const rows = await product.db.dataSource.query(`SELECT token_hash FROM api_tokens WHERE token_id = $1`, [
      tokenId,
    ]);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toContain(token);

    expect((await call('DELETE', `/auth/tokens/${tokenId}`, as.coordinator)).status).toBe(204);
    expect((await call('GET', '/auth/me', bearer)).status).toBe(401);
    expect((await call('GET', '/auth/me', { authorization: 'Bearer pr_madeup' })).status).toBe(401);
  });

  it('keeps no new token at rest for a retry with the same Idempotency-Key, and makes only one', async () => {
    const headers = { ...as.coordinator, 'idempotency-key': 'token-once' };
    const first = await call('POST', '/auth/tokens', headers, { name: 'nightly export' });
    const retry = await call('POST', '/auth/tokens', headers, { name: 'nightly export' });
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^pr_/);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual({ tokenId: first.body.tokenId });
    const stored = await product.db.dataSource.query(
      `SELECT body FROM idempotency_keys WHERE idempotency_key = 'token-once'`,
    );
    expect(stored[0].body).not.toContain(first.body.token);
    const made = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM api_tokens WHERE name = 'nightly export'`,
    );
    expect(made).toEqual([{ n: 1 }]);
  });

  it('lets a coordinator add staff to their own partnership only', async () => {
    const added = await call('POST', '/staff', as.coordinator, {
      email: 'new.reviewer@sevenoaks.example.org',
      name: 'New Reviewer',
      role: 'reviewer',
      password: 'a long enough password',
    });
    expect(added.status).toBe(201);
    expect(added.body.partnershipId).toBe('sevenoaks-lsp');
    const duplicate = await call('POST', '/staff', as.coordinator, {
      email: 'New.Reviewer@sevenoaks.example.org',
      name: 'Again',
      role: 'reviewer',
      password: 'a long enough password',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0]).toMatchObject({ field: 'email', rule: 'email-taken' });
    for (const who of [as.reviewer, as.viewer, as.lead('sevenoaks-csp')]) {
      const refused = await call('POST', '/staff', who, {
        email: 'x@sevenoaks.example.org',
        name: 'X',
        role: 'coordinator',
        password: 'a long enough password',
      });
      expect(refused.status).toBe(403);
    }
    const shortPassword = await call('POST', '/staff', as.coordinator, {
      email: 'y@sevenoaks.example.org',
      name: 'Y',
      role: 'viewer',
      password: 'short',
    });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.errors[0]).toMatchObject({ field: 'password', rule: 'minLength' });
  });

  it('ends every session and token of a disabled account at once', async () => {
    const email = 'leaving.reviewer@sevenoaks.example.org';
    await call('POST', '/staff', as.coordinator, {
      email,
      name: 'Leaving Reviewer',
      role: 'reviewer',
      password: 'a long enough password',
    });
    const signIn = async () =>
      call('POST', '/auth/sign-in', {}, { email, password: 'a long enough password' });
    const browser = { cookie: cookieOf((await signIn()).headers) };
    const laptop = { cookie: cookieOf((await signIn()).headers) };
    const bearer = await call('POST', '/auth/tokens', as.coordinator, { name: 'not theirs' });
    const [{ staff_id: staffId }] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = $1`,
      [email],
    );
    // A token of their own, made the way the API makes one, so it is theirs to lose.
    const { token } = await product.api.get(AuthService).createApiToken(email, 'their script');
    const api = { authorization: `Bearer ${token}` };
    for (const who of [browser, laptop, api]) expect((await call('GET', '/auth/me', who)).status).toBe(200);

    expect((await call('POST', `/staff/${email}/disable`, as.reviewer)).status).toBe(403);
    expectCode(
      await call('POST', `/staff/${STAFF.coordinator}/disable`, as.coordinator),
      422,
      'cannot-disable-self',
    );
    expectCode(
      await call('POST', '/staff/nobody@sevenoaks.example.org/disable', as.coordinator),
      404,
      'staff-not-found',
    );
    expectCode(await call('POST', `/staff/${email}/disable`, as.otherCoordinator), 404, 'staff-not-found');

    const disabled = await call('POST', `/staff/${email.toUpperCase()}/disable`, as.coordinator);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ email, sessionsEnded: 2, tokensRevoked: 1 });
    for (const who of [browser, laptop, api]) expect((await call('GET', '/auth/me', who)).status).toBe(401);
    expect((await signIn()).status).toBe(401);
    expect(
      await product.db.dataSource.query(`SELECT 1 FROM sessions WHERE staff_id = $1`, [staffId]),
    ).toEqual([]);
    // Someone else's token is untouched; disabling again changes nothing.
    expect((await call('GET', '/auth/me', { authorization: `Bearer ${bearer.body.token}` })).status).toBe(
      200,
    );
    expect((await call('POST', `/staff/${email}/disable`, as.coordinator)).body).toMatchObject({
      disabledAt: disabled.body.disabledAt,
      sessionsEnded: 0,
      tokensRevoked: 0,
    });
  });

  it('acts with the role the account has now: a coordinator moved to viewer loses coordinator powers at once', async () => {
    const email = 'demoted.coordinator@sevenoaks.example.org';
    await call('POST', '/staff', as.coordinator, {
      email,
      name: 'Demoted Coordinator',
      role: 'coordinator',
      password: 'a long enough password',
    });
    const signIn = await call('POST', '/auth/sign-in', {}, { email, password: 'a long enough password' });
    const session = { cookie: cookieOf(signIn.headers), origin: product.baseUrl };
    expect((await call('GET', '/auth/me', session)).body.actor.role).toBe('coordinator');

    const [{ staff_id: staffId }] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = $1`,
      [email],
    );
    // As the coordinator's staff page does it.
    expect(await product.api.get(StaffDirectory).change('sevenoaks-lsp', staffId, 'viewer', [])).toBe(true);

    expect((await call('GET', '/auth/me', session)).body.actor.role).toBe('viewer');
    const backdoor = await call('POST', '/staff', session, {
      email: 'backdoor@evil.example',
      name: 'Backdoor',
      role: 'coordinator',
      password: 'a long enough password',
    });
    expect(backdoor.status).toBe(403);
  });

  it('refuses the open session of an account disabled outside the API (by an operator in SQL)', async () => {
    const email = 'operator.disabled@sevenoaks.example.org';
    await product.api.get(AuthService).createStaff({
      partnershipId: 'sevenoaks-lsp',
      email,
      name: 'Disabled By Operator',
      role: 'viewer',
      password: PASSWORD,
    });
    const session = {
      cookie: cookieOf((await call('POST', '/auth/sign-in', {}, { email, password: PASSWORD })).headers),
    };
    expect((await call('GET', '/auth/me', session)).status).toBe(200);
    await product.db.dataSource.query(`UPDATE staff_accounts SET disabled_at = now() WHERE email = $1`, [
      email,
    ]);
    expect((await call('GET', '/auth/me', session)).status).toBe(401);
  });

  it('answers 401, not 500, to a sign-in whose account is forgotten while its password is being checked', async () => {
    const email = 'forgotten.mid-sign-in@sevenoaks.example.org';
    const auth = product.api.get(AuthService);
    const { staffId } = await auth.createStaff({
      partnershipId: 'sevenoaks-lsp',
      email,
      name: 'Forgotten Mid Sign-In',
      role: 'viewer',
      password: PASSWORD,
    });
    // The deletion (as forgetting a member of staff does) is made but not yet committed: the sign-in still reads
    // the account and checks its password, and its new session then waits on the row until the deletion commits.
    const forgetting = product.db.dataSource.createQueryRunner();
    await forgetting.connect();
    await forgetting.startTransaction();
    try {
      await forgetting.query('DELETE FROM staff_accounts WHERE staff_id = $1', [staffId]);
      const signIn = call('POST', '/auth/sign-in', {}, { email, password: PASSWORD });
      await eventually(async () => {
        const [{ waiting }] = await product.db.dataSource.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "sessions"%'`,
        );
        return waiting === 1;
      });
      await forgetting.commitTransaction();
      const answer = await signIn;
      const unknown = await call(
        'POST',
        '/auth/sign-in',
        {},
        { email: 'nobody@example.org', password: PASSWORD },
      );
      expect(answer.status).toBe(401);
      expect(answer.body.title).toBe(unknown.body.title);
    } finally {
      if (forgetting.isTransactionActive) await forgetting.rollbackTransaction();
      await forgetting.release();
    }
    // A session asked for it another way (single sign-on) is refused as gone.
    await expect(
      auth.openStaffSession(staffId, { id: email, role: 'viewer', partnershipId: 'sevenoaks-lsp' }),
    ).rejects.toMatchObject({ code: 'session-holder-gone', kind: 'gone' });
  });

  it('answers 401 without credentials and 403 across every role boundary', async () => {
    const s1 = `${cycleId}.S1`;
    const c1 = `${cycleId}.C1`;
    const content = { rag: 'green', narrative: 'On target', dot: 'improving' };
    const cases: [string, string, Record<string, string>, unknown, number][] = [
      ['anonymous reads a cycle', `GET /cycles/${cycleId}`, {}, undefined, 401],
      ['anonymous saves a draft', `PUT /returns/${s1}/draft`, {}, content, 401],
      ['anonymous drafts a cycle', 'POST /cycles', {}, {}, 401],
      ['a viewer saves a draft', `PUT /returns/${s1}/draft`, as.viewer, content, 403],
      ['a viewer opens a cycle', `POST /cycles/${cycleId}/open`, as.viewer, {}, 403],
      [
        'a reviewer drafts a cycle',
        'POST /cycles',
        as.reviewer,
        {
          partnershipId: 'sevenoaks-lsp',
          planId: 'community-plan-2019-22',
          label: 'X',
          periodStart: '2021-04-01',
          periodEnd: '2021-06-30',
          dueDate: '2021-07-31',
        },
        403,
      ],
      [
        // Another agency's return is, to an agency lead, one that does not exist.
        'a lead of another agency saves a draft',
        `PUT /returns/${c1}/draft`,
        as.lead('sevenoaks-csp'),
        content,
        404,
      ],
      [
        'an agency lead creates an API token',
        'POST /auth/tokens',
        as.lead('sevenoaks-csp'),
        { name: 'x' },
        403,
      ],
    ];
    for (const [label, route, headers, body, status] of cases) {
      const [method, path] = route.split(' ');
      const response = await call(method, path, headers, body);
      expect({ label, status: response.status }).toEqual({ label, status });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }

    // The lead submits; an agency lead cannot approve; the reviewer who edited it cannot approve it either.
    const lead = as.lead('sevenoaks-csp');
    expect((await call('POST', `/returns/${s1}/submit`, lead, content)).status).toBe(200);
    expect((await call('POST', `/returns/${s1}/approve`, lead)).status).toBe(403);
    expect(
      (await call('POST', `/returns/${s1}/send-back`, as.reviewer, { reason: 'Add the figures' })).status,
    ).toBe(200);
    expect((await call('POST', `/returns/${s1}/submit`, as.reviewer, content)).status).toBe(200);
    const own = await call('POST', `/returns/${s1}/approve`, as.reviewer);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('approver-edited');
    expect((await call('POST', `/returns/${s1}/approve`, as.reviewer2)).status).toBe(200);
  });
});
