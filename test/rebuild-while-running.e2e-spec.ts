import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REBUILD_SCHEMA, rebuildReadModels } from '../libs/projections/src/index.js';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { readModels } from '../apps/composition/src/index.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, readModelTables, submitAndApprove } from './support/reporting.js';
import { kill } from './support/worker-process.js';

/**
 * Issue 18.2: a rebuild that stalls nothing. The read models are rebuilt into new tables in committed batches
 * while the api and worker run and commands arrive; the live tables keep serving and updating meanwhile; the
 * tables swapped in equal, row for row, the ones the worker built incrementally; the worker carries on from the
 * swap with nothing applied twice or missed; and a rebuild killed half-way leaves the live tables alone and is
 * continued, not restarted, by the next run.
 */
describe('rebuild while the product runs (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const id = (ref: string) => `${cycleId}.${ref}`;
  const csp = () => as.lead('sevenoaks-csp');
  const rebuild = (options: Parameters<typeof rebuildReadModels>[3]) =>
    rebuildReadModels(product.db.dataSource, product.store, readModels(product.store), options);
  const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
    const response = await pending;
    if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
  };
  const approvedRows = async () =>
    (await product.db.dataSource.query(`SELECT return_id FROM report_returns ORDER BY return_id`)).map(
      (r: { return_id: string }) => r.return_id,
    );

  beforeAll(async () => {
    product = await startProduct('rebuild_running');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await openCycle(call, as.coordinator, {
      cycleId,
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    await projectionsSettled(product);
  });
  afterAll(() => product.stop());

  it('swaps in tables equal to the incrementally built ones, while commands arrive and the live ones keep updating', async () => {
    const commands: (() => Promise<void>)[] = [
      () => submitAndApprove(call, id('S1'), csp(), as.reviewer, { rag: 'green', narrative: 'On target' }),
      () =>
        ok(
          call('POST', `/returns/${id('C1')}/reassign`, as.coordinator, {
            toAgencyId: 'kent-cc',
            reason: 'KCC',
          }),
        ),
      () => ok(call('POST', `/returns/${id('S3')}/withdraw`, as.coordinator, { reason: 'Measure dropped' })),
      () =>
        ok(
          call('POST', `/returns/${id('S4')}/extend`, as.coordinator, {
            dueDate: '2030-05-20',
            reason: 'Figures come late',
          }),
        ),
      () =>
        submitAndApprove(call, id('S2'), csp(), as.reviewer, { rag: 'amber', narrative: 'Second lowest' }),
    ];
    let incremental: Record<string, unknown[]> | null = null;
    const seenLive: string[][] = [];
    const result = await rebuild({
      batchSize: 5,
      // Between two committed batches of the rebuild: a command, then the worker settles and the live tables
      // are read. The last reading before the swap is what the worker built incrementally.
      async afterBatch() {
        await commands.shift()?.();
        await projectionsSettled(product);
        seenLive.push(await approvedRows());
        incremental = await readModelTables(product);
      },
    });
    expect(commands).toEqual([]);
    // The live tables kept updating mid-rebuild: each approval reached them as soon as it was made.
    expect(seenLive[0]).toEqual([id('S1')]);
    expect(seenLive[seenLive.length - 1]).toEqual([id('S1'), id('S2')]);
    expect(result.resumedAt).toBe(0);
    expect(result.rows).toMatchObject({ report_returns: 2, report_requested_returns: 27, return_status: 27 });
    expect(incremental).not.toBeNull();
    expect(await readModelTables(product)).toEqual(incremental);
    // The rebuild left nothing behind, and the BI views read the new tables.
    expect(
      await product.db.dataSource.query(
        `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read_models_%'`,
      ),
    ).toEqual([]);
    expect(
      await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
         WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = 'report_returns'::regclass`,
      ),
    ).not.toEqual([{ n: 0 }]);
  });

  it('carries on from the swap: commands made during it end as a fresh rebuild would have them', async () => {
    const pending: Promise<void>[] = [];
    const refs = ['S5', 'C2', 'H1'];
    await rebuild({
      batchSize: 3,
      // Not awaited: the commands run on while the rebuild reads, catches up and swaps.
      async afterBatch() {
        const ref = refs.shift();
        if (ref)
          pending.push(
            submitAndApprove(call, id(ref), as.lead(agencyOf(ref)), as.reviewer, {
              rag: 'red',
              narrative: 'Behind',
            }),
          );
      },
    });
    await Promise.all(pending);
    await projectionsSettled(product);
    const carriedOn = await readModelTables(product);
    expect(carriedOn.report_returns).toHaveLength(5);
    await rebuild({});
    expect(await readModelTables(product)).toEqual(carriedOn);
  });

  it('never swaps in half-built tables when killed mid-way; the next run continues where it stopped', async () => {
    await projectionsSettled(product);
    const incremental = await readModelTables(product);
    const child = spawn(
      process.execPath,
      ['-r', join(__dirname, 'support/register-ts.js'), join(__dirname, '../scripts/projections-rebuild.ts')],
      {
        cwd: join(__dirname, '..'),
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: product.config.databaseUrl,
          REBUILD_BATCH_SIZE: '1',
        },
      },
    );
    // Killed once its progress shows a tenth of the events replayed, one committed batch per event.
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (/\] +[1-5]\d% /.test(err)) resolve();
      });
      child.once('exit', () => reject(new Error(`the rebuild ended before it was killed: ${err}`)));
    });
    await kill(child);
    const [state] = await product.db.dataSource.query(
      `SELECT events::int AS events FROM ${REBUILD_SCHEMA}.rebuild_state`,
    );
    expect(state.events).toBeGreaterThan(0);
    expect(await readModelTables(product)).toEqual(incremental);

    const result = await rebuild({ batchSize: 50 });
    expect(result.resumedAt).toBeGreaterThanOrEqual(state.events);
    expect(result.events).toBeGreaterThan(result.resumedAt);
    expect(await readModelTables(product)).toEqual(incremental);
  });
});

/** The lead agencies of the Sevenoaks measures used above (examples/sevenoaks-2019-22.yaml). */
function agencyOf(ref: string): string {
  return { S5: 'sevenoaks-dc', C2: 'sevenoaks-dc', H1: 'sevenoaks-hat' }[ref]!;
}
