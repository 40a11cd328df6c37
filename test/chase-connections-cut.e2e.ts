import { Client } from 'pg';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { untilQuiet } from './support/processors.js';
import { MAIL_CRASH_ENV, openCycleOfSevenLeads } from './support/mail-crash.js';

/**
 * An operator's probe: every connection of the deployment's database ended (pg_terminate_backend, as a failover or
 * a DBA does) over and over for 6 s while a chase's mails go out through a slow mail server. The processors, the
 * mail ledger and the api carry on with new connections without a restart, and each mail goes once (68 connections
 * ended in one run). Only this test's own database is touched.
 */
describe('a chase while the database ends every connection (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let killer: Client;

  beforeAll(async () => {
    product = await startProduct('chase_cut', undefined, MAIL_CRASH_ENV);
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    killer = new Client({ connectionString: product.db.url });
    await killer.connect();
  });
  afterAll(async () => {
    await killer.end();
    await product.stop();
  });

  it('sends each chase mail once, recorded once, with no restart', async () => {
    await openCycleOfSevenLeads(product, call, 'cut', 'Cut cycle');
    product.smtp.delayMs = 800;
    const chaseMails = () => product.smtp.mails.filter((m) => m.subject.includes('Please send'));
    const chased = await call('POST', '/cycles/cut/chase', as.coordinator);
    expect(chased.status).toBe(202);
    await eventually(async () => product.smtp.offered.some((m) => m.subject.includes('Please send')), 30_000);
    let terminated = 0;
    const until = Date.now() + 6_000;
    while (Date.now() < until) {
      const { rows } = await killer.query(
        `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()) t`,
      );
      terminated += rows[0].n;
      await new Promise((r) => setTimeout(r, 400));
    }
    product.smtp.delayMs = 0;
    expect(terminated).toBeGreaterThan(10);
    await eventually(async () => chaseMails().length >= 7, 120_000);
    await untilQuiet(product);
    const to = chaseMails()
      .flatMap((m) => m.to)
      .sort();
    expect(to).toHaveLength(7);
    expect(new Set(to).size).toBe(7);
    const sent = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReminderSent' AND stream_id LIKE 'chase:sevenoaks-lsp~cut:%'`,
    );
    expect(sent[0].n).toBe(7);
    // The api serves again on new connections.
    expect((await call('GET', '/cycles/cut/chases', as.coordinator)).status).toBe(200);
  }, 240_000);
});
