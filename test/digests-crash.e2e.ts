import { ChildProcess } from 'node:child_process';
import { INestApplicationContext } from '@nestjs/common';
import { startWorker } from '../apps/worker/src/main.js';
import { AuthService } from '../libs/auth/src/index.js';
import { as, eventually, http, importSevenoaks, PASSWORD, Product, startProduct } from './support/product.js';
import { untilQuiet } from './support/processors.js';
import { kill, spawnWorker } from './support/worker-process.js';

const INTERVAL_MS = 4_000;
const ENV = {
  DIGEST_INTERVAL_MS: String(INTERVAL_MS),
  // The worker's own scan finds the closed window soon after it closes.
  CHASE_SCAN_EVERY_MS: '1000',
  MAIL_RATE_PER_MINUTE: '6000',
  MAIL_RETRY_DELAY_MS: '100',
  JOB_LOCK_MS: '1500',
  MAIL_CLAIM_LEASE_MS: '1500',
  MAIL_RECONCILE_EVERY_MS: '1000',
  MAIL_CONCURRENCY: '4',
};
/** Eight reviewers on the default (a digest each), so the kill lands with some digests sent and some in flight. */
const REVIEWERS = Array.from({ length: 8 }, (_, i) => `reviewer${i + 1}@crash.example.org`);

/**
 * A worker killed outright (SIGKILL) while it sends a window's digests, then started again: every reviewer gets
 * their digest, and a second copy only of one the SMTP server had accepted before the kill (the ledger's one
 * named gap). Real time, with windows of a few seconds, since the worker in its own process keeps its own clock.
 */
describe('digests through a worker crash (e2e)', () => {
  let product: Product;
  let child: ChildProcess | null = null;
  let restarted: INestApplicationContext | null = null;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('digest_crash', undefined, ENV);
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    for (const email of REVIEWERS)
      await product.api.get(AuthService).createStaff({
        partnershipId: 'sevenoaks-lsp',
        email,
        name: email.split('@')[0],
        role: 'reviewer',
        password: PASSWORD,
      });
  });
  afterAll(async () => {
    if (child) await kill(child);
    await restarted?.close();
    await product.stop();
  });

  it('neither loses nor doubles a digest when the worker is killed mid-way and started again', async () => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Crash digests',
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
      dueDate: '2030-04-30',
      cycleId: 'crash',
    });
    expect(drafted.status).toBe(201);
    expect(
      (await call('POST', '/cycles/crash/open', as.coordinator, { measureRefs: ['S1', 'S2'] })).status,
    ).toBe(200);
    const session = await product.api.get(AuthService).createLinkSession({
      linkId: 'test-csp',
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId: 'sevenoaks-csp',
      contactEmail: 'priya.shah@example.org',
    });
    const lead = { cookie: `pr_session=${session}`, origin: product.baseUrl };

    // Only the worker in its own process runs from here, against a slow mail server.
    await product.worker.close();
    child = spawnWorker(product.config, ENV);
    product.smtp.delayMs = 1_000;

    // Both submissions early in one window, so one digest each lists both.
    await eventually(async () => Date.now() % INTERVAL_MS < INTERVAL_MS / 4, 10_000);
    for (const ref of ['S1', 'S2'])
      expect(
        (
          await call('POST', `/returns/${drafted.body.id}.${ref}/submit`, lead, {
            rag: 'green',
            narrative: 'On track.',
          })
        ).status,
      ).toBe(200);

    const digests = () => product.smtp.mails.filter((m) => / returns? submitted$/.test(m.subject));
    const inFlight = () =>
      product.smtp.offered.filter(
        (m) =>
          / returns? submitted$/.test(m.subject) &&
          !product.smtp.mails.includes(m) &&
          Date.now() - (m.receivedAt ?? 0) < 300,
      );
    await eventually(async () => digests().length >= 2 && inFlight().length > 0, 60_000);
    // No 250 from here on: what was accepted so far had its 250 before the kill.
    const acceptedBeforeKill = new Set(product.smtp.hold().flatMap((m) => m.to));
    await kill(child);
    child = null;
    product.smtp.release();
    expect(acceptedBeforeKill.size).toBeLessThan(REVIEWERS.length + 2);
    const claimed = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'DigestClaimed'`,
    );
    expect(claimed[0].n).toBeGreaterThan(digests().length); // digests were in flight when it died

    product.smtp.delayMs = 0;
    restarted = await startWorker(product.config, { relayPollIntervalMs: 25 });
    // Rita and Raj (every theme) and the eight: ten digests, each listing both returns.
    const everyone = ['rita@sevenoaks.example.org', 'raj@sevenoaks.example.org', ...REVIEWERS];
    await eventually(async () => everyone.every((to) => digests().some((m) => m.to.includes(to))), 30_000);
    await untilQuiet(product);
    for (const to of everyone) {
      const mine = digests().filter((m) => m.to.includes(to));
      // A second copy only of a digest the server had accepted before the kill (died between 250 and record).
      expect({ to, copies: mine.length }).toEqual({
        to,
        copies: acceptedBeforeKill.has(to) ? mine.length : 1,
      });
      expect(mine.length).toBeLessThanOrEqual(2);
      expect(mine[0].subject).toMatch(/: 2 returns submitted$/);
    }
    const sent = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'DigestSent'`,
    );
    expect(sent[0].n).toBeGreaterThanOrEqual(everyone.length);
  });
});
