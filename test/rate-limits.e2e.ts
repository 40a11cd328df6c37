import { ChildProcess } from 'node:child_process';
import { connect, Socket } from 'node:net';
import { sha256 } from '../libs/kernel/src/index.js';
import {
  LINK_FAILURES_ALLOWED,
  LINK_LOOKUPS_IN_FLIGHT,
  SIGN_IN_ACCOUNT_FAILURES_ALLOWED,
  SIGN_IN_ACCOUNT_IN_FLIGHT,
  SIGN_IN_ADDRESS_FAILURES_ALLOWED,
} from '../libs/auth/src/index.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';
import { spawnApi } from './support/api-process.js';
import { kill } from './support/worker-process.js';
import { postPageForm } from './support/page-form.js';

/**
 * Throttles on guessable secrets under real concurrency: submission-link tokens per address, staff sign-in per
 * address and per account. The apis trust their loopback proxy here, so each request names its client address in
 * X-Forwarded-For (as a proxy in front would). Bursts go to an api in its own process, counting in the same
 * database as the in-process one.
 */
describe('rate limits under concurrency (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let token: string;
  /** A second api in its own process: a burst from this process would share the in-process api's one thread. */
  let apart: { child: ChildProcess; baseUrl: string };
  const lead = sevenoaksPlan()
    .agencies.find((a) => a.id === 'sevenoaks-csp')!
    .contacts.find((c) => c.role === 'lead')!.email;

  beforeAll(async () => {
    product = await startProduct('rate_limits', undefined, { TRUST_PROXY: 'loopback' });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Throttled year',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] });
    const mail = await eventually(async () => product.smtp.mails.find((m) => m.to.includes(lead)));
    token = /\/l\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    apart = await spawnApi(product.config, { TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    if (apart) await kill(apart.child);
    await product.stop();
  });

  const exchange = (linkToken: string, address: string) =>
    fetch(`${product.baseUrl}/l`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-forwarded-for': address,
      },
      body: `token=${encodeURIComponent(linkToken)}`,
    });
  const signIn = (email: string, password: string, address: string) =>
    fetch(`${product.baseUrl}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ email, password }),
    });
  /**
   * Requests that reach the api together: every connection is opened first, then every request is written in
   * the same tick (fetch would open connections one after another while the api already answers the first).
   */
  async function burst(
    requests: { path: string; headers: Record<string, string>; body: string }[],
  ): Promise<{ status: number; headers: Record<string, string>; body: string }[]> {
    const { hostname, port } = new URL(apart.baseUrl);
    const sockets = await Promise.all(
      requests.map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), hostname, () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    const answers = sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => (text += chunk));
          socket.on('close', () => resolve(text));
        }),
    );
    requests.forEach(({ path, headers, body }, i) => {
      const head = Object.entries({
        host: `${hostname}:${port}`,
        connection: 'close',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      sockets[i].write(`POST ${path} HTTP/1.1\r\n${head}\r\n${body}`);
    });
    return (await Promise.all(answers)).map((text) => {
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
    });
  }
  const tally = (statuses: number[]) =>
    statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

  it('lets at most the limit plus the in-flight cap of 300 concurrent wrong link tokens be looked up', async () => {
    const answers = await burst(
      Array.from({ length: 300 }, (_, i) => ({
        path: '/l',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'x-forwarded-for': '198.51.100.1',
        },
        body: `token=${'w'.repeat(40)}${String(i).padStart(3, '0')}`,
      })),
    );
    const counts = tally(answers.map((a) => a.status));
    // 404: looked up and not found. 429: refused before any lookup (too many failures, or too many at once).
    expect(Object.keys(counts).sort()).toEqual(['404', '429']);
    expect(counts[404]).toBeLessThanOrEqual(LINK_FAILURES_ALLOWED + LINK_LOOKUPS_IN_FLIGHT);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toContain('"code":"too-many-attempts"');

    // One at a time, wrong tokens are looked up until the window's failures are used up, and no further.
    let lookups = counts[404];
    for (let i = 0; i < LINK_FAILURES_ALLOWED + 1; i++) {
      const next = await exchange(`${'v'.repeat(40)}${String(i).padStart(3, '0')}`, '198.51.100.1');
      if (next.status === 429) break;
      expect(next.status).toBe(404);
      lookups += 1;
    }
    expect(lookups).toBeGreaterThanOrEqual(LINK_FAILURES_ALLOWED);
    expect(lookups).toBeLessThanOrEqual(LINK_FAILURES_ALLOWED + LINK_LOOKUPS_IN_FLIGHT);
    // The address stays refused, even with the right token; another address is not.
    const blocked = await exchange(token, '198.51.100.1');
    expect(blocked.status).toBe(429);
    const ofBlocked = (await blocked.json()) as { title: string };
    expect(ofBlocked.title).toMatch(
      /^Too many links that did not work from your address\. Try again in 1[45] minutes\.$/,
    );
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect((await exchange(token, '198.51.100.2')).status).toBe(303);
  });

  /**
   * Failures already counted for a subject, as if earlier attempts had failed: every wrong password costs an
   * argon2 verification (about a second, more on a busy machine), so the tests make only the last few.
   */
  const alreadyFailed = (kind: string, subject: string, failures: number) =>
    product.db.dataSource.query(
      `INSERT INTO attempt_throttles (key_hash, kind, window_started_at, failures, in_flight)
       VALUES ($1, $2, now(), $3, 0)`,
      [sha256(`${kind}:${subject}`), kind, failures],
    );

  it('throttles sign-in per account: past the limit even the right password waits, from any address', async () => {
    await alreadyFailed('sign-in-account', STAFF.viewer, SIGN_IN_ACCOUNT_FAILURES_ALLOWED - 1);
    expect((await signIn(STAFF.viewer.toUpperCase(), 'not the password', '192.0.2.10')).status).toBe(401);
    const refused = await signIn(STAFF.viewer, PASSWORD, '192.0.2.99');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const problem = (await refused.json()) as { code: string; title: string };
    expect(problem.code).toBe('too-many-attempts');
    expect(problem.title).toMatch(
      /^Too many failed sign-ins to this account\. Try again in 1[45] minutes\.$/,
    );
    // Another account from the same addresses is not affected.
    expect((await signIn(STAFF.reviewer2, PASSWORD, '192.0.2.10')).status).toBe(200);
  });

  it('throttles sign-in per address, whichever accounts are tried, and says so on the page', async () => {
    await alreadyFailed('sign-in-address', '203.0.113.5', SIGN_IN_ADDRESS_FAILURES_ALLOWED - 1);
    expect((await signIn('guess@example.org', 'not the password', '203.0.113.5')).status).toBe(401);
    const refused = await signIn(STAFF.reviewer, PASSWORD, '203.0.113.5');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { title: string }).title).toMatch(
      /^Too many failed sign-ins from your address\. Try again in 1[45] minutes\.$/,
    );
    expect((await signIn(STAFF.reviewer, PASSWORD, '203.0.113.6')).status).toBe(200);

    // The sign-in page answers the same refusal as a page, with the form to try again later.
    const form = await postPageForm(product.baseUrl, {
      from: '/sign-in',
      headers: { 'x-forwarded-for': '203.0.113.5' },
      fields: { email: STAFF.reviewer, password: PASSWORD },
    });
    expect(form.status).toBe(429);
    expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(form.html).toContain('Too many failed sign-ins from your address.');
    expect(form.html).toContain('name="password"');
  });

  it('verifies at most the failures left plus the in-flight cap of 300 concurrent wrong passwords for one account', async () => {
    const left = 2;
    await alreadyFailed('sign-in-account', STAFF.coordinator, SIGN_IN_ACCOUNT_FAILURES_ALLOWED - left);
    const answers = await burst(
      Array.from({ length: 300 }, (_, i) => ({
        path: '/auth/sign-in',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `10.${Math.floor(i / 250)}.${i % 250}.1`,
        },
        body: JSON.stringify({ email: STAFF.coordinator, password: 'not the password' }),
      })),
    );
    const counts = tally(answers.map((a) => a.status));
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    // Each 401 cost an argon2 verification; each 429 none.
    expect(counts[401]).toBeGreaterThanOrEqual(1);
    expect(counts[401]).toBeLessThanOrEqual(left + SIGN_IN_ACCOUNT_IN_FLIGHT);
    const [row] = await product.db.dataSource.query(
      `SELECT failures, in_flight FROM attempt_throttles WHERE key_hash = $1`,
      [sha256(`sign-in-account:${STAFF.coordinator}`)],
    );
    expect(row).toEqual({ failures: SIGN_IN_ACCOUNT_FAILURES_ALLOWED - left + counts[401], in_flight: 0 });
  });
});
