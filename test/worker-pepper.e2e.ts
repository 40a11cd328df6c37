import { INestApplicationContext, Logger } from '@nestjs/common';
import { startWorker } from '../apps/worker/src/main.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle } from './support/reporting.js';

/**
 * A worker whose TOKEN_PEPPER is not the api's would mail every lead a link the api does not recognise, and
 * record it sent (an operator's test: 60 of 60). It checks each token against the hash the link was issued with
 * and sends nothing instead; started again with the right pepper, it sends each link once, and the link works.
 */
describe('a worker with another TOKEN_PEPPER than the api (e2e)', () => {
  let product: Product;
  let wrong: INestApplicationContext | null = null;
  let right: INestApplicationContext | null = null;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('worker_pepper', undefined, { MAIL_RETRY_DELAY_MS: '100' });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    await wrong?.close();
    await right?.close();
    await product.stop();
  });

  const linkMails = () => product.smtp.mails.filter((m) => /\/l\/[A-Za-z0-9_-]+/.test(m.text ?? ''));
  const linksSent = async () =>
    (
      await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE type = 'LinkMailSent' AND stream_id LIKE 'link-mail:sevenoaks-lsp~pepper:%'`,
      )
    )[0].n as number;

  it('sends no link it cannot vouch for, and each link once the pepper is right', async () => {
    await product.worker.close();
    const warned = jest.spyOn(Logger.prototype, 'warn');
    wrong = await startWorker({ ...product.config, tokenPepper: 'another pepper, 32 characters long' });
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'pepper',
        label: 'Pepper cycle',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'C3'],
    );
    // The relay hands the mails over and the attempts fail: give them time to have gone, had they been sent.
    await eventually(
      async () =>
        (
          await product.db.dataSource.query(
            `SELECT count(*)::int AS n FROM owed_mails WHERE job_name = 'submission-link-mail' AND settled_at IS NULL`,
          )
        )[0].n >= 2,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(linkMails()).toHaveLength(0);
    expect(await linksSent()).toBe(0);
    // And the operator is told, in the worker's log, at the first failed attempt rather than hours later.
    const told = warned.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes('TOKEN_PEPPER'));
    expect(told[0]).toMatch(
      /^submission-link-mail job \S+ failed, attempt 1 of \d+, will retry: .*TOKEN_PEPPER/,
    );
    await wrong.close();
    wrong = null;

    // The same worker with the api's pepper: the mail still owed goes (reconciliation at start), once each.
    right = await startWorker(product.config, { relayPollIntervalMs: 25 });
    await eventually(async () => (await linksSent()) >= 2, 30_000);
    const mails = linkMails();
    expect(new Set(mails.flatMap((m) => m.to)).size).toBe(mails.length);
    const token = /\/l\/([A-Za-z0-9_-]+)/.exec(mails[0].text ?? '')![1];
    const exchanged = await fetch(`${product.baseUrl}/l`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}`,
      redirect: 'manual',
    });
    expect(exchanged.status).toBeLessThan(400);
  });
});
