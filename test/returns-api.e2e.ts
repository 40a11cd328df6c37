import { PlanFile } from '../libs/plan/src/index.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';

/**
 * The returns API beyond the walking skeleton, on the real product (PostgreSQL, Redis, SMTP): reopening,
 * extending, reassigning, withdrawing and closing; the plan, agencies, cycles and returns queries; the
 * difference between two versions; idempotent retries; and another partnership seeing none of it.
 */
describe('returns API (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let plan: PlanFile;
  const csp = () => as.lead('sevenoaks-csp');
  const submission = {
    rag: 'green',
    narrative: 'The plan is at **98%** on target.\n\n- 600 daily taskings\n  - 42 warning letters',
    dot: 'improving',
    comments: 'Above the 85% target',
  };

  beforeAll(async () => {
    product = await startProduct('returns-api');
    plan = await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  let cycleSeq = 0;
  /** A fresh open cycle with the given measures, so that each test owns its returns. */
  async function openCycle(measureRefs: string[], dueDate = '2030-04-30'): Promise<string> {
    cycleSeq += 1;
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: `Cycle ${cycleSeq}`,
      // Years from 1951 on: each cycle a later period than the last, all before every due date used here.
      periodStart: `${1950 + cycleSeq}-04-01`,
      periodEnd: `${1951 + cycleSeq}-03-31`,
      dueDate,
      cycleId: `cycle-${cycleSeq}`,
    });
    expect(drafted.status).toBe(201);
    const opened = await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs });
    expect(opened.status).toBe(200);
    return drafted.body.id;
  }

  /** Submits with the CSP lead and approves with the reviewer: the return ends approved at version 3. */
  async function approve(returnId: string, content: object = submission): Promise<void> {
    expect((await call('POST', `/returns/${returnId}/submit`, csp(), content)).status).toBe(200);
    expect((await call('POST', `/returns/${returnId}/approve`, as.reviewer)).status).toBe(200);
  }

  const history = async (returnId: string) =>
    (await call('GET', `/returns/${returnId}`, as.coordinator)).body.history.map(
      (h: { type: string; reason: string | null }) => [h.type, h.reason],
    );

  function expectProblem(
    response: { status: number; headers: Headers; body: { errors?: unknown[] } },
    status: number,
    code: string | null,
    field?: string,
    rule?: string,
  ): void {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    if (code) expect(response.body).toMatchObject({ code });
    if (field) {
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, rule: rule ?? code })]),
      );
    }
  }

  describe('reopen', () => {
    it('reopens an approved return for amendment; the approved version stays until re-approved', async () => {
      const cycleId = await openCycle(['S1']);
      const s1 = `${cycleId}.S1`;
      await approve(s1);

      const reopened = await call(
        'POST',
        `/returns/${s1}/reopen`,
        { ...as.coordinator, 'if-match': '"3"' },
        { reason: 'The figures were revised by Kent Police' },
      );
      expect(reopened.status).toBe(200);
      expect(reopened.body).toEqual({ id: s1, version: 4, status: 'draft' });
      expect(reopened.headers.get('etag')).toBe('"4"');

      const view = (await call('GET', `/returns/${s1}`, as.coordinator)).body;
      expect(view).toMatchObject({ status: 'draft', approved: { content: { rag: 'green' } } });
      expect(view.approved.narrativeHtml).toContain('<strong>98%</strong>');
      expect(await history(s1)).toContainEqual(['ReturnReopened', 'The figures were revised by Kent Police']);
    });

    it('refuses without a reason (400), by a reviewer (403), when not approved (409), stale (409)', async () => {
      const cycleId = await openCycle(['S1']);
      const s1 = `${cycleId}.S1`;
      expectProblem(
        await call('POST', `/returns/${s1}/reopen`, as.coordinator, {}),
        400,
        null,
        'reason',
        'isString',
      );
      expectProblem(
        await call('POST', `/returns/${s1}/reopen`, as.coordinator, { reason: 'why not' }),
        409,
        'return-requested',
      );
      await approve(s1);
      expectProblem(
        await call('POST', `/returns/${s1}/reopen`, as.coordinator, { reason: '   ' }),
        422,
        'reason-required',
        'reason',
      );
      expectProblem(
        await call('POST', `/returns/${s1}/reopen`, as.reviewer, { reason: 'x' }),
        403,
        'forbidden',
      );
      const stale = await call(
        'POST',
        `/returns/${s1}/reopen`,
        { ...as.coordinator, 'if-match': '"2"' },
        { reason: 'x' },
      );
      expectProblem(stale, 409, 'stale-version');
      expect(stale.body.currentVersion).toBe(3);
      expectProblem(
        await call('POST', `/returns/${cycleId}.NOPE/reopen`, as.coordinator, { reason: 'x' }),
        404,
        'return-not-found',
      );
    });
  });

  describe('extend a deadline', () => {
    it('extends one return; it is no longer overdue', async () => {
      const cycleId = await openCycle(['S1'], '2020-04-30');
      const s1 = `${cycleId}.S1`;
      expect((await call('GET', `/returns/${s1}`, as.coordinator)).body.overdue).toBe(true);
      const extended = await call(
        'POST',
        `/returns/${s1}/extend`,
        { ...as.coordinator, 'if-match': '"1"' },
        { dueDate: '2031-01-31', reason: 'Data arrives late from KCC' },
      );
      expect(extended.status).toBe(200);
      expect(extended.body).toEqual({ id: s1, version: 2, status: 'requested' });
      const view = (await call('GET', `/returns/${s1}`, as.coordinator)).body;
      expect(view).toMatchObject({ dueDate: '2031-01-31', originalDueDate: '2020-04-30', overdue: false });
    });

    it('names the field and rule of a bad date, an earlier date, a missing reason', async () => {
      const cycleId = await openCycle(['S1']);
      const s1 = `${cycleId}.S1`;
      expectProblem(
        await call('POST', `/returns/${s1}/extend`, as.coordinator, { dueDate: 'next week', reason: 'x' }),
        400,
        null,
        'dueDate',
        'isCalendarDate',
      );
      expectProblem(
        await call('POST', `/returns/${s1}/extend`, as.coordinator, { dueDate: '2030-04-30', reason: 'x' }),
        422,
        'due-date-not-later',
        'dueDate',
      );
      expectProblem(
        await call('POST', `/returns/${s1}/extend`, as.coordinator, { dueDate: '2031-04-30' }),
        400,
        null,
        'reason',
        'isNotEmpty',
      );
      expectProblem(
        await call('POST', `/returns/${s1}/extend`, csp(), { dueDate: '2031-04-30', reason: 'please' }),
        403,
        'forbidden',
      );
    });

    it("extends every unresolved return of one agency in one go, and leaves others' alone", async () => {
      const cycleId = await openCycle(['S1', 'S2', 'S3', 'S5']); // S1-S3 are the CSP's, S5 the district's
      await approve(`${cycleId}.S3`);
      const extended = await call(
        'POST',
        `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`,
        as.coordinator,
        { dueDate: '2031-01-31', reason: 'CSP analyst on leave' },
      );
      expect(extended.status).toBe(200);
      expect(extended.body).toMatchObject({
        id: cycleId,
        agencyId: 'sevenoaks-csp',
        dueDate: '2031-01-31',
        returns: [
          { id: `${cycleId}.S1`, version: 2, status: 'requested' },
          { id: `${cycleId}.S2`, version: 2, status: 'requested' },
        ],
      });
      const cycle = (await call('GET', `/cycles/${cycleId}`, as.coordinator)).body;
      const due = Object.fromEntries(
        cycle.returns.map((r: { measureRef: string; dueDate: string }) => [r.measureRef, r.dueDate]),
      );
      expect(due).toEqual({ S1: '2031-01-31', S2: '2031-01-31', S3: '2030-04-30', S5: '2030-04-30' });
      expect(await history(`${cycleId}.S2`)).toContainEqual(['DeadlineExtended', 'CSP analyst on leave']);
    });

    it('extends none of them when one cannot take the new date', async () => {
      const cycleId = await openCycle(['S1', 'S2']);
      const s2 = `${cycleId}.S2`;
      await call('POST', `/returns/${s2}/extend`, as.coordinator, {
        dueDate: '2031-06-30',
        reason: 'early ask',
      });
      const refused = await call('POST', `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`, as.coordinator, {
        dueDate: '2031-01-31',
        reason: 'CSP analyst on leave',
      });
      expectProblem(refused, 422, 'due-date-not-later', 'dueDate');
      const versions = await product.db.dataSource.query(
        `SELECT stream_id, version FROM streams WHERE stream_id = ANY($1) ORDER BY stream_id`,
        [[`return:${cycleId}.S1`, `return:${cycleId}.S2`]],
      );
      expect(versions).toEqual([
        { stream_id: `return:${cycleId}.S1`, version: 1 },
        { stream_id: `return:${cycleId}.S2`, version: 2 },
      ]);
    });

    it('answers 404 for an unknown agency or cycle, 403 for a reviewer, 409 when nothing is left', async () => {
      const cycleId = await openCycle(['S5']);
      const body = { dueDate: '2031-01-31', reason: 'x' };
      expectProblem(
        await call('POST', `/cycles/${cycleId}/agencies/nobody/extend`, as.coordinator, body),
        404,
        'agency-not-found',
      );
      expectProblem(
        await call('POST', `/cycles/nope/agencies/sevenoaks-dc/extend`, as.coordinator, body),
        404,
        'cycle-not-found',
      );
      expectProblem(
        await call('POST', `/cycles/${cycleId}/agencies/sevenoaks-dc/extend`, as.reviewer, body),
        403,
        'forbidden',
      );
      expectProblem(
        await call('POST', `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`, as.coordinator, body),
        409,
        'no-unresolved-returns',
      );
      expectProblem(
        await call(
          'POST',
          `/cycles/${cycleId}/agencies/sevenoaks-dc/extend`,
          { ...as.coordinator, 'if-match': '"1"' },
          body,
        ),
        409,
        'stale-version',
      );
    });
  });

  describe('reassign and withdraw', () => {
    it('reassigns a return to another agency, whose lead may then write it', async () => {
      const cycleId = await openCycle(['S4']);
      const s4 = `${cycleId}.S4`;
      const moved = await call('POST', `/returns/${s4}/reassign`, as.coordinator, {
        toAgencyId: 'kent-cc',
        reason: 'KCC Highways own road safety',
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toEqual({ id: s4, version: 2, status: 'requested' });
      expect((await call('PUT', `/returns/${s4}/draft`, as.lead('kent-cc'), { rag: 'amber' })).status).toBe(
        200,
      );
      // No longer the CSP's: to its lead the return is now one that does not exist.
      expect((await call('PUT', `/returns/${s4}/draft`, csp(), { rag: 'red' })).status).toBe(404);
    });

    it('refuses an agency outside the partnership (422), the same agency (422), a submitted return (409)', async () => {
      const cycleId = await openCycle(['S4']);
      const s4 = `${cycleId}.S4`;
      expectProblem(
        await call('POST', `/returns/${s4}/reassign`, as.coordinator, {
          toAgencyId: 'acme-ltd',
          reason: 'x',
        }),
        422,
        'unknown-agency',
        'toAgencyId',
      );
      expectProblem(
        await call('POST', `/returns/${s4}/reassign`, as.coordinator, {
          toAgencyId: 'sevenoaks-csp',
          reason: 'x',
        }),
        422,
        'same-agency',
        'toAgencyId',
      );
      expectProblem(
        await call('POST', `/returns/${s4}/reassign`, as.coordinator, { reason: 'x' }),
        400,
        null,
        'toAgencyId',
        'isString',
      );
      await call('POST', `/returns/${s4}/submit`, csp(), submission);
      expectProblem(
        await call('POST', `/returns/${s4}/reassign`, as.coordinator, { toAgencyId: 'kent-cc', reason: 'x' }),
        409,
        'return-submitted',
      );
    });

    it('withdraws a return from the cycle, once', async () => {
      const cycleId = await openCycle(['S5']);
      const s5 = `${cycleId}.S5`;
      expectProblem(
        await call('POST', `/returns/${s5}/withdraw`, as.reviewer, { reason: 'x' }),
        403,
        'forbidden',
      );
      const withdrawn = await call('POST', `/returns/${s5}/withdraw`, as.coordinator, {
        reason: 'Measure dropped this year',
      });
      expect(withdrawn.body).toEqual({ id: s5, version: 2, status: 'withdrawn' });
      expectProblem(
        await call('POST', `/returns/${s5}/withdraw`, as.coordinator, { reason: 'again' }),
        409,
        'return-withdrawn',
      );
    });
  });

  describe('close a cycle', () => {
    it('refuses while returns are unresolved, closes when forced with a reason, then refuses again', async () => {
      const cycleId = await openCycle(['S1', 'S2', 'S5']);
      await approve(`${cycleId}.S1`);
      await call('POST', `/returns/${cycleId}.S5/withdraw`, as.coordinator, { reason: 'dropped' });

      expectProblem(
        await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {}),
        409,
        'returns-unresolved',
      );
      expectProblem(
        await call('POST', `/cycles/${cycleId}/close`, as.coordinator, { force: true }),
        422,
        'reason-required',
        'reason',
      );
      expectProblem(
        await call('POST', `/cycles/${cycleId}/close`, as.coordinator, { force: 'yes' }),
        400,
        null,
        'force',
        'isBoolean',
      );
      expectProblem(await call('POST', `/cycles/${cycleId}/close`, as.reviewer, {}), 403, 'forbidden');

      const closed = await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {
        force: true,
        reason: 'S2 will come in next year',
      });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ id: cycleId, status: 'closed' });
      expect(closed.headers.get('etag')).toBe(`"${closed.body.version}"`);
      const [event] = await product.store.readStream(`cycle:${cycleId}`, {
        fromVersion: closed.body.version,
      });
      expect(event).toMatchObject({
        type: 'CycleClosed',
        data: { forced: true, reason: 'S2 will come in next year', unresolvedReturnIds: [`${cycleId}.S2`] },
      });
      // The reason is held apart in return_texts, where it can be redacted: never copied into the metadata.
      expect(event.metadata).not.toHaveProperty('reason');
      expectProblem(await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {}), 409, 'cycle-closed');
    });

    it('closes without force once every return is approved or withdrawn; honours If-Match', async () => {
      const cycleId = await openCycle(['S1']);
      await approve(`${cycleId}.S1`);
      const version = (await call('GET', `/cycles/${cycleId}`, as.coordinator)).body.version;
      expectProblem(
        await call(
          'POST',
          `/cycles/${cycleId}/close`,
          { ...as.coordinator, 'if-match': `"${version - 1}"` },
          {},
        ),
        409,
        'stale-version',
      );
      // The current version, but weak: If-Match compares strongly, so it matches nothing and nothing closes.
      expectProblem(
        await call(
          'POST',
          `/cycles/${cycleId}/close`,
          { ...as.coordinator, 'if-match': `W/"${version}"` },
          {},
        ),
        412,
        'weak-etag',
        'If-Match',
        'strong-etag',
      );
      const closed = await call(
        'POST',
        `/cycles/${cycleId}/close`,
        { ...as.coordinator, 'if-match': `"${version}"` },
        {},
      );
      expect(closed.body).toEqual({ id: cycleId, version: version + 1, status: 'closed' });
    });
  });

  describe('plan and agencies', () => {
    it('shows the plan: themes in order with ambition, lead agencies, priorities and measures', async () => {
      const got = await call('GET', '/partnerships/sevenoaks-lsp/plan', csp());
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        partnershipId: 'sevenoaks-lsp',
        planId: 'community-plan-2019-22',
        title: 'Sevenoaks District Community Plan 2019-22',
      });
      expect(got.body.themes.map((t: { title: string }) => t.title)).toEqual(plan.themes.map((t) => t.title));
      const [safe] = got.body.themes;
      expect(safe).toMatchObject({
        themeId: 'safe-communities',
        ambition: 'A safer place to live work and travel',
        leadAgencies: [
          { agencyId: 'sevenoaks-csp', name: 'Sevenoaks District Community Safety Partnership' },
        ],
      });
      expect(safe.priorities.map((p: { ref: string }) => p.ref)).toEqual(
        plan.themes[0].priorities.map((p) => p.ref),
      );
      expect(safe.measures.map((m: { ref: string }) => m.ref)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
      expect(safe.measures[4]).toMatchObject({
        ref: 'S5',
        leadAgencyId: 'sevenoaks-dc',
        // The seed report lists no priorities for Safe Communities, so the example plan gives none.
        priorityRef: null,
      });
      expect(safe.priorities).toEqual([]);
      expect(got.body.themes.flatMap((t: { measures: unknown[] }) => t.measures)).toHaveLength(27);
      expectProblem(
        await call('GET', '/partnerships/sevenoaks-lsp/plan?planId=nope', as.coordinator),
        404,
        'plan-not-found',
      );
    });

    it('lists agencies with their contacts for staff, and refuses agency leads with 403', async () => {
      const got = await call('GET', '/partnerships/sevenoaks-lsp/agencies', as.reviewer);
      expect(got.status).toBe(200);
      expect(got.body.agencies.map((a: { agencyId: string }) => a.agencyId)).toEqual(
        plan.agencies.map((a) => a.id),
      );
      expect(got.body.agencies[0]).toEqual({
        agencyId: 'sevenoaks-csp',
        name: 'Sevenoaks District Community Safety Partnership',
        retired: false,
        contacts: plan.agencies[0].contacts,
      });
      expectProblem(await call('GET', '/partnerships/sevenoaks-lsp/agencies', csp()), 403, 'forbidden');
    });
  });

  describe('cycles and returns', () => {
    it("lists the partnership's cycles, newest period first", async () => {
      const older = await openCycle(['S1']);
      const newer = await openCycle(['S1', 'S2']);
      const got = await call('GET', '/cycles', as.reviewer);
      expect(got.status).toBe(200);
      const ids = got.body.cycles.map((c: { cycleId: string }) => c.cycleId);
      expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
      expect(got.body.cycles.find((c: { cycleId: string }) => c.cycleId === newer)).toMatchObject({
        status: 'open',
        planId: 'community-plan-2019-22',
        returns: 2,
      });
      // The partnership's cycles come from an index, not a scan of every event (scans are made to look
      // dear, as they are on a real events table rather than this small one).
      const plans = await product.db.dataSource.transaction(async (sql) => {
        await sql.query('SET LOCAL enable_seqscan = off');
        return sql.query(
          `EXPLAIN SELECT data->>'cycleId' FROM events
           WHERE type = 'CycleDrafted' AND data->>'partnershipId' = 'sevenoaks-lsp'`,
        );
      });
      expect(JSON.stringify(plans)).toContain('events_started_by_partnership');
    });

    it('lists the returns of a cycle by agency and state; an agency lead sees only their own', async () => {
      const cycleId = await openCycle(['S1', 'S2', 'S5', 'C1']);
      await call('POST', `/returns/${cycleId}.S2/submit`, csp(), submission);
      const refs = (body: { returns: { measureRef: string }[] }) => body.returns.map((r) => r.measureRef);

      const all = await call('GET', `/returns?cycleId=${cycleId}`, as.reviewer);
      expect(all.status).toBe(200);
      expect(refs(all.body)).toEqual(['S1', 'S2', 'S5', 'C1']);
      expect(all.body.returns[0]).not.toHaveProperty('content');
      expect(
        refs((await call('GET', `/returns?cycleId=${cycleId}&agencyId=sevenoaks-dc`, as.reviewer)).body),
      ).toEqual(['S5', 'C1']);
      expect(
        refs((await call('GET', `/returns?cycleId=${cycleId}&status=submitted`, as.reviewer)).body),
      ).toEqual(['S2']);
      expect(refs((await call('GET', `/returns?cycleId=${cycleId}`, csp())).body)).toEqual(['S1', 'S2']);
      expect(
        refs((await call('GET', `/returns?cycleId=${cycleId}&agencyId=sevenoaks-dc`, csp())).body),
      ).toEqual([]);
    });

    it('names cycleId when it is missing, and the rule of a bad state', async () => {
      expectProblem(await call('GET', '/returns', as.coordinator), 400, null, 'cycleId', 'isNotEmpty');
      expectProblem(
        await call('GET', '/returns?cycleId=x&status=late', as.coordinator),
        400,
        null,
        'status',
        'isIn',
      );
      expectProblem(await call('GET', '/returns?cycleId=nope', as.coordinator), 404, 'cycle-not-found');
    });
  });

  describe('difference between versions', () => {
    it('shows the content after each version and what changed, field by field', async () => {
      const cycleId = await openCycle(['C3']);
      const c3 = `${cycleId}.C3`;
      const lead = as.lead('sevenoaks-lcpg');
      const neet = {
        caption: 'NEET by district',
        header: ['District', 'Mar 2019', 'Mar 2020'],
        rows: [['Sevenoaks', '2.1%', '1.9%']],
      };
      await call('PUT', `/returns/${c3}/draft`, lead, {
        rag: 'amber',
        narrative: 'NEET figures:\n- Sevenoaks fell',
        comments: 'Provisional',
      });
      await call('POST', `/returns/${c3}/submit`, lead, {
        rag: 'green',
        narrative: 'NEET figures:\n- Sevenoaks fell\n  - to 1.9%',
        dot: 'improving',
        tables: [neet],
      });
      const diff = await call('GET', `/returns/${c3}/diff?from=2&to=3`, as.reviewer);
      expect(diff.status).toBe(200);
      expect(diff.body.from).toMatchObject({ version: 2, status: 'draft', content: { rag: 'amber' } });
      expect(diff.body.to).toMatchObject({ version: 3, status: 'submitted', content: { rag: 'green' } });
      expect(
        diff.body.changes.map((c: { field: string; change: string }) => `${c.field} ${c.change}`),
      ).toEqual(['rag changed', 'narrative changed', 'dot added', 'comments removed', 'tables[0] added']);
      expect(diff.body.changes[1].lines).toEqual([
        { op: ' ', text: 'NEET figures:' },
        { op: ' ', text: '- Sevenoaks fell' },
        { op: '+', text: '  - to 1.9%' },
      ]);
      expect(diff.body.changes[4].after).toEqual(neet);
      const fromRequest = await call('GET', `/returns/${c3}/diff?from=1&to=1`, as.reviewer);
      expect(fromRequest.body).toMatchObject({ from: { status: 'requested', content: {} }, changes: [] });
    });

    it('answers 404 for a version not reached, 422 for from after to, 400 for a version that is not a number', async () => {
      const cycleId = await openCycle(['S1']);
      const s1 = `${cycleId}.S1`;
      expectProblem(
        await call('GET', `/returns/${s1}/diff?from=1&to=2`, as.reviewer),
        404,
        'version-not-found',
        'to',
      );
      expectProblem(
        await call('GET', `/returns/${s1}/diff?from=3&to=1`, as.reviewer),
        404,
        'version-not-found',
        'from',
      );
      await call('PUT', `/returns/${s1}/draft`, csp(), { rag: 'red' });
      expectProblem(
        await call('GET', `/returns/${s1}/diff?from=2&to=1`, as.reviewer),
        422,
        'from-after-to',
        'from',
      );
      expectProblem(
        await call('GET', `/returns/${s1}/diff?from=0&to=1`, as.reviewer),
        400,
        null,
        'from',
        'min',
      );
      expectProblem(
        await call('GET', `/returns/${s1}/diff?from=one&to=2`, as.reviewer),
        400,
        null,
        'from',
        'isInt',
      );
      expectProblem(await call('GET', `/returns/${s1}/diff?to=2`, as.reviewer), 400, null, 'from', 'isInt');
      expectProblem(
        await call('GET', `/returns/${s1}/diff?from=1&to=2`, as.lead('kent-cc')),
        404,
        'return-not-found',
      );
    });
  });

  describe('Idempotency-Key', () => {
    const eventsOf = async (streamId: string) =>
      (await product.store.readStream(streamId)).map((e) => e.type);

    it('replays the first response to a retry with the same key, acting once', async () => {
      const cycleId = await openCycle(['S5']);
      const s5 = `${cycleId}.S5`;
      const headers = { ...as.coordinator, 'idempotency-key': 'withdraw-s5-1', 'if-match': '"1"' };
      const first = await call('POST', `/returns/${s5}/withdraw`, headers, { reason: 'Measure dropped' });
      const retry = await call('POST', `/returns/${s5}/withdraw`, headers, { reason: 'Measure dropped' });
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('etag')).toBe('"2"');
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await eventsOf(`return:${s5}`)).toEqual(['ReturnRequested', 'ReturnWithdrawn']);
    });

    it('answers a draft saved again unchanged at the version it stands at, recording nothing; If-Match still holds', async () => {
      const cycleId = await openCycle(['S1', 'S2']);
      const [s1, s2] = [`${cycleId}.S1`, `${cycleId}.S2`];
      const draft = { rag: 'amber', narrative: 'Half way.\n\nMore to come.', comments: null };
      const first = await call('PUT', `/returns/${s1}/draft`, { ...csp(), 'if-match': '"1"' }, draft);
      expect([first.status, first.headers.get('etag')]).toEqual([200, '"2"']);
      // The same again, as a browser would type it (CRLF), its empty field left out.
      const again = await call(
        'PUT',
        `/returns/${s1}/draft`,
        { ...csp(), 'if-match': '"2"' },
        { narrative: 'Half way.\r\n\r\nMore to come.', rag: 'amber' },
      );
      expect([again.status, again.headers.get('etag'), again.body]).toEqual([
        200,
        '"2"',
        { id: s1, version: 2, status: 'draft' },
      ]);
      // A stale If-Match is refused as before, unchanged draft or not.
      expectProblem(
        await call('PUT', `/returns/${s1}/draft`, { ...csp(), 'if-match': '"1"' }, draft),
        409,
        null,
      );
      const keyed = { ...csp(), 'idempotency-key': 'same-draft-again' };
      const once = await call('PUT', `/returns/${s1}/draft`, keyed, draft);
      const twice = await call('PUT', `/returns/${s1}/draft`, keyed, draft);
      expect([once.status, twice.status, twice.headers.get('idempotent-replayed')]).toEqual([
        200,
        200,
        'true',
      ]);
      expect(twice.body).toEqual(once.body);
      expect(await eventsOf(`return:${s1}`)).toEqual(['ReturnRequested', 'ReturnDraftSaved']);
      // Nothing typed on a return not started: it stays not started.
      const empty = await call('PUT', `/returns/${s2}/draft`, csp(), {
        rag: null,
        narrative: '',
        tables: [],
      });
      expect([empty.status, empty.body.status, empty.body.version]).toEqual([200, 'requested', 1]);
      expect(await eventsOf(`return:${s2}`)).toEqual(['ReturnRequested']);
    });

    it('replays a 201 with its Location, and keeps keys apart per actor', async () => {
      const body = {
        partnershipId: 'sevenoaks-lsp',
        planId: 'community-plan-2019-22',
        label: 'Idempotent cycle',
        periodStart: '2040-04-01',
        periodEnd: '2041-03-31',
        dueDate: '2041-04-30',
      };
      const headers = { ...as.coordinator, 'idempotency-key': 'draft-2040' };
      const first = await call('POST', '/cycles', headers, body);
      const retry = await call('POST', '/cycles', headers, body);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(first.body.id);
      expect(retry.headers.get('location')).toBe(`/cycles/${first.body.id}`);
      const drafted = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE type = 'CycleDrafted' AND data->>'label' = $1`,
        [body.label],
      );
      expect(drafted).toEqual([{ n: 1 }]);
      // The same key from someone else is their own key: it acts (and here is refused by the rules).
      const reviewer = await call(
        'POST',
        '/cycles',
        { ...as.reviewer, 'idempotency-key': 'draft-2040' },
        body,
      );
      expect(reviewer.status).toBe(403);
    });

    it('refuses the same key with a different body with 422, naming the header', async () => {
      const cycleId = await openCycle(['S5']);
      const headers = { ...as.coordinator, 'idempotency-key': 'extend-once' };
      const path = `/returns/${cycleId}.S5/extend`;
      expect((await call('POST', path, headers, { dueDate: '2031-01-31', reason: 'a' })).status).toBe(200);
      const reused = await call('POST', path, headers, { dueDate: '2031-02-28', reason: 'a' });
      expectProblem(reused, 422, 'idempotency-key-reused', 'Idempotency-Key');
      const elsewhere = await call('POST', `/returns/${cycleId}.S5/withdraw`, headers, { reason: 'a' });
      expectProblem(elsewhere, 422, 'idempotency-key-reused', 'Idempotency-Key');
      expect(await eventsOf(`return:${cycleId}.S5`)).toEqual(['ReturnRequested', 'DeadlineExtended']);
      expectProblem(
        await call('POST', path, { ...as.coordinator, 'idempotency-key': 'bad key with spaces' }, {}),
        400,
        'idempotency-key-invalid',
        'Idempotency-Key',
      );
    });

    it('makes two concurrent requests with one key act once and answer alike', async () => {
      const cycleId = await openCycle(['S1', 'S2']);
      const headers = { ...as.coordinator, 'idempotency-key': 'agency-extension-1' };
      const body = { dueDate: '2031-01-31', reason: 'Analyst on leave' };
      const path = `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`;
      const answers = await Promise.all([1, 2, 3].map(() => call('POST', path, headers, body)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers[1].body).toEqual(answers[0].body);
      expect(answers[2].body).toEqual(answers[0].body);
      expect(await eventsOf(`return:${cycleId}.S1`)).toEqual(['ReturnRequested', 'DeadlineExtended']);
      expect(await eventsOf(`return:${cycleId}.S2`)).toEqual(['ReturnRequested', 'DeadlineExtended']);
    });

    it('lets a retry after a failure act afresh, and forgets keys after 24 hours', async () => {
      const cycleId = await openCycle(['S5']);
      const s5 = `${cycleId}.S5`;
      const headers = { ...as.coordinator, 'idempotency-key': 'reopen-or-withdraw' };
      expectProblem(
        await call('POST', `/returns/${s5}/withdraw`, headers, {}),
        400,
        null,
        'reason',
        'isNotEmpty',
      );
      const afterFailure = await call('POST', `/returns/${s5}/withdraw`, headers, { reason: 'dropped' });
      expect(afterFailure.status).toBe(200);

      const [row] = await product.db.dataSource.query(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM idempotency_keys
         WHERE idempotency_key = 'reopen-or-withdraw'`,
      );
      expect(row.ttl).toBe(24 * 60 * 60);
      await product.db.dataSource.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
         WHERE idempotency_key = 'reopen-or-withdraw'`,
      );
      // Expired: the key is new again, so the request runs (and is refused: it is already withdrawn).
      const later = await call('POST', `/returns/${s5}/withdraw`, headers, { reason: 'dropped' });
      expectProblem(later, 409, 'return-withdrawn');
    });
  });

  describe('another partnership', () => {
    it('gets 404 on every new route for everything of sevenoaks', async () => {
      const cycleId = await openCycle(['S1', 'S2']);
      await approve(`${cycleId}.S1`);
      const s1 = `${cycleId}.S1`;
      const other = as.otherCoordinator;
      const attempts: [string, string, object?][] = [
        ['POST', `/returns/${s1}/reopen`, { reason: 'x' }],
        ['POST', `/returns/${cycleId}.S2/extend`, { dueDate: '2031-01-31', reason: 'x' }],
        ['POST', `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`, { dueDate: '2031-01-31', reason: 'x' }],
        ['POST', `/returns/${cycleId}.S2/reassign`, { toAgencyId: 'kent-cc', reason: 'x' }],
        ['POST', `/returns/${cycleId}.S2/withdraw`, { reason: 'x' }],
        ['POST', `/cycles/${cycleId}/close`, { force: true, reason: 'x' }],
        ['GET', '/partnerships/sevenoaks-lsp/plan'],
        ['GET', '/partnerships/sevenoaks-lsp/agencies'],
        ['GET', `/returns?cycleId=${cycleId}`],
        ['GET', `/returns/${s1}/diff?from=1&to=2`],
        ['GET', `/returns/${s1}`],
      ];
      for (const [method, path, body] of attempts) {
        const answer = await call(method, path, other, body);
        expect([method, path, answer.status]).toEqual([method, path, 404]);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
      }
      const cycles = await call('GET', '/cycles', other);
      expect(cycles.body.cycles.map((c: { cycleId: string }) => c.cycleId)).not.toContain(cycleId);
      // Nothing they tried changed anything.
      expect((await product.store.readStream(`return:${cycleId}.S2`)).map((e) => e.type)).toEqual([
        'ReturnRequested',
      ]);
      expect((await call('GET', `/cycles/${cycleId}`, as.coordinator)).body.status).toBe('open');
    });
  });

  describe('OpenAPI', () => {
    it('documents every new route with its DTOs and the If-Match and Idempotency-Key headers', async () => {
      const doc = (await call('GET', '/api/docs-json', {})).body;
      const routes: [string, string][] = [
        ['post', '/returns/{returnId}/reopen'],
        ['post', '/returns/{returnId}/extend'],
        ['post', '/cycles/{cycleId}/agencies/{agencyId}/extend'],
        ['post', '/returns/{returnId}/reassign'],
        ['post', '/returns/{returnId}/withdraw'],
        ['post', '/cycles/{cycleId}/close'],
        ['put', '/returns/{returnId}/draft'],
        ['post', '/returns/{returnId}/submit'],
        ['post', '/returns/{returnId}/approve'],
        ['post', '/returns/{returnId}/send-back'],
        ['post', '/cycles/{cycleId}/open'],
      ];
      for (const [method, path] of routes) {
        const operation = doc.paths[path]?.[method];
        expect([path, operation?.summary]).toEqual([path, expect.any(String)]);
        const headers = operation.parameters.filter((p: { in: string }) => p.in === 'header');
        expect([path, headers.map((h: { name: string }) => h.name).sort()]).toEqual([
          path,
          ['Idempotency-Key', 'If-Match'],
        ]);
      }
      expect(doc.paths['/cycles'].post.parameters.map((p: { name: string }) => p.name)).toContain(
        'Idempotency-Key',
      );
      for (const path of [
        '/partnerships/{partnershipId}/plan',
        '/partnerships/{partnershipId}/agencies',
        '/cycles',
        '/returns',
        '/returns/{returnId}/diff',
      ]) {
        expect([path, doc.paths[path]?.get?.summary]).toEqual([path, expect.any(String)]);
      }
      const query = doc.paths['/returns'].get.parameters;
      expect(query.find((p: { name: string }) => p.name === 'cycleId')).toMatchObject({
        in: 'query',
        required: true,
      });
      const schemas = doc.components.schemas;
      expect(schemas.ExtendDeadlineDto.properties.dueDate.description).toMatch(/after the current one/);
      expect(schemas.ReassignReturnDto.required).toEqual(expect.arrayContaining(['toAgencyId', 'reason']));
      expect(schemas.CloseCycleDto.properties).toHaveProperty('force');
      expect(schemas.ReturnContentDto.properties).toHaveProperty('tables');
      expect(schemas.DraftCycleDto.properties).toHaveProperty('dueDate');
      // Every request body documents its fields, sign-in and staff administration included.
      const bodies = Object.entries(schemas).filter(([name]) => name.endsWith('Dto'));
      const empty = bodies.filter(
        ([, s]) => Object.keys((s as { properties?: object }).properties ?? {}).length === 0,
      );
      expect(empty.map(([name]) => name)).toEqual([]);
      expect(schemas.CreateStaffDto.properties.role.enum).toEqual([
        'coordinator',
        'reviewer',
        'board',
        'viewer',
      ]);
      expect(schemas.SignInDto.required).toEqual(['email', 'password']);
    });
  });
});
