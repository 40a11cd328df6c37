import { digestNow } from './support/log-digest.js';
import { createHash } from 'node:crypto';
import { FixedClock, scopedCycleId } from '../libs/kernel/src/index.js';
import { LogCheckpoints, verifyLog } from '../libs/event-store/src/index.js';
import { chasesSentByReturn } from '../libs/reporting/src/index.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { freshLead, openCycle, projectionsSettled, submitAndApprove } from './support/reporting.js';

/**
 * Time and freezing: trends over the plan's cycles, the report, the status and a return as they stood at past
 * instants (replayed from the events), and publications that never change once made. The clock is injected
 * and moved through the cycle; the plan is imported (at the real time) before its start.
 */
describe('reports as at any time, and publishing (e2e)', () => {
  const clock = new FixedClock(new Date('2030-04-20T09:00:00Z'));
  let product: Product;
  let call: ReturnType<typeof http>;
  const y0 = scopedCycleId('sevenoaks-lsp', 'y0-2018-19');
  const y1 = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const instants: Record<string, string> = {};
  const minutes = (n: number) => clock.advance(n * 60_000);
  const mark = (name: string) => {
    minutes(1);
    instants[name] = clock.now().toISOString();
    minutes(1);
  };
  const measure = (report: { themes: { measures: { ref: string }[] }[] }, ref: string) =>
    report.themes.flatMap((t) => t.measures).find((m) => m.ref === ref) as
      Record<string, unknown> | undefined;
  // Coordinators may write a return for an agency, and then someone else must approve it.
  const enter = (returnId: string, content: object) =>
    submitAndApprove(call, returnId, as.coordinator, as.reviewer, content);

  beforeAll(async () => {
    product = await startProduct('report_as_at', clock);
    await importSevenoaks(product.store);
    call = http(product.baseUrl);

    mark('beforeCycles');
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId: y0,
        label: 'Year 0 2018/19',
        periodStart: '2018-04-01',
        periodEnd: '2019-03-31',
        dueDate: '2030-04-25',
      },
      ['S1', 'S2', 'S3'],
    );
    await enter(`${y0}.S1`, { rag: 'amber', narrative: 'Year 0: 80% of actions achieved' });
    await enter(`${y0}.S2`, { rag: 'green', narrative: 'Year 0: lowest in Kent' });
    await enter(`${y0}.S3`, { rag: 'red', narrative: 'Year 0: ASB rising' });
    expect((await call('POST', `/cycles/${y0}/close`, as.coordinator, {})).status).toBe(200);

    minutes(10);
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId: y1,
        label: 'Year 1 2019/20 (April 2019 - March 2020)',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2', 'S3', 'S4', 'S5', 'C1'],
    );
    await enter(`${y1}.S1`, { rag: 'green', narrative: 'First: 98% on target', dot: 'improving' });
    await enter(`${y1}.S2`, { rag: 'amber', narrative: 'Second lowest', dot: 'no-change' });
    await enter(`${y1}.S3`, { rag: 'red', narrative: 'Still rising', dot: 'no-change' });
    for (const [ref, dueDate] of [
      ['S4', '2030-05-20'],
      ['S5', '2030-05-15'],
    ]) {
      const extended = await call('POST', `/returns/${y1}.${ref}/extend`, as.coordinator, {
        dueDate,
        reason: 'Figures come late from the police',
      });
      expect(extended.status).toBe(200);
    }
    mark('firstApprovals');

    expect(
      (await call('POST', `/returns/${y1}.S1/reopen`, as.coordinator, { reason: 'Q4 figures' })).status,
    ).toBe(200);
    await enter(`${y1}.S1`, {
      rag: 'green',
      narrative: 'Amended: 98% on target, Q4 included',
      dot: 'improving',
    });
    mark('amended');

    // Twenty days on: S5 submitted after its original due date but before its extended one; C1 overdue.
    clock.set(new Date('2030-05-10T09:00:00Z'));
    const s5 = await call('POST', `/returns/${y1}.S5/submit`, as.coordinator, {
      rag: 'green',
      narrative: 'Done',
    });
    expect(s5.status).toBe(200);
    mark('may10');
    await projectionsSettled(product);
  });
  afterAll(() => product.stop());

  describe('across cycles', () => {
    it('shows each measure’s RAG trend and the DOT the previous approved RAG suggests beside the chosen one', async () => {
      const report = (await call('GET', `/cycles/${y1}/report`, as.coordinator)).body;
      expect(measure(report, 'S1')).toMatchObject({
        rag: 'green',
        dot: 'improving',
        previousRag: 'amber',
        suggestedDot: 'improving',
        trend: [{ cycleId: y0, label: 'Year 0 2018/19', periodStart: '2018-04-01', rag: 'amber' }],
      });
      expect(measure(report, 'S2')).toMatchObject({
        dot: 'no-change',
        previousRag: 'green',
        suggestedDot: 'declining',
      });
      expect(measure(report, 'S3')).toMatchObject({
        dot: 'no-change',
        previousRag: 'red',
        suggestedDot: 'no-change',
      });
      const html = (await call('GET', `/cycles/${y1}/report?format=html`, as.coordinator)).body as string;
      expect(html).toContain('Suggested by the RAGs: Declining');
      expect(html).toContain('Trend: Year 0 2018/19 <span class="chip rag-amber">Amber</span>');
      // The earlier cycle has no earlier one: every rating there is new.
      const first = (await call('GET', `/cycles/${y0}/report`, as.coordinator)).body;
      expect(measure(first, 'S1')).toMatchObject({ trend: [], previousRag: null, suggestedDot: 'new' });
    });
  });

  describe('as at a past instant', () => {
    it('gives the report as it stood then, from the events', async () => {
      const then = await call('GET', `/cycles/${y1}/report?asAt=${instants.firstApprovals}`, as.coordinator);
      expect(then.status).toBe(200);
      expect(then.body.asAt).toBe(instants.firstApprovals);
      expect(measure(then.body, 'S1')).toMatchObject({ narrative: 'First: 98% on target', version: 3 });
      const now = (await call('GET', `/cycles/${y1}/report`, as.coordinator)).body;
      expect(measure(now, 'S1')).toMatchObject({
        narrative: 'Amended: 98% on target, Q4 included',
        version: 6,
      });
      // Before the cycle existed there was no report of it.
      const before = await call('GET', `/cycles/${y1}/report?asAt=${instants.beforeCycles}`, as.coordinator);
      expect(before.status).toBe(404);
      // Other formats replay the same way.
      const csv = await call(
        'GET',
        `/cycles/${y1}/report?asAt=${instants.firstApprovals}&format=csv`,
        as.coordinator,
      );
      expect(csv.body).toContain('First: 98% on target');
      expect(csv.headers.get('content-disposition')).toContain('-as-at-');
    });

    it('gives a return as it stood then', async () => {
      const then = await call('GET', `/returns/${y1}.S1?asAt=${instants.firstApprovals}`, as.coordinator);
      expect(then.status).toBe(200);
      expect(then.body).toMatchObject({
        status: 'approved',
        version: 3,
        approved: { content: { narrative: 'First: 98% on target' } },
      });
      expect(then.body.history.map((h: { type: string }) => h.type)).toEqual([
        'ReturnRequested',
        'ReturnSubmitted',
        'ReturnApproved',
      ]);
      expect(then.headers.get('etag')).not.toMatch(/^"\d+"$/);
      const now = await call('GET', `/returns/${y1}.S1`, as.coordinator);
      expect(now.body.version).toBe(6);
    });

    it('gives the status now and as it stood then: counts, overdue with days and chases, completeness, timeliness', async () => {
      const now = await call('GET', `/cycles/${y1}/status`, as.coordinator);
      expect(now.status).toBe(200);
      expect(now.body).toMatchObject({
        cycleId: y1,
        today: '2030-05-10',
        totals: { requested: 2, draft: 0, submitted: 1, approved: 3, withdrawn: 0, overdue: 1, total: 6 },
        completeness: { count: 4, of: 6, percent: 67 },
        timeliness: {
          byOriginalDueDate: { count: 3, of: 6, percent: 50 },
          byExtendedDueDate: { count: 4, of: 6, percent: 67 },
          extended: 2,
          notYetSubmitted: 2,
        },
      });
      expect(now.body.overdue).toEqual([
        expect.objectContaining({
          returnId: `${y1}.C1`,
          measureRef: 'C1',
          agencyId: 'sevenoaks-dc',
          agency: 'Sevenoaks District Council',
          daysOverdue: 10,
          dueDate: '2030-04-30',
        }),
      ]);
      // Chases sent are read from the chase streams' ReminderSent events, as at the same instant.
      const chases = await product.store.readStream(`chase:${y1}:sevenoaks-dc`);
      expect(now.body.overdue[0].chasesSent).toBe(chasesSentByReturn(chases).get(`${y1}.C1`) ?? 0);
      const safe = now.body.byTheme.find((t: { themeId: string }) => t.themeId === 'safe-communities');
      expect(safe.counts).toMatchObject({ approved: 3, submitted: 1, requested: 1, total: 5 });
      const csp = now.body.byAgency.find((a: { agencyId: string }) => a.agencyId === 'sevenoaks-csp');
      expect(csp).toMatchObject({ agency: 'Sevenoaks District Community Safety Partnership' });

      const then = await call('GET', `/cycles/${y1}/status?asAt=${instants.firstApprovals}`, as.coordinator);
      expect(then.body).toMatchObject({
        asAt: instants.firstApprovals,
        today: '2030-04-20',
        totals: { requested: 3, approved: 3, overdue: 0, total: 6 },
        overdue: [],
      });
    });

    it('refuses a bad asAt with a 400 problem naming it, on every read', async () => {
      for (const path of [`/cycles/${y1}/report`, `/cycles/${y1}/status`, `/returns/${y1}.S1`]) {
        for (const bad of ['yesterday', '2020-04-30', '2020-02-30T12:00:00Z', '2099-01-01T00:00:00Z']) {
          const answer = await call('GET', `${path}?asAt=${bad}`, as.coordinator);
          expect(answer.status).toBe(400);
          expect(answer.headers.get('content-type')).toContain('application/problem+json');
          expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'asAt' })]);
        }
      }
    });
  });

  describe('publishing', () => {
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    let first: { publication: number; contentHash: string; publishedAt: string };
    let firstBody: string;

    it('needs a coordinator and a closed cycle', async () => {
      expect((await call('POST', `/cycles/${y1}/publish`, as.coordinator)).status).toBe(409);
      const closed = await call('POST', `/cycles/${y1}/close`, as.coordinator, {
        force: true,
        reason: 'Board meeting; the rest follow as amendments',
      });
      expect(closed.status).toBe(200);
      const reviewer = await call('POST', `/cycles/${y1}/publish`, as.reviewer);
      expect(reviewer.status).toBe(403);
      expect((await call('POST', `/cycles/${y1}/publish`, as.otherCoordinator)).status).toBe(404);
      expect((await call('GET', `/cycles/${y1}/report?published=latest`, as.coordinator)).status).toBe(404);
    });

    it('records ReportPublished with the SHA-256 of the report and serves those bytes unchanged', async () => {
      minutes(5);
      const published = await call('POST', `/cycles/${y1}/publish`, as.coordinator);
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({
        status: 'published',
        publication: 1,
        publishedAt: clock.now().toISOString(),
      });
      expect(published.headers.get('location')).toBe(`/cycles/${y1}/report?published=1`);
      first = published.body;

      const served = await fetch(`${product.baseUrl}/cycles/${y1}/report?published=latest`, {
        headers: as.coordinator,
      });
      firstBody = await served.text();
      expect(served.status).toBe(200);
      expect(sha256(firstBody)).toBe(first.contentHash);
      expect(served.headers.get('etag')).toBe(`"${first.contentHash}"`);
      expect(served.headers.get('content-disposition')).toBe(
        `inline; filename="sevenoaks-lsp-y1-2019-20-report-publication-1.json"`,
      );
      const [event] = (await product.store.readStream(`cycle:${y1}`)).filter(
        (e) => e.type === 'ReportPublished',
      );
      expect(event.data).toEqual({
        contentHash: first.contentHash,
        publishedAt: first.publishedAt,
        lastUpdatedDates: false,
      });
      // It is the report as it was: S1's amendment in, S5 (submitted, not approved) still awaited.
      const report = JSON.parse(firstBody);
      expect(measure(report, 'S1')).toMatchObject({ narrative: 'Amended: 98% on target, Q4 included' });
      expect(report.themes[0].awaiting.map((m: { ref: string }) => m.ref)).toEqual(['S4', 'S5']);
    });

    it('keeps the publication unchanged after amendments, which appear only in the next publication', async () => {
      minutes(5);
      expect(
        (await call('POST', `/returns/${y1}.S2/reopen`, as.coordinator, { reason: 'Police revised' })).status,
      ).toBe(200);
      await submitAndApprove(call, `${y1}.S2`, as.coordinator, as.reviewer2, {
        rag: 'green',
        narrative: 'Revised: lowest in Kent',
        dot: 'no-change',
      });
      await projectionsSettled(product);
      expect(measure((await call('GET', `/cycles/${y1}/report`, as.coordinator)).body, 'S2')).toMatchObject({
        narrative: 'Revised: lowest in Kent',
      });
      const latest = await fetch(`${product.baseUrl}/cycles/${y1}/report?published=latest`, {
        headers: as.coordinator,
      });
      expect(await latest.text()).toBe(firstBody);
      const html = await call('GET', `/cycles/${y1}/report?published=1&format=html`, as.coordinator);
      expect(html.body).toMatch(
        /<p class="colophon">Publication 1, published \d{1,2} \w+ \d{4}\. Content hash: [0-9a-f]{64}<\/p>/,
      );
      expect(html.body).toContain('Second lowest');
      expect(html.body).not.toContain('Revised: lowest in Kent');
      expect(html.body).toContain(`<p class="back-link"><a href="/coordinate/cycles/`);
      // Saved to go on a council's website: a file, the same report, and no link into the service.
      const file = await fetch(
        `${product.baseUrl}/cycles/${y1}/report?published=1&format=html&download=true`,
        {
          headers: as.coordinator,
        },
      );
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toMatch(
        /^attachment; filename=".*-publication-1\.html"$/,
      );
      const saved = await file.text();
      expect(saved).not.toContain('<p class="back-link">');
      expect(saved).not.toContain('href="/');
      expect(saved.replace(/\s+/g, ' ')).toContain('Second lowest');
      const wrong = await call(
        'GET',
        `/cycles/${y1}/report?published=1&format=html&download=yes`,
        as.coordinator,
      );
      expect(wrong.status).toBe(400);
      expect(JSON.stringify(wrong.body)).toContain('download');

      minutes(5);
      // Issue 17 point 1: a publication prints the log's latest checkpoint digest (the first had none yet).
      const digest = await digestNow(new LogCheckpoints(product.db.dataSource, product.store));
      const second = await call('POST', `/cycles/${y1}/publish`, as.coordinator);
      expect(second.status).toBe(201);
      expect(second.body.publication).toBe(2);
      expect(second.body.contentHash).not.toBe(first.contentHash);
      const two = await fetch(`${product.baseUrl}/cycles/${y1}/report?published=latest`, {
        headers: as.coordinator,
      });
      const twoBody = await two.text();
      expect(sha256(twoBody)).toBe(second.body.contentHash);
      expect(measure(JSON.parse(twoBody), 'S2')).toMatchObject({ narrative: 'Revised: lowest in Kent' });
      const one = await fetch(`${product.baseUrl}/cycles/${y1}/report?published=1`, {
        headers: as.coordinator,
      });
      expect(await one.text()).toBe(firstBody);
      expect((await call('GET', `/cycles/${y1}/report?published=3`, as.coordinator)).status).toBe(404);
      const list = await call('GET', `/cycles/${y1}/publications`, as.viewer);
      expect(list.body.publications).toEqual([
        expect.objectContaining({
          publication: 1,
          contentHash: first.contentHash,
          publishedBy: 'cora@sevenoaks.example.org',
        }),
        expect.objectContaining({ publication: 2, contentHash: second.body.contentHash }),
      ]);
      expect(list.body.publications[0].logDigest).toBeNull();
      const printed = JSON.parse(list.body.publications[1].logDigest);
      expect(printed).toEqual(digest);
      const twoHtml = await call('GET', `/cycles/${y1}/report?published=2&format=html`, as.coordinator);
      expect(twoHtml.body).toContain(
        `Content hash: ${second.body.contentHash}. Log digest: root ${digest.root}, fence ${digest.fence}, ` +
          `position ${digest.position}`,
      );
      // What the publication printed is enough to check the log from outside.
      expect(await verifyLog(product.db.dataSource, printed)).toMatchObject({ ok: true });
    });

    it('shows an agency lead only their agency’s part of a publication, and refuses asAt with published', async () => {
      const lead = await freshLead(product, 'sevenoaks-dc', 'hannah.okafor@example.org');
      const theirs = await call('GET', `/cycles/${y1}/report?published=1`, lead);
      expect(theirs.status).toBe(200);
      expect(
        theirs.body.themes.flatMap((t: { awaiting: { ref: string }[] }) => t.awaiting.map((m) => m.ref)),
      ).toEqual(['S5', 'C1']);
      expect(theirs.body.themes.flatMap((t: { measures: unknown[] }) => t.measures)).toEqual([]);
      const both = await call(
        'GET',
        `/cycles/${y1}/report?published=1&asAt=${instants.may10}`,
        as.coordinator,
      );
      expect(both.status).toBe(400);
      expect(both.body.errors).toEqual([expect.objectContaining({ field: 'published' })]);
    });

    it('prints when each measure was last updated only when the coordinator chooses it, and names the field of a bad choice', async () => {
      const bad = await call('POST', `/cycles/${y1}/publish`, as.coordinator, { lastUpdatedDates: 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        expect.objectContaining({ field: 'lastUpdatedDates', rule: 'isBoolean' }),
      ]);
      const undated = await fetch(`${product.baseUrl}/cycles/${y1}/report?published=latest&format=html`, {
        headers: as.coordinator,
      });
      expect(await undated.text()).not.toContain('Last updated');

      minutes(5);
      const dated = await call('POST', `/cycles/${y1}/publish`, as.coordinator, { lastUpdatedDates: true });
      expect(dated.status).toBe(201);
      const events = (await product.store.readStream(`cycle:${y1}`)).filter(
        (e) => e.type === 'ReportPublished',
      );
      expect(events.at(-1)?.data).toMatchObject({
        lastUpdatedDates: true,
        contentHash: dated.body.contentHash,
      });
      const json = (await call('GET', `/cycles/${y1}/report?published=latest`, as.coordinator)).body;
      expect(measure(json, 'S2')).toMatchObject({
        lastUpdated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(measure(json, 'S2')).not.toHaveProperty('approvedBy');
      const html = (await call('GET', `/cycles/${y1}/report?published=latest&format=html`, as.coordinator))
        .body as string;
      expect(html).toMatch(/<p class="approval">Last updated \d{1,2} \w+ \d{4}<\/p>/);
      expect(html).not.toMatch(/@sevenoaks\.example\.org|\(version \d/);
    });
  });
});
