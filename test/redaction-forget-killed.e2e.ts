import { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { cycleStreamId } from '../libs/returns/src/index.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { spawnApi } from './support/api-process.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { untilQuiet } from './support/processors.js';
import { openCycle, projectionsSettled, readModelTables, submitAndApprove } from './support/reporting.js';
import { kill } from './support/worker-process.js';

/**
 * An operator kills (SIGKILL) the api in the middle of a redaction that re-issues a publication, and in the
 * middle of forgetting a person: each request is made to wait on a row another connection holds, half way
 * through its transaction, and the api is killed there. Nothing of either may stand half done (the passage gone
 * from the texts but the publication not re-issued, the bytes deleted without a new publication, a person recorded
 * as forgotten whose key is still there); asked again of another api, each is done once, and the read models equal
 * a rebuild from the events.
 */
describe('a redaction and a forgetting killed mid-way (e2e)', () => {
  const NAME = 'Jamie Killed-Midway';
  const PRIYA = 'priya.shah@example.org';
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const S1 = `${cycleId}.S1`;
  let product: Product;
  let call: ReturnType<typeof http>;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    product = await startProduct('redact_forget_killed');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId,
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1'],
    );
    await submitAndApprove(call, S1, as.coordinator, as.reviewer, {
      rag: 'green',
      narrative: `Our youth worker supported ${NAME} into college.`,
    });
    expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator, {})).status).toBe(201);
    await projectionsSettled(product);
  });
  afterAll(async () => {
    if (child) await kill(child);
    await product.stop();
  });

  const query = <T>(sql: string, params: unknown[] = []) => product.db.dataSource.query<T[]>(sql, params);
  const count = async (sql: string, params: unknown[] = []) => (await query<{ n: number }>(sql, params))[0].n;

  /**
   * Sends `request` to an api in a process of its own while another connection holds `lock` (a statement taking
   * a row FOR UPDATE), kills that api once its request waits on the row, lets the row go, and returns once the
   * killed api's connection has ended (so whatever it left is what stands).
   */
  async function killedWhileWaiting(
    lock: [string, unknown[]],
    request: (baseUrl: string) => Promise<unknown>,
  ): Promise<void> {
    const spawned = await spawnApi(product.config);
    child = spawned.child;
    const holder = new Client({ connectionString: product.db.url });
    await holder.connect();
    let waiters: number[] = [];
    try {
      await holder.query('BEGIN');
      await holder.query(...lock);
      void request(spawned.baseUrl).catch(() => null);
      waiters = await eventually(async () => {
        const rows = await query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows.length > 0 && rows.map((r) => r.pid);
      }, 60_000);
      await kill(child);
      child = null;
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await eventually(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1)`, [waiters])) === 0,
    );
  }

  /** The contacts' addresses as the plan's events read now (a forgotten one reads [erased]). */
  const contactAddresses = async () =>
    (await product.store.readStream('partnership:sevenoaks-lsp')).flatMap((e) =>
      e.type === 'AgencyContactAdded' ? [(e.data as { email: string }).email] : [],
    );

  const publications = async () =>
    (await call('GET', `/cycles/${cycleId}/publications`, as.coordinator)).body.publications as {
      publication: number;
      redacted: { reissuedAs: number } | null;
    }[];
  const published = (n: number) => call('GET', `/cycles/${cycleId}/report?published=${n}`, as.coordinator);

  it('leaves a redaction killed while it re-issues the publication undone, and does it once when asked again', async () => {
    const before = await publications();
    expect(before).toHaveLength(1);
    const holding = () =>
      count(`SELECT count(*)::int AS n FROM return_texts WHERE strpos(text, $1) > 0`, [NAME]);
    const heldBefore = await holding();
    expect(heldBefore).toBeGreaterThan(0);
    const ask = (baseUrl: string) =>
      http(baseUrl)('POST', `/returns/${S1}/redactions`, as.coordinator, {
        field: 'narrative',
        passage: NAME,
        reason: 'It names a young person',
      });
    // The re-issue appends ReportPublished to the cycle: held there, after PassageRedacted and the texts' rewrite.
    await killedWhileWaiting(
      ['SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [cycleStreamId(cycleId)]],
      ask,
    );
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'PassageRedacted'`)).toBe(0);
    expect(await holding()).toBe(heldBefore);
    expect(await publications()).toEqual(before);
    const original = await published(before[0].publication);
    expect(original.status).toBe(200);
    expect(JSON.stringify(original.body)).toContain(NAME);

    const done = await ask(product.baseUrl);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ reissued: [{ publication: before[0].publication }] });
    const after = await publications();
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({
      publication: before[0].publication,
      redacted: { reissuedAs: after[1].publication },
    });
    expect((await published(before[0].publication)).status).toBe(410);
    const reissued = await published(after[1].publication);
    expect(reissued.status).toBe(200);
    expect(JSON.stringify(reissued.body)).not.toContain(NAME);
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'PassageRedacted'`)).toBe(1);
    expect(await holding()).toBe(0);
  }, 240_000);

  it('leaves a forgetting killed mid-way undone, and forgets once when asked again', async () => {
    const keys = () => count(`SELECT count(*)::int AS n FROM personal_keys WHERE key IS NOT NULL`);
    const keysBefore = await keys();
    const ask = (baseUrl: string) =>
      http(baseUrl)('POST', '/partnership/people/forget', as.coordinator, {
        email: PRIYA,
        reason: 'Asked to be forgotten',
      });
    // Every personal key held: the forgetting waits on hers, after it has appended PersonForgotten.
    await killedWhileWaiting(['SELECT 1 FROM personal_keys FOR UPDATE', []], ask);
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'PersonForgotten'`)).toBe(0);
    expect(await keys()).toBe(keysBefore);
    expect(await contactAddresses()).toContain(PRIYA);

    const done = await ask(product.baseUrl);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'forgotten' });
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'PersonForgotten'`)).toBe(1);
    expect(await keys()).toBe(keysBefore - 1);
    const addresses = await contactAddresses();
    expect(addresses).not.toContain(PRIYA);
    expect(addresses).toContain('[erased]');
  }, 240_000);

  it('has read models equal to a rebuild from the events', async () => {
    await untilQuiet(product);
    const live = await readModelTables(product);
    const quiet = { write: () => true };
    expect(await projectionsRebuild({ DATABASE_URL: product.db.url, NODE_ENV: 'test' }, quiet, quiet)).toBe(
      0,
    );
    expect(await readModelTables(product)).toEqual(live);
  }, 120_000);
});
