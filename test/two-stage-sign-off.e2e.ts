import { readModels } from '../apps/composition/src/index.js';
import { AuthService } from '../libs/auth/src/index.js';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { FixedClock, scopedCycleId } from '../libs/kernel/src/index.js';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { projectionsSettled, readModelTables } from './support/reporting.js';
import { untilQuiet } from './support/processors.js';

/**
 * Two-stage sign-off on the real services: a cycle drafted with two stages, returns approved by a reviewer and
 * then accepted by a board member (or returned to review), four eyes across both stages, the report and the
 * publication holding only accepted returns, the rebuild agreeing with the incremental projection, and chasing
 * leaving alone an agency whose only return waits for acceptance.
 */
describe('two-stage sign-off (e2e)', () => {
  // A Monday at 10:00 London time (BST), before the due date; the chase test moves it past.
  const clock = new FixedClock(new Date('2030-04-15T09:00:00Z'));
  let product: Product;
  let call: ReturnType<typeof http>;
  const twoStage = scopedCycleId('sevenoaks-lsp', 'y1-two-stage');
  const oneStage = scopedCycleId('sevenoaks-lsp', 'y0-one-stage');
  const id = (ref: string) => `${twoStage}.${ref}`;
  const measure = (report: { themes: { measures: { ref: string }[] }[] }, ref: string) =>
    report.themes.flatMap((t) => t.measures).find((m) => m.ref === ref) as
      Record<string, unknown> | undefined;
  const reportRefs = async (query = '') => {
    const report = (await call('GET', `/cycles/${twoStage}/report${query}`, as.coordinator)).body;
    return report.themes.flatMap((t: { measures: { ref: string }[] }) => t.measures.map((m) => m.ref));
  };
  const version = async (returnId: string) =>
    (await call('GET', `/returns/${returnId}`, as.coordinator)).body.version as number;
  const withVersion = async (returnId: string, who: Record<string, string>) => ({
    ...who,
    'if-match': `"${await version(returnId)}"`,
  });
  const submitAndApprove = async (ref: string, narrative: string) => {
    const submit = await call('POST', `/returns/${id(ref)}/submit`, as.coordinator, {
      rag: 'green',
      narrative,
    });
    expect(submit.status).toBe(200);
    const approve = await call('POST', `/returns/${id(ref)}/approve`, as.reviewer);
    expect(approve.body).toMatchObject({ status: 'approved' });
  };

  async function draftAndOpen(name: string, measureRefs: string[], signOff?: string) {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: `Cycle ${name}`,
      periodStart: name.startsWith('y0') ? '2018-04-01' : '2019-04-01',
      periodEnd: name.startsWith('y0') ? '2019-03-31' : '2020-03-31',
      dueDate: '2030-04-30',
      cycleId: name,
      ...(signOff ? { signOff } : {}),
    });
    expect(drafted.status).toBe(201);
    expect((await call('POST', `/cycles/${name}/open`, as.coordinator, { measureRefs })).status).toBe(200);
  }

  beforeAll(async () => {
    product = await startProduct('two_stage', clock);
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await draftAndOpen('y0-one-stage', ['S1']);
    await draftAndOpen('y1-two-stage', ['S1', 'S2', 'S3', 'S5'], 'two-stage');
  });
  afterAll(() => product.stop());

  it('records the choice on the cycle and on every return it requests; an omitted choice is one stage', async () => {
    expect((await call('GET', `/cycles/${twoStage}`, as.coordinator)).body.signOff).toBe('two-stage');
    expect((await call('GET', `/cycles/${oneStage}`, as.coordinator)).body.signOff).toBe('one-stage');
    const [requested] = await product.store.readStream(`return:${id('S1')}`);
    expect(requested.data).toMatchObject({ signOff: 'two-stage' });
  });

  it('refuses a sign-off that is neither, naming the field (400)', async () => {
    const bad = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Bad',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
      signOff: 'three-stage',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('signOff');
  });

  it('keeps an approved return out of the report until a board member accepts it', async () => {
    await submitAndApprove('S1', 'Accepted: 98% of actions achieved');
    await projectionsSettled(product);
    expect(await reportRefs()).not.toContain('S1');
    expect(await reportRefs('?asAt=' + clock.now().toISOString())).not.toContain('S1');
    const status = (await call('GET', `/cycles/${twoStage}/status`, as.coordinator)).body;
    expect(status.totals).toMatchObject({ approved: 1, accepted: 0 });

    const accepted = await call('POST', `/returns/${id('S1')}/accept`, await withVersion(id('S1'), as.board));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted' });
    expect(accepted.headers.get('etag')).toBe(`"${accepted.body.version}"`);
    await projectionsSettled(product);
    expect(
      measure((await call('GET', `/cycles/${twoStage}/report`, as.coordinator)).body, 'S1'),
    ).toMatchObject({ narrative: 'Accepted: 98% of actions achieved' });
    const after = (await call('GET', `/cycles/${twoStage}/status`, as.coordinator)).body;
    expect(after.totals).toMatchObject({ approved: 0, accepted: 1 });
    // The lead's task list counts an accepted return as sent (it said 0 once the board accepted it).
    const tasks = await fetch(`${product.baseUrl}/agency/cycles/${twoStage}`, {
      headers: { ...as.lead('sevenoaks-csp'), accept: 'text/html' },
    });
    expect(await tasks.text()).toContain('You have sent 1 of 3.');
  });

  it('lets only coordinators and board members accept (403), with the version read (409 stale)', async () => {
    await submitAndApprove('S2', 'Second lowest in Kent');
    for (const who of [as.reviewer, as.viewer, as.lead('sevenoaks-csp')]) {
      const refused = await call('POST', `/returns/${id('S2')}/accept`, who);
      expect(refused.status).toBe(403);
    }
    const stale = await call('POST', `/returns/${id('S2')}/accept`, { ...as.board, 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect((await call('POST', `/returns/${id('S2')}/accept`, as.otherCoordinator)).status).toBe(404);
  });

  it('returns an approval to review with a reason (422 without one); a reviewer decides it again', async () => {
    const noReason = await call('POST', `/returns/${id('S2')}/return-to-review`, as.board, {});
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.errors)).toContain('reason');
    const blank = await call('POST', `/returns/${id('S2')}/return-to-review`, as.board, { reason: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.body).toMatchObject({ code: 'reason-required' });
    expect(JSON.stringify(blank.body)).toContain('"reason"');

    const returned = await call(
      'POST',
      `/returns/${id('S2')}/return-to-review`,
      await withVersion(id('S2'), as.board),
      { reason: 'Check the figure against the police survey' },
    );
    expect(returned.body).toMatchObject({ status: 'submitted' });
    const view = (await call('GET', `/returns/${id('S2')}`, as.reviewer)).body;
    expect(view).toMatchObject({
      status: 'submitted',
      returnedToReviewReason: 'Check the figure against the police survey',
      awaitingAcceptance: null,
    });
    // Nothing to accept until a reviewer approves again.
    expect((await call('POST', `/returns/${id('S2')}/accept`, as.board)).status).toBe(409);
    expect((await call('POST', `/returns/${id('S2')}/approve`, as.reviewer2)).body.status).toBe('approved');
    expect((await call('POST', `/returns/${id('S2')}/accept`, as.board)).body.status).toBe('accepted');
  });

  it('holds four eyes across both stages: whoever wrote or approved the version cannot accept it', async () => {
    // The coordinator submitted S3 (for its agency); a reviewer approved it.
    await submitAndApprove('S3', 'Anti-social behaviour falling');
    const refused = await call('POST', `/returns/${id('S3')}/accept`, as.coordinator);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'accepter-not-independent' });
  });

  it('refuses to accept in a one-stage cycle, where the approval is final (409)', async () => {
    const returnId = `${oneStage}.S1`;
    expect(
      (await call('POST', `/returns/${returnId}/submit`, as.coordinator, { rag: 'red', narrative: 'x' }))
        .status,
    ).toBe(200);
    expect((await call('POST', `/returns/${returnId}/approve`, as.reviewer)).body.status).toBe('approved');
    const accept = await call('POST', `/returns/${returnId}/accept`, as.board);
    expect(accept.status).toBe(409);
    expect(accept.body).toMatchObject({ code: 'one-stage-sign-off' });
  });

  it('does not chase an agency whose only return waits for acceptance, while it chases one that owes', async () => {
    // S5 (sevenoaks-dc) is still requested; S3 (sevenoaks-csp) waits for acceptance, S1 and S2 are accepted.
    await projectionsSettled(product);
    product.smtp.mails.length = 0;
    // Ten days past due, a Friday at 10:00 London time: the overdue chase is due.
    clock.set(new Date('2030-05-10T09:00:00Z'));
    await product.worker.get(ChaseScanner).run();
    const chased = () => product.smtp.mails.filter((m) => /overdue|Overdue/.test(m.subject));
    await eventually(async () => chased().length > 0, 15_000);
    await untilQuiet(product);
    const to = chased().flatMap((m) => m.to);
    expect(to).toContain('hannah.okafor@example.org');
    expect(to).not.toContain('priya.shah@example.org');
    // Nor does the coordinator's "chase now" find anything outstanding for it.
    const now = await call('POST', `/cycles/${twoStage}/agencies/sevenoaks-csp/chase`, as.coordinator);
    expect(now.status).toBe(409);
    expect(now.body).toMatchObject({ code: 'nothing-outstanding' });
    const status = (await call('GET', `/cycles/${twoStage}/status`, as.coordinator)).body;
    expect(status.overdue.map((o: { measureRef: string }) => o.measureRef)).toEqual(['S5']);
    // The lead of the late agency reads so on their task list, not only the due date.
    // A session opened now: the clock moved past the earlier ones' hours.
    const session = await product.api.get(AuthService).createLinkSession({
      linkId: 'test-sevenoaks-dc',
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId: 'sevenoaks-dc',
      contactEmail: 'hannah.okafor@example.org',
    });
    const tasks = await fetch(`${product.baseUrl}/agency/cycles/${twoStage}`, {
      headers: { cookie: `pr_session=${session}`, accept: 'text/html' },
    });
    const html = await tasks.text();
    expect(html).toContain('<strong>1 is overdue</strong>: please send it as soon as you can.');
    expect(html).toMatch(/Overdue: was due 30 April 2030/);
  });

  it('keeps a cycle open while a return waits for acceptance, unless forced', async () => {
    const refused = await call('POST', `/cycles/${twoStage}/close`, as.coordinator, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'returns-unresolved' });
    const [event] = (await product.store.readStream(`cycle:${twoStage}`)).filter(
      (e) => e.type === 'CycleClosed',
    );
    expect(event).toBeUndefined();
  });

  it('publishes only accepted returns; the approval left waiting at a forced close stays out', async () => {
    const closed = await call('POST', `/cycles/${twoStage}/close`, as.coordinator, {
      force: true,
      reason: 'The board meets tomorrow',
    });
    expect(closed.status).toBe(200);
    const [event] = (await product.store.readStream(`cycle:${twoStage}`)).filter(
      (e) => e.type === 'CycleClosed',
    );
    expect(event.data).toMatchObject({ unresolvedReturnIds: [id('S3'), id('S5')].sort() });
    // A forced close is not undone by the back door: the waiting approval is not accepted afterwards.
    const late = await call('POST', `/returns/${id('S3')}/accept`, as.board);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'cycle-closed' });

    await projectionsSettled(product);
    const published = await call('POST', `/cycles/${twoStage}/publish`, as.coordinator);
    expect(published.status).toBe(201);
    const report = (await call('GET', `/cycles/${twoStage}/report?published=latest`, as.coordinator)).body;
    const refs = report.themes.flatMap((t: { measures: { ref: string }[] }) => t.measures.map((m) => m.ref));
    expect(refs.sort()).toEqual(['S1', 'S2']);
    expect(measure(report, 'S2')).toMatchObject({ narrative: 'Second lowest in Kent' });
  });

  it('accepts a selection in bulk: each return its own ReturnAccepted, and the report holds them', async () => {
    const bulk = scopedCycleId('sevenoaks-lsp', 'y2-bulk');
    await draftAndOpen('y2-bulk', ['S1', 'S2', 'S3'], 'two-stage');
    const returns = [];
    for (const ref of ['S1', 'S2', 'S3']) {
      const returnId = `${bulk}.${ref}`;
      expect(
        (await call('POST', `/returns/${returnId}/submit`, as.coordinator, { rag: 'green', narrative: ref }))
          .status,
      ).toBe(200);
      if (ref !== 'S3')
        expect((await call('POST', `/returns/${returnId}/approve`, as.reviewer)).status).toBe(200);
      returns.push({ returnId, version: await version(returnId) });
    }
    // A reviewer is not the second stage: every one refused, none decided.
    const byReviewer = await call('POST', '/returns/bulk-decisions', as.reviewer, {
      decision: 'accept',
      mode: 'valid-only',
      returns,
    });
    expect(byReviewer.body).toMatchObject({ outcome: 'none-decided' });
    const accepted = await call('POST', '/returns/bulk-decisions', as.board, {
      decision: 'accept',
      mode: 'valid-only',
      returns,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.outcome).toBe('some-decided');
    expect(
      accepted.body.decided.map((d: { measureRef: string; status: string }) => [d.measureRef, d.status]),
    ).toEqual([
      ['S1', 'accepted'],
      ['S2', 'accepted'],
    ]);
    // S3 waits for review: there is nothing to accept yet, and the answer says so.
    expect(accepted.body.refused.map((r: { measureRef: string }) => r.measureRef)).toEqual(['S3']);
    await projectionsSettled(product);
    const report = (await call('GET', `/cycles/${bulk}/report`, as.coordinator)).body;
    const rated = report.themes
      .flatMap((t: { measures: { ref: string; rag: string | null }[] }) => t.measures)
      .filter((m: { rag: string | null }) => m.rag)
      .map((m: { ref: string }) => m.ref);
    expect(rated).toEqual(['S1', 'S2']);
  });

  it('rebuilds the read models from the events into exactly the rows kept incrementally', async () => {
    await projectionsSettled(product);
    const incremental = await readModelTables(product);
    expect(
      incremental.report_returns.filter((r) => (r as { cycle_id: string }).cycle_id === twoStage),
    ).toHaveLength(2);
    expect(
      incremental.return_status
        .filter((r) => (r as { cycle_id: string }).cycle_id === twoStage)
        .map((r) => (r as { status: string }).status)
        .sort(),
    ).toEqual(['accepted', 'accepted', 'approved', 'requested']);
    // The store the apps use: return texts are held apart and read back through it.
    const store = product.store;
    await rebuildReadModels(product.db.dataSource, store, readModels(store), { batchSize: 5 });
    expect(await readModelTables(product)).toEqual(incremental);
  });
});
