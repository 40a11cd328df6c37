import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import { importPlan } from '../libs/plan/src/index.js';
import { cycleStreamId } from '../libs/returns/src/index.js';
import { inTurnWhileHeld } from './support/held-row.js';
import { postPageForm } from './support/page-form.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  SEVENOAKS_FILE,
  STAFF,
  sevenoaksPlan,
  startProduct,
} from './support/product.js';

const LOG_FILE = join(tmpdir(), `pr-links-${process.pid}.log`);

/** Submission links: mailed, exchanged for a short session, scoped, revocable, rate-limited, never logged. */
describe('submission links (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const cspLead = csp.contacts.find((c) => c.role === 'lead')!.email;

  const openCycle = async (headers: Record<string, string>, partnershipId: string, label: string) => {
    const drafted = await call('POST', '/cycles', headers, {
      partnershipId,
      planId: 'community-plan-2019-22',
      label,
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, headers, { measureRefs: ['S1', 'S2', 'C1'] });
    return drafted.body.id as string;
  };
  /** The link in the newest mail to `email` about the cycle labelled `label` (waiting for `count` of them). */
  const tokenFor = async (email: string, label = 'Year 2 2020/21', count = 1) => {
    const mails = await eventually(async () => {
      const mine = product.smtp.mails.filter((m) => m.to.includes(email) && m.subject.includes(label));
      return mine.length >= count ? mine : null;
    });
    const match = /\/l\/([A-Za-z0-9_-]{43})/.exec(mails[mails.length - 1].text);
    expect(match).not.toBeNull();
    return match![1];
  };
  /** What a browser does on Continue; `accept: 'application/json'` is an API client doing the same. */
  const exchange = (token: string, accept = 'text/html') =>
    fetch(`${product.baseUrl}/l`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
      body: `token=${encodeURIComponent(token)}`,
    });
  /** A GET of the path exactly as written: no URL parser between it and the server to tidy its slashes or dots. */
  const rawGet = (path: string, accept: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(product.baseUrl);
      const req = request(
        { host: url.hostname, port: url.port, path, method: 'GET', headers: { accept } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (piece: string) => (body += piece));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const sessionFrom = (response: Response) => ({
    cookie: (response.headers.get('set-cookie') ?? '').split(';')[0],
    origin: product.baseUrl,
  });

  beforeAll(async () => {
    rmSync(LOG_FILE, { force: true });
    product = await startProduct('links', undefined, { LOG_LEVEL: 'debug', LOG_FILE });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(as.coordinator, 'sevenoaks-lsp', 'Year 2 2020/21');
  });
  afterAll(async () => {
    await product.stop();
    rmSync(LOG_FILE, { force: true });
  });

  it('mails each agency lead a link whose GET changes nothing and whose POST opens a session', async () => {
    const token = await tokenFor(cspLead);
    const mail = product.smtp.mails.find((m) => m.to.includes(cspLead))!;
    expect(mail.text).toContain(`${product.config.publicBaseUrl}/l/${token}`);
    const before = await product.store.readStream(cycleStreamId(cycleId));

    const page = await fetch(`${product.baseUrl}/l/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('strict-origin');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(await page.text()).toMatch(/<button type="submit"[^>]*>\s*Continue\s*<\/button>/);
    expect(await product.store.readStream(cycleStreamId(cycleId))).toHaveLength(before.length);

    const used = await exchange(token);
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe(`/agency/cycles/${cycleId}`);
    expect(used.headers.get('referrer-policy')).toBe('no-referrer');
    expect(used.headers.get('set-cookie')).toMatch(/^pr_session=.*HttpOnly/);
    const after = await product.store.readStream(cycleStreamId(cycleId));
    expect(after[after.length - 1]).toMatchObject({
      type: 'SubmissionLinkUsed',
      metadata: { actorId: cspLead, actorRole: 'agency-lead' },
    });

    const lead = sessionFrom(used);
    const cycle = await call('GET', `/cycles/${cycleId}`, lead);
    expect(cycle.body.returns.map((r: { measureRef: string }) => r.measureRef)).toEqual(['S1', 'S2']);
    expect((await call('PUT', `/returns/${cycleId}.S1/draft`, lead, { rag: 'amber' })).status).toBe(200);
    expect((await call('PUT', `/returns/${cycleId}.C1/draft`, lead, { rag: 'amber' })).status).toBe(404);
    expect((await call('GET', `/returns/${cycleId}.C1`, lead)).status).toBe(404);
  });

  it('stores only the SHA-256 of a token, and puts no token in job data', async () => {
    const token = await tokenFor(cspLead);
    const hash = createHash('sha256').update(token).digest('hex');
    const issued = await product.db.dataSource.query(
      `SELECT data FROM events WHERE type = 'SubmissionLinkIssued' AND data->>'tokenHash' = $1`,
      [hash],
    );
    expect(issued).toHaveLength(1);
    const anywhere = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1 OR metadata::text LIKE $1`,
      [`%${token}%`],
    );
    expect(anywhere[0].n).toBe(0);
    const redis = new Redis(product.config.redisUrl);
    try {
      const keys = await redis.keys(`${product.config.queuePrefix}:mail:*`);
      const jobs = keys.filter((k) => /:mail:[^:]+$/.test(k));
      expect(jobs.length).toBeGreaterThan(0);
      for (const key of jobs) {
        if ((await redis.type(key)) !== 'hash') continue;
        const job = await redis.hgetall(key);
        expect(JSON.stringify(job)).not.toContain(token);
        expect(JSON.stringify(job)).not.toContain(hash);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('keeps a link to its own cycle and partnership', async () => {
    const lead = sessionFrom(await exchange(await tokenFor(cspLead)));
    const laterCycle = await openCycle(as.coordinator, 'sevenoaks-lsp', 'Year 3 2021/22');
    expect((await call('GET', `/cycles/${laterCycle}`, lead)).status).toBe(404);
    expect((await call('GET', `/returns/${laterCycle}.S1`, lead)).status).toBe(404);
    expect((await call('PUT', `/returns/${laterCycle}.S1/draft`, lead, { rag: 'red' })).status).toBe(404);

    const other = sevenoaksPlan();
    other.partnership.id = 'other-lsp';
    for (const agency of other.agencies) for (const c of agency.contacts) c.email = `other.${c.email}`;
    await importPlan(product.store, other, {
      actorId: 'test',
      actorRole: 'coordinator',
      correlationId: 'other',
    });
    const otherCycle = await openCycle(as.otherCoordinator, 'other-lsp', 'Their year');
    expect((await call('GET', `/cycles/${otherCycle}`, lead)).status).toBe(404);
    expect((await call('GET', `/cycles/${otherCycle}`, as.coordinator)).status).toBe(404);
    expect((await call('GET', `/returns/${otherCycle}.S1`, as.coordinator)).status).toBe(404);
    expect((await call('GET', `/cycles/${cycleId}`, as.otherCoordinator)).status).toBe(404);
    expect((await call('GET', `/cycles/${cycleId}/links`, as.otherCoordinator)).status).toBe(404);
    // The other partnership's lead links work for their own cycle.
    const theirs = await exchange(await tokenFor(`other.${cspLead}`, 'Their year'));
    expect(theirs.headers.get('location')).toBe(`/agency/cycles/${otherCycle}`);
  });

  it('revokes and reissues: the old link answers 410 and its sessions end; the new one works', async () => {
    const oldToken = await tokenFor(cspLead);
    const oldSession = sessionFrom(await exchange(oldToken));

    expect(
      (
        await call('POST', `/cycles/${cycleId}/agencies/sevenoaks-csp/links/reissue`, as.reviewer, {
          reason: 'x',
        })
      ).status,
    ).toBe(403);
    const reissued = await call(
      'POST',
      `/cycles/${cycleId}/agencies/sevenoaks-csp/links/reissue`,
      as.coordinator,
      {
        reason: 'The link was forwarded to the wrong person',
      },
    );
    expect(reissued.status).toBe(200);
    expect(reissued.body.revoked).toHaveLength(1);
    expect(reissued.body.issued).toHaveLength(1);

    const revoked = await exchange(oldToken);
    expect(revoked.status).toBe(410);
    expect(await revoked.text()).toContain('This link has been replaced');
    const revokedApi = await exchange(oldToken, 'application/json');
    expect(revokedApi.headers.get('content-type')).toContain('application/problem+json');
    expect(((await revokedApi.json()) as { code: string }).code).toBe('link-revoked');
    expect((await call('GET', `/cycles/${cycleId}`, oldSession)).status).toBe(401);

    const newToken = await tokenFor(cspLead, 'Year 2 2020/21', 2);
    expect(newToken).not.toBe(oldToken);
    expect((await exchange(newToken)).status).toBe(303);

    const links = await call('GET', `/cycles/${cycleId}/links`, as.coordinator);
    const mine = links.body.links.filter((l: { contactEmail: string }) => l.contactEmail === cspLead);
    expect(mine.map((l: { revoked: boolean; uses: number }) => [l.revoked, l.uses])).toEqual([
      [true, 3],
      [false, 1],
    ]);
  });

  /**
   * A cycle of its own with the CSP lead's link, its stream's row held (FOR UPDATE) while `first` and then
   * `second` start, so that each waits at its append in that order; the row is let go once both wait.
   */
  async function raceAtHeldCycle<A, B>(
    label: string,
    first: (raced: { cycleId: string; token: string; linkId: string }) => Promise<A>,
    second: (raced: { cycleId: string; token: string; linkId: string }) => Promise<B>,
  ) {
    const cycleId = await openCycle(as.coordinator, 'sevenoaks-lsp', label);
    const token = await tokenFor(cspLead, label);
    const links = await call('GET', `/cycles/${cycleId}/links`, as.coordinator);
    const { linkId } = links.body.links.find((l: { contactEmail: string }) => l.contactEmail === cspLead);
    const raced = { cycleId, token, linkId };
    const [one, two] = await inTurnWhileHeld(product.db, cycleStreamId(cycleId), [
      () => first(raced),
      () => second(raced),
    ]);
    return { ...raced, first: Promise.resolve(one), second: Promise.resolve(two) };
  }

  const revokeLink = ({ cycleId, linkId }: { cycleId: string; linkId: string }) =>
    call('POST', `/cycles/${cycleId}/links/${linkId}/revoke`, as.coordinator, {
      reason: 'The link was leaked',
    });

  /**
   * An attacker's probe (2026-12-05) used a leaked link in a loop while the coordinator revoked it: 2 of 3 runs
   * left sessions of the revoked link alive for their 4 hours. The use had read the link live, the revoke then
   * appended and deleted the link's sessions, and the use appended (at any version) and made its session after.
   * Here the cycle's row is held so that the revoke and then the use both wait at their appends, in that order.
   */
  it('refuses a reason over 2000 characters on the links page, beside its box, and changes nothing', async () => {
    const page = `/coordinate/cycles/${encodeURIComponent(cycleId)}/links`;
    const listed = (await call('GET', `/cycles/${cycleId}/links`, as.coordinator)).body.links as {
      linkId: string;
      agencyId: string;
      revoked: boolean;
    }[];
    const live = listed.find((l) => !l.revoked)!;
    const events = async () => (await product.store.readStream(cycleStreamId(cycleId))).length;
    const before = await events();
    const tooLong = 'x'.repeat(2001);
    // Cut at 2000 characters without a word before, and the link revoked (or reissued) with the cut reason.
    for (const [to, box] of [
      [`${page}/${encodeURIComponent(live.linkId)}/revoke`, `reason-revoke-${live.linkId}`],
      [`${page}/agencies/${encodeURIComponent(live.agencyId)}/reissue`, `reason-reissue-${live.agencyId}`],
    ]) {
      const refused = await postPageForm(product.baseUrl, {
        from: page,
        to,
        headers: as.coordinator,
        fields: { reason: `  ${tooLong}  ` },
      });
      expect([to, refused.status]).toEqual([to, 422]);
      expect(refused.html).toContain('The reason must be 2000 characters or fewer');
      expect(refused.html).toContain(`href="#${box}"`);
      // Beside the box, with what was typed in it.
      expect(refused.html).toMatch(new RegExp(`id="${box}-error"[^]*?id="${box}"[^>]*value="\\s*${tooLong}`));
    }
    expect(await events()).toBe(before);
    expect((await call('GET', `/cycles/${cycleId}/links`, as.coordinator)).body.links).toEqual(listed);
    // The API says the same of the same reason.
    const api = await call('POST', `/cycles/${cycleId}/links/${live.linkId}/revoke`, as.coordinator, {
      reason: tooLong,
    });
    expect(api.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(api.body)).toContain('reason');
  });

  it('refuses a reason over 2000 characters on the dashboard’s reissue, though the agency has no live link', async () => {
    const listed = (await call('GET', `/cycles/${cycleId}/links`, as.coordinator)).body.links as {
      linkId: string;
      agencyId: string;
      revoked: boolean;
    }[];
    const agencyId = listed.find((l) => l.agencyId !== 'sevenoaks-csp')!.agencyId;
    for (const link of listed.filter((l) => l.agencyId === agencyId && !l.revoked)) {
      const revoked = await call('POST', `/cycles/${cycleId}/links/${link.linkId}/revoke`, as.coordinator, {
        reason: 'Sent to the wrong person',
      });
      expect(revoked.status).toBe(200);
    }
    const events = async () => (await product.store.readStream(cycleStreamId(cycleId))).length;
    const before = await events();
    const dashboard = `/coordinate/cycles/${encodeURIComponent(cycleId)}`;
    const reissue = (reason: string) =>
      postPageForm(product.baseUrl, {
        from: dashboard,
        to: `${dashboard}/reissue-links`,
        headers: as.coordinator,
        fields: { agencyId, reason },
      });
    // No RevokeLink decision to check it: before, new links were sent with all of it in their events' metadata.
    const refused = await reissue('x'.repeat(2001));
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('The reason must be 2000 characters or fewer');
    expect(await events()).toBe(before);
    const sent = await reissue('Lost the email');
    expect([sent.status, decodeURIComponent(sent.location!)]).toEqual([
      303,
      expect.stringContaining('done='),
    ]);
    expect(await events()).toBeGreaterThan(before);
  });

  it('leaves no session of a link revoked while it was being used', async () => {
    const {
      linkId,
      first: revoke,
      second: use,
    } = await raceAtHeldCycle('Raced year', revokeLink, (r) => exchange(r.token));
    expect((await revoke).status).toBe(200);
    const used = await use;
    const [{ n }] = await product.db.dataSource.query(
      'SELECT count(*)::int AS n FROM sessions WHERE link_id = $1',
      [linkId],
    );
    expect({ status: used.status, sessionsOfRevokedLink: n }).toEqual({
      status: 410,
      sessionsOfRevokedLink: 0,
    });
    expect((await call('GET', '/auth/me', sessionFrom(used))).status).toBe(401);
  });

  /**
   * The same probe, the other way round: each use of the link is written to the cycle, so a revoke decided on the
   * cycle as read was refused (409 stale-version) whenever a use landed first, and a holder using the link in a
   * loop kept the coordinator from revoking it (6 tries in a row refused). A revoke or reissue is decided again
   * on the cycle as it now stands, and ends the session of the use that came first.
   */
  it('revokes a link whose use landed between the revoke reading the cycle and writing it', async () => {
    const {
      token,
      first: use,
      second: revoke,
    } = await raceAtHeldCycle('Busy year', (r) => exchange(r.token), revokeLink);
    const used = await use;
    expect(used.status).toBe(303);
    expect((await revoke).status).toBe(200);
    expect((await call('GET', '/auth/me', sessionFrom(used))).status).toBe(401);
    expect((await exchange(token)).status).toBe(410);
  });

  /**
   * Every use of a link is written to the cycle, so closing a cycle while its leads opened their links was
   * refused (409 stale-version) whenever a use landed between the close reading the cycle and writing it: the
   * coordinator had stated no version, and the use changes nothing the close decides on. It is decided again on
   * the cycle as it now stands. A close that states the version it saw (If-Match) is still refused.
   */
  it('closes a cycle whose link was used between the close reading the cycle and writing it', async () => {
    const closeCycle = ({ cycleId }: { cycleId: string }) =>
      call('POST', `/cycles/${cycleId}/close`, as.coordinator, { force: true, reason: 'Year end' });
    const {
      token,
      first: use,
      second: close,
    } = await raceAtHeldCycle('Closing year', (r) => exchange(r.token), closeCycle);
    expect((await use).status).toBe(303);
    expect((await close).status).toBe(200);
    expect((await exchange(token)).status).toBe(410);

    const stated = await raceAtHeldCycle(
      'Stated year',
      (r) => exchange(r.token),
      async ({ cycleId }) => {
        const seen = await call('GET', `/cycles/${cycleId}`, as.coordinator);
        const ifMatch = { ...as.coordinator, 'if-match': seen.headers.get('etag')! };
        return call('POST', `/cycles/${cycleId}/close`, ifMatch, { force: true, reason: 'Year end' });
      },
    );
    expect((await stated.first).status).toBe(303);
    expect((await stated.second).status).toBe(409);

    // The report's headings, set while the cycle is open, the same way.
    const headings = await raceAtHeldCycle(
      'Headed year',
      (r) => exchange(r.token),
      ({ cycleId }) =>
        call('PUT', `/cycles/${cycleId}/report-headings`, as.coordinator, { reportTitle: 'Our year' }),
    );
    expect((await headings.first).status).toBe(303);
    expect((await headings.second).status).toBe(200);
  });

  /**
   * Staff sign-in ends the session a browser held before; the link's Continue did not, so a staff session left
   * in a shared browser stayed valid after a lead opened their link there (an attacker's probe).
   */
  it('ends the session the browser held before when a link is used', async () => {
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    const staffCookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const token = await tokenFor(cspLead);
    const used = await fetch(`${product.baseUrl}/l`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: staffCookie },
      body: `token=${encodeURIComponent(token)}`,
    });
    expect(used.status).toBe(303);
    expect((await call('GET', '/auth/me', { cookie: staffCookie })).status).toBe(401);
    expect((await call('GET', '/auth/me', sessionFrom(used))).body.actor.role).toBe('agency-lead');
  });

  it('expires every link when the cycle closes, and ends the sessions they opened', async () => {
    const closingCycle = await openCycle(as.coordinator, 'sevenoaks-lsp', 'Closing soon');
    const token = await tokenFor(cspLead, 'Closing soon');
    const session = sessionFrom(await exchange(token));
    expect((await call('GET', `/returns/${closingCycle}.S1`, session)).status).toBe(200);
    const closed = await call('POST', `/cycles/${closingCycle}/close`, as.coordinator, {
      force: true,
      reason: 'Closed early for the test',
    });
    expect(closed.status).toBe(200);
    // The session a link opened is over with its cycle: no more reading, writing or messages to staff.
    expect((await call('GET', '/auth/me', session)).status).toBe(401);
    expect(
      (await call('POST', `/returns/${closingCycle}.S1/messages`, session, { body: 'Still here' })).status,
    ).toBe(401);
    const expired = await exchange(token);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    expect(((await (await exchange(token, 'application/json')).json()) as { code: string }).code).toBe(
      'link-expired',
    );
  });

  it('never writes a token to the logs', async () => {
    const token = await tokenFor(cspLead, 'Year 2 2020/21', 2);
    await fetch(`${product.baseUrl}/l/${token}`);
    await exchange(token);
    // The address as typed, mistyped or as a proxy might pass it on, sent as it is (fetch would tidy some of it),
    // as a page and as an API call whose problem+json names the address in its instance.
    const addresses = [
      `//l/${token}`,
      `///l//${token}`,
      `/./l/${token}`,
      `/x/../l/${token}`,
      `/L/${token}/`,
      `/l%2F${token}`,
      `/l%252F${token}`,
      `/%6C/${token}`,
      `/l;x/${token}`,
      `//account//set-password/${token}`,
    ];
    for (const address of addresses)
      for (const accept of ['text/html', 'application/json']) {
        const answer = await rawGet(address, accept);
        const routed = address === `/L/${token}/`;
        // Only the landing page of a link that works carries its token, in its Continue form, as it always has;
        // a 404's problem+json names the address (instance, and Nest's "Cannot GET …") without it.
        expect([address, accept, answer.status, answer.body.includes(token)]).toEqual([
          address,
          accept,
          routed ? 200 : 404,
          routed,
        ]);
      }
    const log = readFileSync(LOG_FILE, 'utf8');
    expect(log).toContain('/l/[token]');
    expect(log).toContain('//l/[token]');
    expect(log).not.toContain(token);
    expect(log).not.toMatch(/pr_session=[A-Za-z0-9_-]{10}/);
  });

  it('rate-limits failed link attempts per address, even for a valid token after the limit', async () => {
    const token = await tokenFor(cspLead, 'Year 2 2020/21', 2);
    await product.db.dataSource.query('DELETE FROM attempt_throttles');
    for (let i = 0; i < 10; i++) {
      // A client cannot step round the limit by naming another address: no proxy is trusted by default.
      const bad = await fetch(`${product.baseUrl}/l`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `192.0.2.${i}` },
        body: `token=${'x'.repeat(42)}${i}`,
      });
      expect(bad.status).toBe(404);
    }
    const blocked = await exchange(token, 'application/json');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await blocked.json()) as { code: string }).code).toBe('too-many-attempts');
    const page = await exchange(token);
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('Too many links that did not work from your address.');
    await product.db.dataSource.query('DELETE FROM attempt_throttles');
    expect((await exchange(token)).status).toBe(303);
  });

  it('ends the sessions of a contact left out of a plan file imported through the API', async () => {
    const daniel = 'daniel.pryce@example.org';
    const token = await tokenFor(daniel);
    await product.db.dataSource.query('DELETE FROM attempt_throttles');
    const session = sessionFrom(await exchange(token));
    expect((await call('GET', '/auth/me', session)).status).toBe(200);
    const hannah = sessionFrom(await exchange(await tokenFor('hannah.okafor@example.org')));

    const yaml = readFileSync(SEVENOAKS_FILE, 'utf8');
    const without = yaml.replace(
      '      - name: Daniel Pryce\n        email: daniel.pryce@example.org\n        role: lead\n',
      '',
    );
    expect(without).not.toBe(yaml);
    const imported = await call('POST', '/plan/import', as.coordinator, { yaml: without });
    expect(imported.status).toBe(200);
    expect(imported.body.changes).toEqual([{ type: 'AgencyContactRemoved', count: 1 }]);

    expect((await call('GET', '/auth/me', session)).status).toBe(401);
    expect((await exchange(token, 'application/json')).status).toBe(410);
    // The agency's other lead, still listed, goes on.
    expect((await call('GET', '/auth/me', hannah)).status).toBe(200);
  });

  // Last: it takes the agency's lead out of the plan.
  it('ends the sessions of a contact removed from the plan, and their link no longer opens', async () => {
    const token = await tokenFor(cspLead, 'Year 2 2020/21', 2);
    await product.db.dataSource.query('DELETE FROM attempt_throttles');
    const session = sessionFrom(await exchange(token));
    expect((await call('GET', '/auth/me', session)).status).toBe(200);

    // As the coordinator's browser does it on the plan page: another lead is added, then this one removed.
    const form = async (path: string, fields: Record<string, string>) => {
      const saved = await postPageForm(product.baseUrl, {
        from: path,
        headers: as.coordinator,
        fields: (html) => ({ ...fields, version: /name="version" value="([^"]+)"/.exec(html)![1] }),
      });
      expect([path, saved.status]).toEqual([path, 303]);
    };
    await form('/coordinate/plan/contact/new', {
      agency: 'sevenoaks-csp',
      name: 'New Lead',
      email: 'new.lead@csp.example.org',
      role: 'lead',
    });
    await form(`/coordinate/plan/contact/${encodeURIComponent(`sevenoaks-csp~${cspLead}`)}/remove`, {});

    expect((await call('GET', '/auth/me', session)).status).toBe(401);
    const refused = await exchange(token, 'application/json');
    expect(refused.status).toBe(410);
    expect(((await refused.json()) as { code: string }).code).toBe('link-contact-removed');
    // Its landing page says it no longer works, as for a revoked link, and offers no way on.
    const landing = await (await fetch(`${product.baseUrl}/l/${token}`)).text();
    expect(landing).not.toContain('name="token"');
    // The coordinator's list says so too, beside the link.
    const links = await call('GET', `/cycles/${cycleId}/links`, as.coordinator);
    const removed = links.body.links.filter((l: { contactEmail: string }) => l.contactEmail === cspLead);
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((l: { contactRemoved: boolean }) => l.contactRemoved)).toBe(true);
    const page = await fetch(`${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/links`, {
      headers: as.coordinator,
    });
    expect(await page.text()).toContain('No longer works: contact removed from the plan');
  });
});
