import { rebuildReadModels } from '../libs/projections/src/index.js';
import { projectReturn } from '../libs/reporting/src/index.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { as, eventually, http, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, readModelTables, submitAndApprove } from './support/reporting.js';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { readModels } from '../apps/composition/src/index.js';

/**
 * The reporting read model on the real worker: approved returns projected by BullMQ jobs from the outbox relay,
 * a reopened return still reported as last approved until its amendment is approved, withdrawn and reassigned
 * returns followed; then the tables emptied and rebuilt from the events come out exactly as the jobs left them.
 */
describe('report projection and rebuild (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const id = (ref: string) => `${cycleId}.${ref}`;
  const csp = () => as.lead('sevenoaks-csp');
  const reportOf = async () => (await call('GET', `/cycles/${cycleId}/report`, as.coordinator)).body;
  const measure = (report: { themes: { measures: { ref: string }[] }[] }, ref: string) =>
    report.themes.flatMap((t) => t.measures).find((m) => m.ref === ref) as
      Record<string, unknown> | undefined;

  beforeAll(async () => {
    product = await startProduct('report_projection');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await openCycle(call, as.coordinator, {
      cycleId,
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
  });
  afterAll(() => product.stop());

  it('projects every requested return, and approved ones with who approved, when and the version', async () => {
    await submitAndApprove(call, id('S1'), csp(), as.reviewer, {
      rag: 'green',
      narrative: 'At **98%** on target.\n\n- 600 daily taskings',
      dot: 'improving',
      comments: 'Consistently above 85% target',
      tables: [{ caption: 'Taskings', header: ['Quarter', 'Count'], rows: [['Q1', '150']] }],
      caseStudies: [{ title: 'Making policing more visible', agency: 'Kent Police', sections: [] }],
    });
    await projectionsSettled(product);
    const rows = await product.db.dataSource.query(`SELECT * FROM report_returns`);
    expect(rows).toEqual([
      expect.objectContaining({
        return_id: id('S1'),
        cycle_id: cycleId,
        theme_id: 'safe-communities',
        measure_ref: 'S1',
        agency_id: 'sevenoaks-csp',
        rag: 'green',
        narrative: 'At **98%** on target.\n\n- 600 daily taskings',
        dot: 'improving',
        comments: 'Consistently above 85% target',
        tables: [{ caption: 'Taskings', header: ['Quarter', 'Count'], rows: [['Q1', '150']] }],
        case_studies: [{ title: 'Making policing more visible', agency: 'Kent Police', sections: [] }],
        approved_by: STAFF.reviewer,
        stream_version: 3,
      }),
    ]);
    const [approval] = await product.store.readStream(`return:${id('S1')}`, { fromVersion: 3 });
    expect(rows[0].approved_at.toISOString()).toBe(approval.recordedAt.toISOString());
    const requested = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM report_requested_returns`,
    );
    expect(requested[0].n).toBe(27);
    const [cycle] = await product.db.dataSource.query(`SELECT * FROM report_cycles`);
    expect(cycle).toMatchObject({
      cycle_id: cycleId,
      status: 'open',
      period_start: '2019-04-01',
      publications: 0,
    });
  });

  it('keeps showing the last approved version of a reopened return until the amendment is approved', async () => {
    await submitAndApprove(call, id('S4'), csp(), as.reviewer, {
      rag: 'amber',
      narrative: 'First approved narrative',
      dot: 'declining',
    });
    await projectionsSettled(product);
    expect(measure(await reportOf(), 'S4')).toMatchObject({
      narrative: 'First approved narrative',
      version: 3,
    });

    const reopened = await call('POST', `/returns/${id('S4')}/reopen`, as.coordinator, {
      reason: 'The KSI figures were revised',
    });
    expect(reopened.status).toBe(200);
    const amended = await call('POST', `/returns/${id('S4')}/submit`, csp(), {
      rag: 'red',
      narrative: 'Amended narrative',
      dot: 'declining',
    });
    expect(amended.status).toBe(200);
    await projectionsSettled(product);
    expect(measure(await reportOf(), 'S4')).toMatchObject({
      rag: 'amber',
      narrative: 'First approved narrative',
      version: 3,
    });

    expect((await call('POST', `/returns/${id('S4')}/approve`, as.reviewer2)).status).toBe(200);
    await eventually(async () =>
      measure(await reportOf(), 'S4')?.narrative === 'Amended narrative' ? true : null,
    );
    expect(measure(await reportOf(), 'S4')).toMatchObject({
      rag: 'red',
      version: 6,
      approvedBy: STAFF.reviewer2,
    });
  });

  it('drops withdrawn returns from the report and follows reassigned ones to their new agency', async () => {
    await submitAndApprove(call, id('S3'), csp(), as.reviewer, { rag: 'green', narrative: 'ASB low' });
    await projectionsSettled(product);
    expect(measure(await reportOf(), 'S3')).toBeDefined();
    expect(
      (await call('POST', `/returns/${id('S3')}/withdraw`, as.coordinator, { reason: 'Measure dropped' }))
        .status,
    ).toBe(200);
    expect(
      (
        await call('POST', `/returns/${id('C1')}/reassign`, as.coordinator, {
          toAgencyId: 'kent-cc',
          reason: 'KCC holds the data',
        })
      ).status,
    ).toBe(200);
    await projectionsSettled(product);
    const report = await reportOf();
    expect(measure(report, 'S3')).toBeUndefined();
    const safe = report.themes.find((t: { themeId: string }) => t.themeId === 'safe-communities');
    expect(safe.awaiting.map((m: { ref: string }) => m.ref)).toEqual(['S2', 'S5']);
    const caring = report.themes.find((t: { themeId: string }) => t.themeId === 'caring-communities');
    expect(caring.awaiting.find((m: { ref: string }) => m.ref === 'C1')).toMatchObject({
      agencyId: 'kent-cc',
      agency: 'Kent County Council',
    });
    expect(report.headline).toMatchObject({ rated: 2, green: 1, red: 1, notRated: 24, measures: 26 });
  });

  it('gives the same report from the read model as from replaying the events', async () => {
    await projectionsSettled(product);
    const now = await reportOf();
    const fromEvents = await call(
      'GET',
      `/cycles/${cycleId}/report?asAt=${new Date().toISOString()}`,
      as.coordinator,
    );
    expect(fromEvents.status).toBe(200);
    expect({ ...fromEvents.body, asAt: null }).toEqual(now);
  });

  it('is idempotent: projecting a return again, or from a redelivered job, changes nothing', async () => {
    await projectionsSettled(product);
    const before = await readModelTables(product);
    await product.db.dataSource.transaction((m) => projectReturn(product.store, m, id('S4')));
    await product.db.dataSource.transaction((m) => projectReturn(product.store, m, id('S1')));
    expect(await readModelTables(product)).toEqual(before);
  });

  it('rebuilds every read model (reporting and return-status) from the events into exactly the rows kept incrementally', async () => {
    await projectionsSettled(product);
    const incremental = await readModelTables(product);
    expect(incremental.report_returns).toHaveLength(3);

    // The store the apps use: return texts are held apart and read back through it.
    const store = product.store;
    const [{ events }] = await product.db.dataSource.query(`SELECT count(*)::int AS events FROM events`);
    const lines: string[] = [];
    const result = await rebuildReadModels(product.db.dataSource, store, readModels(store), {
      batchSize: 7,
      progress: { write: (text: string) => lines.push(text) },
    });
    // Every event recorded before (the worker may record more meanwhile, such as mails sent).
    expect(result.events).toBeGreaterThanOrEqual(events);
    expect(result.rows).toMatchObject({
      report_cycles: 1,
      report_requested_returns: 27,
      report_returns: 3,
      chase_cycles: 1,
      return_status: 27,
    });
    expect(lines[0]).toMatch(/^\[\.{30}\]\s+0% 0\/[\d,]+ events\n$/);
    expect(lines[lines.length - 1]).toMatch(/^\[#{30}\] 100% [\d,]+\/[\d,]+ events\n$/);

    expect(await readModelTables(product)).toEqual(incremental);

    // And the worker carries on from there: the next approval is projected as usual.
    await submitAndApprove(call, id('S2'), csp(), as.reviewer, {
      rag: 'green',
      narrative: 'Second lowest in Kent',
    });
    await eventually(async () => (measure(await reportOf(), 'S2') ? true : null));
  });

  it('npm run projections:rebuild does the same while the api and worker run, printing progress and counts', async () => {
    await projectionsSettled(product);
    const incremental = await readModelTables(product);
    const out: string[] = [];
    const err: string[] = [];
    const code = await projectionsRebuild(
      { DATABASE_URL: product.db.url, NODE_ENV: 'test' },
      { write: (t: string) => out.push(t) },
      { write: (t: string) => err.push(t) },
    );
    expect(code).toBe(0);
    expect(err[0]).toBe('Rebuilding reporting, return-status from the events\n');
    expect(err.join('')).toMatch(/100% [\d,]+\/[\d,]+ events\n$/);
    expect(out.join('')).toMatch(
      /^Replayed [\d,]+ events in \d+\.\d s; rows: report_cycles 1, report_requested_returns 27, report_returns 4, report_evidence 0, report_plan_themes 6, report_plan_measures 27, report_agencies 9, chase_cycles 1, return_status 27, chase_steps \d+, chase_mails \d+\n$/,
    );
    expect(await readModelTables(product)).toEqual(incremental);
  });
});
