import { as, eventually, http, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';
import { PlanFile } from '../libs/plan/src/index.js';

/**
 * The walking skeleton, through every part on real PostgreSQL, Redis and SMTP: import the plan, open a cycle
 * (one return per measure, owned by its lead agency, and a mail to every lead contact), submit one return over
 * the JSON API, approve it, and see the worker's BullMQ job project it into the report.
 */
describe('walking skeleton (e2e)', () => {
  let product: Product;
  let plan: PlanFile;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('skeleton');
    plan = await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('opens a cycle, takes a return from submission to the report', async () => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    const cycleId: string = drafted.body.id;

    const opened = await call(
      'POST',
      `/cycles/${cycleId}/open`,
      { ...as.coordinator, 'if-match': '"1"' },
      {},
    );
    expect(opened.status).toBe(200);
    const measures = plan.themes.flatMap((t) => t.measures);
    const owning = new Set(measures.map((m) => m.leadAgency));
    const leads = plan.agencies
      .filter((a) => owning.has(a.id))
      .flatMap((a) => a.contacts.filter((c) => c.role === 'lead'));
    // CycleDrafted, CycleOpened, then one SubmissionLinkIssued per lead contact of every agency asked.
    expect(opened.body).toMatchObject({ status: 'open', version: 2 + leads.length });

    const cycle = await call('GET', `/cycles/${cycleId}`, as.coordinator);
    expect(cycle.status).toBe(200);
    expect(cycle.body.returns).toHaveLength(27);
    for (const measure of measures) {
      const r = cycle.body.returns.find((x: { measureRef: string }) => x.measureRef === measure.ref);
      expect(r).toMatchObject({ status: 'requested', agencyId: measure.leadAgency, dueDate: '2030-04-30' });
    }

    // One mail per lead contact of every agency that owns a measure, listing that agency's measures.
    const mails = await product.smtp.waitFor(leads.length);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(leads.map((c) => c.email).sort());
    const csp = mails.find(
      (m) => m.to[0] === plan.agencies.find((a) => a.id === 'sevenoaks-csp')!.contacts[0].email,
    )!;
    expect(csp.subject).toContain('Year 1 2019/20');
    for (const m of measures.filter((x) => x.leadAgency === 'sevenoaks-csp'))
      expect(csp.text).toContain(m.ref);
    expect(csp.html).toContain('<strong>S1</strong>');

    const s1 = `${cycleId}.S1`;
    const csplead = as.lead('sevenoaks-csp');
    const submitted = await call(
      'POST',
      `/returns/${s1}/submit`,
      { ...csplead, 'if-match': '"1"' },
      {
        rag: 'green',
        narrative: 'The Community Safety Action Plan is at **98%** on target.\n\n- 600 daily taskings',
        dot: 'improving',
        comments: 'Consistently above 85% target',
      },
    );
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', version: 2 });
    expect(submitted.headers.get('etag')).toBe('"2"');

    const approved = await call('POST', `/returns/${s1}/approve`, {
      ...as.reviewer,
      'if-match': '"2"',
      'x-correlation-id': 'review-42',
    });
    expect(approved.body).toMatchObject({ status: 'approved', version: 3 });
    expect(approved.headers.get('x-correlation-id')).toBe('review-42');
    const [approval] = await product.store.readStream(`return:${s1}`, { fromVersion: 3 });
    expect(approval.metadata).toMatchObject({
      actorId: STAFF.reviewer,
      actorRole: 'reviewer',
      correlationId: 'review-42',
    });

    const report = await eventually(async () => {
      const r = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
      return r.body.themes?.[0]?.measures?.length > 0 ? r.body : null;
    });
    expect(report.label).toBe('Year 1 2019/20 (April 2019 - March 2020)');
    expect(report.headline).toMatchObject({ rated: 1, green: 1, onTargetPercent: 100 });
    expect(report.themes.map((t: { title: string }) => t.title)).toEqual(plan.themes.map((t) => t.title));
    expect(report.themes[0].measures).toEqual([
      expect.objectContaining({
        ref: 'S1',
        text: measures[0].text,
        rag: 'green',
        dot: 'improving',
        comments: 'Consistently above 85% target',
        approvedBy: STAFF.reviewer,
      }),
    ]);
    const rows = await product.db.dataSource.query(`SELECT return_id, stream_version FROM report_returns`);
    expect(rows).toEqual([{ return_id: s1, stream_version: 3 }]);

    const history = await call('GET', `/returns/${s1}`, as.coordinator);
    expect(
      history.body.history.map((h: { type: string; actorRole: string }) => `${h.type} by ${h.actorRole}`),
    ).toEqual([
      'ReturnRequested by coordinator',
      'ReturnSubmitted by agency-lead',
      'ReturnApproved by reviewer',
    ]);
  });

  it('answers bad input with problem+json naming the field and rule, and stale writes with 409', async () => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Quarter 1',
      periodStart: '2020-04-01',
      periodEnd: '2020-06-30',
      dueDate: 'tomorrow',
    });
    expect(drafted.status).toBe(400);
    expect(drafted.headers.get('content-type')).toContain('application/problem+json');
    expect(drafted.body.errors).toEqual([
      expect.objectContaining({ field: 'dueDate', rule: 'isCalendarDate' }),
    ]);

    const ok = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Quarter 1',
      periodStart: '2020-04-01',
      periodEnd: '2020-06-30',
      dueDate: '2020-07-31',
    });
    const cycleId = ok.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S2', 'C3'] });
    const s2 = `${cycleId}.S2`;
    const lead = as.lead('sevenoaks-csp');

    const noRag = await call('POST', `/returns/${s2}/submit`, lead, { narrative: 'Some progress' });
    expect(noRag.status).toBe(422);
    expect(noRag.body).toMatchObject({
      code: 'rag-required',
      errors: [{ field: 'rag', rule: 'rag-required' }],
    });

    const badRag = await call('PUT', `/returns/${s2}/draft`, lead, { rag: 'purple' });
    expect(badRag.status).toBe(400);
    expect(badRag.body.errors).toEqual([expect.objectContaining({ field: 'rag', rule: 'isIn' })]);

    const saved = await call('PUT', `/returns/${s2}/draft`, { ...lead, 'if-match': '"1"' }, { rag: 'amber' });
    expect(saved.status).toBe(200);
    // An empty submit sends the saved draft, which has no narrative yet.
    const emptySubmit = await call('POST', `/returns/${s2}/submit`, lead, {});
    expect(emptySubmit.status).toBe(422);
    expect(emptySubmit.body.code).toBe('narrative-required');
    const stale = await call('PUT', `/returns/${s2}/draft`, { ...lead, 'if-match': '"1"' }, { rag: 'red' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'stale-version', currentVersion: 2 });

    // Another agency's return answers an agency lead exactly as a missing one does.
    const otherAgency = await call('PUT', `/returns/${s2}/draft`, as.lead('kent-cc'), { rag: 'red' });
    const none = await call('PUT', `/returns/${cycleId}.NOPE/draft`, as.lead('kent-cc'), { rag: 'red' });
    expect(otherAgency.status).toBe(404);
    expect(otherAgency.body).toEqual({ ...none.body, instance: `/returns/${s2}/draft` });
    const missing = await call('GET', `/returns/${cycleId}.NOPE`, as.coordinator);
    expect(missing.status).toBe(404);
    const anonymous = await call('GET', `/cycles/${cycleId}`, {});
    expect(anonymous.status).toBe(401);

    const after = await call('GET', `/returns/${s2}`, as.coordinator);
    expect(after.body).toMatchObject({ version: 2, status: 'draft', content: { rag: 'amber' } });
  });

  it('reports health of PostgreSQL and Redis', async () => {
    const ready = await call('GET', '/health/ready', {});
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    expect((await call('GET', '/health/live', {})).status).toBe(200);
  });
});
