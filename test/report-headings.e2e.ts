import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from './support/product.js';
import { openCycle, submitAndApprove } from './support/reporting.js';
import { postPageForm } from './support/page-form.js';

/**
 * Issue 12 point 4: the report's title and year heading follow the seed by default, made from the plan and the
 * cycle, and the coordinator may set their own when drafting a cycle or later (API and dashboard page). And the
 * coordinator's other choice about what a publication prints (point 2): last-updated dates, on the same page.
 */
describe('the report’s title and year heading (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const path = (name: string) => `/cycles/sevenoaks-lsp~${name}`;
  const headings = async (name: string) => {
    const { body } = await call('GET', `${path(name)}/report`, as.coordinator);
    return { title: body.title as string, yearHeading: body.yearHeading as string };
  };
  const version = async (name: string) =>
    (await call('GET', path(name), as.coordinator)).headers.get('etag')!;

  beforeAll(async () => {
    product = await startProduct('report_headings');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    for (const [cycleId, extra] of [
      ['y2-2020-21', {}],
      ['y1-own', { reportTitle: 'Our own title', yearHeading: 'The first year' }],
    ] as const) {
      const drafted = await call('POST', '/cycles', as.coordinator, {
        partnershipId: 'sevenoaks-lsp',
        planId: 'community-plan-2019-22',
        cycleId,
        label: 'Second year',
        periodStart: cycleId === 'y1-own' ? '2019-04-01' : '2020-04-01',
        periodEnd: cycleId === 'y1-own' ? '2020-03-31' : '2021-03-31',
        dueDate: '2031-04-30',
        ...extra,
      });
      expect(drafted.status).toBe(201);
    }
  });
  afterAll(() => product.stop());

  it('makes them from the plan and the cycle as the seed prints them, or takes those given when drafting', async () => {
    expect(await headings('y2-2020-21')).toEqual({
      title: 'Sevenoaks District Community Plan Annual Monitoring Report 2020/21',
      yearHeading: 'Year 2 (April 2020 - March 2021)',
    });
    expect(await headings('y1-own')).toEqual({ title: 'Our own title', yearHeading: 'The first year' });
    expect((await call('GET', path('y1-own'), as.coordinator)).body).toMatchObject({
      reportTitle: 'Our own title',
      yearHeading: 'The first year',
    });
  });

  it('sets them with If-Match, answers 409 when stale, names the field of a bad one, and null is the default', async () => {
    const etag = await version('y2-2020-21');
    const set = await call(
      'PUT',
      `${path('y2-2020-21')}/report-headings`,
      { ...as.coordinator, 'if-match': etag },
      {
        reportTitle: 'Annual Report 2020/21',
      },
    );
    expect(set.status).toBe(200);
    expect(await headings('y2-2020-21')).toEqual({
      title: 'Annual Report 2020/21',
      yearHeading: 'Year 2 (April 2020 - March 2021)',
    });
    const stale = await call(
      'PUT',
      `${path('y2-2020-21')}/report-headings`,
      { ...as.coordinator, 'if-match': etag },
      {
        reportTitle: 'Another',
      },
    );
    expect(stale.status).toBe(409);
    const now = await version('y2-2020-21');
    for (const [body, field] of [
      [{ reportTitle: 42 }, 'reportTitle'],
      [{ yearHeading: 'y'.repeat(201) }, 'yearHeading'],
    ] as const) {
      const bad = await call(
        'PUT',
        `${path('y2-2020-21')}/report-headings`,
        { ...as.coordinator, 'if-match': now },
        body,
      );
      expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, field]);
    }
    const blank = await call(
      'PUT',
      `${path('y2-2020-21')}/report-headings`,
      { ...as.coordinator, 'if-match': now },
      {
        reportTitle: '   ',
      },
    );
    expect([blank.status, blank.body.errors?.[0]?.field ?? blank.body.field]).toEqual([422, 'reportTitle']);
    const refused = await call(
      'PUT',
      `${path('y2-2020-21')}/report-headings`,
      { ...as.reviewer, 'if-match': now },
      {},
    );
    expect(refused.status).toBe(403);
    const back = await call(
      'PUT',
      `${path('y2-2020-21')}/report-headings`,
      { ...as.coordinator, 'if-match': now },
      {
        reportTitle: null,
      },
    );
    expect(back.status).toBe(200);
    expect((await headings('y2-2020-21')).title).toBe(
      'Sevenoaks District Community Plan Annual Monitoring Report 2020/21',
    );
    const events = (await product.store.readStream('cycle:sevenoaks-lsp~y2-2020-21')).filter(
      (e) => e.type === 'ReportHeadingsSet',
    );
    expect(events.map((e) => e.data)).toEqual([
      { reportTitle: 'Annual Report 2020/21', yearHeading: null },
      { reportTitle: null, yearHeading: null },
    ]);
  });

  it('prints the coordinator’s own opening sentence in HTML, Word and the JSON, the default without one', async () => {
    const SEED =
      'This Annual Report is produced by Sevenoaks District Council on behalf of the Sevenoaks District LSP ' +
      'using data and information provided by partners';
    const html = async () => (await call('GET', `${path('y1-own')}/report?format=html`, as.coordinator)).body;
    expect(await html()).toContain(
      '<p class="intro">This report is produced on behalf of the Sevenoaks District Local Strategic Partnership using data and information provided by partners.</p>',
    );
    const put = (body: object) =>
      call(
        'PUT',
        `${path('y1-own')}/report-headings`,
        { ...as.coordinator },
        { reportTitle: 'Our own title', yearHeading: 'The first year', ...body },
      );
    for (const [introduction, status] of [
      ['Two\nlines', 422],
      ['x'.repeat(601), 400],
    ] as const) {
      const bad = await put({ introduction });
      expect([bad.status, bad.body.errors?.[0]?.field ?? bad.body.field]).toEqual([status, 'introduction']);
    }
    expect((await put({ introduction: SEED })).status).toBe(200);
    expect(await html()).toContain(`<p class="intro">${SEED}</p>`);
    const json = await call('GET', `${path('y1-own')}/report`, as.coordinator);
    expect(json.body).toMatchObject({ introduction: SEED, title: 'Our own title' });
    const docx = await fetch(`${product.baseUrl}${path('y1-own')}/report?format=docx`, {
      headers: as.coordinator,
    });
    const { default: JSZip } = await import('jszip');
    const xml = await (
      await JSZip.loadAsync(await docx.arrayBuffer())
    )
      .file('word/document.xml')!
      .async('string');
    expect(xml).toContain(SEED);
    // Set once more as it is: nothing recorded; left out: the default again.
    expect((await put({ introduction: SEED })).status).toBe(200);
    expect((await put({})).status).toBe(200);
    expect(await html()).not.toContain(SEED);
    const events = (await product.store.readStream('cycle:sevenoaks-lsp~y1-own')).filter(
      (e) => e.type === 'ReportHeadingsSet',
    );
    expect(events.map((e) => (e.data as { introduction?: string }).introduction ?? null)).toEqual([
      SEED,
      null,
    ]);
  });

  it('lets the coordinator set them on the cycle’s dashboard page', async () => {
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    // A page form carries the double-submit CSRF token of the session, as the browser would send it.
    const posted = await postPageForm(product.baseUrl, {
      from: '/coordinate/cycles/y1-own',
      to: '/coordinate/cycles/y1-own/report-headings',
      headers: { cookie },
      fields: (html) => {
        expect(html).toContain('action="/coordinate/cycles/sevenoaks-lsp~y1-own/report-headings"');
        expect(html).toContain('value="Our own title"');
        return { reportTitle: 'Set on the page', yearHeading: '' };
      },
    });
    expect(posted.status).toBe(303);
    expect(await headings('y1-own')).toEqual({
      title: 'Set on the page',
      yearHeading: 'Year 1 (April 2019 - March 2020)',
    });
  });

  it('publishes from the dashboard with last-updated dates when the coordinator ticks the box, and without otherwise', async () => {
    const cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'y3-2021-22',
        label: 'Year 3',
        periodStart: '2021-04-01',
        periodEnd: '2022-03-31',
        dueDate: '2032-04-30',
      },
      ['S1'],
    );
    await submitAndApprove(call, `${cycleId}.S1`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'On target',
      dot: 'no-change',
    });
    expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const page = await fetch(`${product.baseUrl}/coordinate/cycles/y3-2021-22`, { headers: { cookie } });
    const html = await page.text();
    expect(html).toContain('name="lastUpdatedDates"');
    const publish = (fields: Record<string, string>) =>
      postPageForm(product.baseUrl, {
        from: '/coordinate/cycles/y3-2021-22',
        to: '/coordinate/cycles/y3-2021-22/publish',
        headers: { cookie },
        fields,
      });
    const s1 = async (publication: number) =>
      (await call('GET', `/cycles/${cycleId}/report?published=${publication}`, as.coordinator)).body.themes[0]
        .measures[0];
    expect((await publish({})).status).toBe(303);
    expect(await s1(1)).not.toHaveProperty('lastUpdated');
    expect((await publish({ lastUpdatedDates: 'yes' })).status).toBe(303);
    expect(await s1(2)).toMatchObject({
      ref: 'S1',
      lastUpdated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(await s1(2)).not.toHaveProperty('approvedBy');
  });
});
