import { zonedInstant } from '../libs/chasing/src/index.js';
import { FixedClock } from '../libs/kernel/src/index.js';
import { EventMetadata, ParkedEvent, ParkedEvents } from '../libs/event-store/src/index.js';
import { Queue } from 'bullmq';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { bullConnection, QUEUES } from '../libs/queues/src/index.js';
import { processorsCli } from '../scripts/processors.js';
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
import { processorsPassed } from './support/processors.js';

const at10 = (date: string) => zonedInstant(date, '10:00', 'Europe/London');
const meta: EventMetadata = { actorId: 'test', actorRole: 'coordinator', correlationId: 'poison' };

/** Output of the CLI, kept. */
function capture() {
  const lines: string[] = [];
  return { write: (text: string) => lines.push(text), text: () => lines.join('') };
}

/**
 * Issue 10, point 2: a poison event in one partnership (the CycleDrafted with a null id that once stopped the
 * return-status processor for everyone) is parked, while another partnership's cycles keep projecting and
 * chasing; the operator sees it in readiness, on /admin/processors and in npm run processors, and retries or
 * skips it there.
 */
describe('a poison event parks; every other stream goes on (e2e)', () => {
  const clock = new FixedClock(at10('2020-03-02'));
  let product: Product;
  let call: ReturnType<typeof http>;
  let parked: ParkedEvents;
  let cli: (argv: string[]) => Promise<{ code: number; out: string; err: string }>;

  beforeAll(async () => {
    product = await startProduct('parked', clock, {
      PROCESSOR_ATTEMPTS: '2',
      PROCESSOR_RETRY_DELAY_MS: '50',
      MAIL_RATE_PER_MINUTE: '60000',
      OPERATOR_PARTNERSHIP: 'sevenoaks-lsp',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    parked = new ParkedEvents(product.db.dataSource);
    cli = async (argv) => {
      const [out, err] = [capture(), capture()];
      const code = await processorsCli(
        argv,
        { NODE_ENV: 'test', DATABASE_URL: product.db.url, USER: 'tester' },
        out,
        err,
      );
      return { code, out: out.text(), err: err.text() };
    };
  });
  afterAll(() => product.stop());

  /** A CycleDrafted with a null id in another partnership, and its cycle's next event behind it. */
  async function poison(stream: string): Promise<number> {
    const { firstPosition } = await product.store.append(
      stream,
      'no_stream',
      [
        {
          type: 'CycleDrafted',
          data: {
            cycleId: null,
            partnershipId: 'other-lsp',
            planId: 'their-plan',
            label: 'Broken',
            periodStart: '2019-04-01',
            periodEnd: '2020-03-31',
            dueDate: '2020-04-21',
          },
        },
        // In the same append: a processor woken by the first commit would otherwise park it alone.
        { type: 'CycleOpened', data: { openedAt: '2020-03-02T10:00:00.000Z', returns: [] } },
      ],
      meta,
    );
    return firstPosition;
  }

  const parkedAt = (position: number) =>
    eventually(async () =>
      (await parked.list()).find(
        (p: ParkedEvent) =>
          p.processor === 'return-status' && p.globalPosition === position && p.state === 'parked',
      ),
    );

  let position: number;

  it('parks the poison event after its tries, while another partnership’s cycle is projected and chased', async () => {
    position = await poison('cycle:null');
    const held = await parkedAt(position);
    expect(held).toMatchObject({ streamId: 'cycle:null', type: 'CycleDrafted', attempts: 2, held: 2 });
    expect(held.error).toMatch(/null value in column "cycle_id"/);

    // Sevenoaks opens a cycle after it: its returns reach the return-status model...
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Cycle after',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2020-04-21',
      cycleId: 'after',
    });
    expect(drafted.status).toBe(201);
    const opened = await call('POST', '/cycles/after/open', as.coordinator, { measureRefs: ['S1', 'D4'] });
    expect(opened.status).toBe(200);
    await eventually(async () => {
      const rows = await product.db.dataSource.query(
        `SELECT r.return_id FROM return_status r JOIN chase_cycles c USING (cycle_id)
         WHERE c.cycle_id = $1 AND c.status = 'open'`,
        [drafted.body.id],
      );
      return rows.length === 2;
    });
    // ...and its agencies are chased on the day the policy says.
    await eventually(
      async () => product.smtp.mails.filter((m) => m.subject.includes('Cycle after')).length >= 2,
    );
    clock.set(at10('2020-04-03'));
    expect(await product.worker.get(ChaseScanner).run()).toEqual({ enqueued: 1, chases: 2, digests: 0 });
    const reminders = await eventually(async () => {
      const found = product.smtp.mails.filter(
        (m) => m.subject.includes('Reminder:') && m.subject.includes('Cycle after'),
      );
      return found.length >= 2 ? found : null;
    });
    expect(reminders.flatMap((m) => m.to).sort()).toEqual([
      'priya.shah@example.org',
      'samuel.adeyemi@example.org',
    ]);
    // The held stream is still held.
    expect((await parked.list()).filter((p) => p.processor === 'return-status')).toHaveLength(1);
  });

  it('shows the parked event in readiness, without its stream or error (an open route)', async () => {
    const ready = await call('GET', '/health/ready', {});
    expect(ready.status).toBe(200);
    expect(ready.body.details.processors).toMatchObject({
      status: 'up',
      held: 1,
      parked: [{ processor: 'return-status', position, type: 'CycleDrafted', state: 'parked', attempts: 2 }],
    });
    expect(JSON.stringify(ready.body)).not.toContain('cycle:null');
    expect(JSON.stringify(ready.body)).not.toContain('cycle_id');
  });

  it('npm run processors -- status lists it with its stream, error and the commands; retry fails again; skip releases', async () => {
    const status = await cli(['status']);
    expect(status.code).toBe(3);
    expect(status.out).toContain(`return-status event ${position}: CycleDrafted in cycle:null (version 1)`);
    expect(status.out).toContain('parked at');
    expect(status.out).toContain('2 events of the stream held');
    expect(status.out).toMatch(/error: null value in column "cycle_id"/);
    expect(status.out).toContain(`npm run processors -- retry return-status ${position}`);
    expect(status.out).toMatch(/outbox-relay +at event \d+, 0 behind/);

    expect(await cli(['retry', 'return-status'])).toMatchObject({ code: 2 });
    expect((await cli(['retry', 'return-status'])).err.trim().split('\n')).toHaveLength(1);
    expect(await cli(['retry', 'return-status', '1', '--wait', '0'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('return-status holds no parked event at position 1'),
    });

    const retried = await cli(['retry', 'return-status', String(position), '--by', 'alice', '--wait', '20']);
    expect(retried.code).toBe(1);
    expect(retried.out).toMatch(
      /Done: 0 held events applied; event \d+ failed: null value in column "cycle_id"/,
    );
    expect((await parked.list())[0]).toMatchObject({
      globalPosition: position,
      attempts: 3,
      state: 'parked',
    });

    // A second poison, skipped from the CLI.
    const second = await poison('cycle:null-two');
    await parkedAt(second);
    const skipped = await cli(['skip', 'return-status', String(second), '--reason', 'drafted with no id']);
    expect(skipped).toMatchObject({ code: 0 });
    expect(skipped.out).toContain('Done: skipped; 1 held events applied');
    const [last] = await parked.history(1);
    expect(last).toMatchObject({ action: 'skip', actor: 'cli:tester', reason: 'drafted with no id' });
  });

  it('the operator page shows it to the operator partnership’s coordinators only, and skips it with a reason', async () => {
    expect((await fetch(`${product.baseUrl}/admin/processors`, { headers: as.reviewer })).status).toBe(403);
    expect(
      (await fetch(`${product.baseUrl}/admin/processors`, { headers: as.otherCoordinator })).status,
    ).toBe(403);
    expect(
      (
        await fetch(`${product.baseUrl}/admin/processors`, {
          redirect: 'manual',
          headers: { accept: 'text/html' },
        })
      ).status,
    ).toBe(303);

    const signedIn = await fetch(`${product.baseUrl}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: product.baseUrl },
      body: JSON.stringify({ email: STAFF.coordinator, password: PASSWORD }),
    });
    expect(signedIn.status).toBeLessThan(300);
    const session = signedIn.headers.get('set-cookie')!.split(';')[0];
    const page = await fetch(`${product.baseUrl}/admin/processors`, { headers: { cookie: session } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`return-status: event ${position}, CycleDrafted in cycle:null`);
    expect(html).toContain('null value in column &quot;cycle_id&quot;');
    expect(html).toContain('drafted with no id'); // the CLI's skip, in the history

    const csrfCookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('pr_csrf='));
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const post = (action: string, fields: Record<string, string>) =>
      fetch(`${product.baseUrl}/admin/processors/${action}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [session, csrfCookie].filter(Boolean).join('; '),
          origin: product.baseUrl,
        },
        body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });

    const noReason = await post('skip', {
      processor: 'return-status',
      position: String(position),
      reason: '',
    });
    expect(noReason.status).toBe(303);
    expect(noReason.headers.get('location')).toContain('error=');
    const noToken = await fetch(`${product.baseUrl}/admin/processors/skip`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: session,
        origin: product.baseUrl,
      },
      body: new URLSearchParams({
        processor: 'return-status',
        position: String(position),
        reason: 'x',
      }).toString(),
    });
    expect(noToken.status).toBe(403);
    expect((await parked.list())[0].requested).toBeNull();

    const skip = await post('skip', {
      processor: 'return-status',
      position: String(position),
      reason: 'a cycle drafted without an id',
    });
    expect(skip.status).toBe(303);
    expect(skip.headers.get('location')).toContain('done=');
    await eventually(async () => (await parked.list()).length === 0);
    const [done] = await parked.history(1);
    expect(done).toMatchObject({
      action: 'skip',
      actor: STAFF.coordinator,
      reason: 'a cycle drafted without an id',
      outcome: 'skipped; 1 held events applied',
    });
    const after = await (
      await fetch(`${product.baseUrl}/admin/processors`, { headers: { cookie: session } })
    ).text();
    expect(after).toContain('No events are held.');
    expect((await cli(['status'])).code).toBe(0);
  });
  it('the relay holds a poison’s stream as well; released, the events held behind it still reach their jobs', async () => {
    // An AgencyChased without its recipients: the relay cannot say which mails it causes.
    const stream = 'chase:nowhere:no-agency';
    const { firstPosition } = await product.store.append(
      stream,
      'no_stream',
      [{ type: 'AgencyChased', data: { step: '2020-04-03', kind: 'reminder' } }],
      meta,
    );
    await eventually(async () =>
      (await parked.list()).find((p) => p.processor === 'outbox-relay' && p.globalPosition === firstPosition),
    );
    // Held behind it: a chase asked for in the same stream.
    const { firstPosition: behind } = await product.store.append(
      stream,
      1,
      [{ type: 'ChaseRequested', data: {} }],
      meta,
    );
    // Every other stream goes on: Sevenoaks chases now, and the mails go.
    const before = product.smtp.mails.length;
    expect((await call('POST', '/cycles/after/chase', as.coordinator)).status).toBe(202);
    await eventually(async () => product.smtp.mails.length >= before + 2);
    expect(await processorsPassed(product.db.dataSource, behind, ['outbox-relay'])).toBe(true);
    const chasing = new Queue(QUEUES.chasing, {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
    try {
      const jobId = 'chase.nowhere.no-agency.now-2';
      expect(await chasing.getJob(jobId)).toBeUndefined();
      expect(
        (await parked.list()).find((p) => p.processor === 'outbox-relay' && p.streamId === stream)?.held,
      ).toBe(2);
      for (const held of (await parked.list()).filter((p) => p.streamId === stream)) {
        const asked = await parked.request(
          held.processor,
          held.globalPosition,
          'skip',
          'ops',
          'no recipients',
        );
        expect(asked.ok).toBe(true);
      }
      await eventually(async () => (await parked.list()).length === 0);
      expect(await chasing.getJob(jobId)).toBeDefined();
    } finally {
      await chasing.close();
    }
  });
});
