import { S1 } from './fixtures/sevenoaks-2019-20-returns.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';

/**
 * A cycle's appendices through the API: the coordinator makes and orders them, enters case studies and places an
 * agency's; staff read them; every write takes If-Match, refuses bad input by field and rule, and only a
 * coordinator may write.
 */
describe('the appendices of a cycle (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let base: string;
  let version = 0;
  const cycleId = 'appendix-cycle';
  const write = async (method: string, path: string, body?: unknown, headers = as.coordinator) => {
    const res = await call(method, `${base}${path}`, { ...headers, 'if-match': `"${version}"` }, body);
    if (res.status < 300) version = res.body.version;
    return res;
  };
  const read = async (headers = as.coordinator) => {
    const res = await call('GET', base, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
    return res.body;
  };
  const intern = {
    title: 'Krysta Ablethorp, Year 14',
    organisation: 'Sevenoaks District Council and Broomhill Bank School',
    author: 'Lucy Soper, Job Coach',
    measureRef: 'D2',
    sections: [{ heading: 'Academic background', body: '- GCSE Mathematics- 5' }],
  };

  beforeAll(async () => {
    product = await startProduct('appendices');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
      cycleId,
    });
    expect(drafted.status).toBe(201);
    base = `/cycles/${encodeURIComponent(drafted.body.id)}/appendices`;
    const opened = await call('POST', `/cycles/${encodeURIComponent(drafted.body.id)}/open`, as.coordinator, {
      measureRefs: ['S1', 'D2'],
    });
    expect(opened.status).toBe(200);
    const draft = await call(
      'PUT',
      `/returns/${encodeURIComponent(drafted.body.id)}.S1/draft`,
      as.lead('sevenoaks-csp'),
      S1,
    );
    expect(draft.status).toBe(200);
  });
  afterAll(() => product.stop());

  it('adds, retitles and reorders appendices, and staff read them in order', async () => {
    expect(await read()).toMatchObject({ version: 0, appendices: [] });
    const interns = await write('POST', '', { title: 'Internships' });
    expect([interns.status, interns.body.id]).toEqual([201, 'appendix-1']);
    expect(interns.headers.get('etag')).toBe(`"${version}"`);
    expect((await write('POST', '', { title: 'Partner Case Studies' })).status).toBe(201);
    expect(
      (
        await write('PUT', '/appendix-1', {
          title: 'Supported Internship Case Studies',
          introduction: 'completed by Lucy Soper, Job Coach',
        })
      ).status,
    ).toBe(200);
    expect((await write('POST', '/appendix-2/move', { position: 1 })).status).toBe(200);
    for (const staff of [as.reviewer, as.viewer]) {
      expect(
        (await read(staff)).appendices.map((a: { number: number; title: string }) => [a.number, a.title]),
      ).toEqual([
        [1, 'Partner Case Studies'],
        [2, 'Supported Internship Case Studies'],
      ]);
    }
  });

  it('enters, edits, moves and removes case studies', async () => {
    const added = await write('POST', '/appendix-1/case-studies', intern);
    expect([added.status, added.body.id]).toEqual([201, 'study-1']);
    await write('POST', '/appendix-1/case-studies', { ...intern, title: 'Jack Collins, Year 13' });
    await write('POST', '/appendix-1/case-studies', { ...intern, title: 'Holly Bishop, Year 14' });
    expect(
      (await write('PUT', '/appendix-1/case-studies/study-2', { ...intern, title: 'Jack Collins, Year 13!' }))
        .status,
    ).toBe(200);
    expect((await write('POST', '/appendix-1/case-studies/study-3/move', { position: 1 })).status).toBe(200);
    expect((await write('DELETE', '/appendix-1/case-studies/study-1')).status).toBe(200);
    const [, interns] = (await read()).appendices;
    expect(interns).toMatchObject({ introduction: 'completed by Lucy Soper, Job Coach' });
    expect(
      interns.caseStudies.map((c: { title: string; author: string; measureRef: string }) => [
        c.title,
        c.author,
        c.measureRef,
      ]),
    ).toEqual([
      ['Holly Bishop, Year 14', 'Lucy Soper, Job Coach', 'D2'],
      ['Jack Collins, Year 13!', 'Lucy Soper, Job Coach', 'D2'],
    ]);
  });

  it("places an agency's case study carried by a return of the cycle, once", async () => {
    const offered = (await read()).agencyCaseStudies;
    expect(
      offered.map((s: { returnId: string; index: number; title: string }) => [s.index, s.title]),
    ).toEqual(S1.caseStudies.map((s, i) => [i, s.title]));
    const returnId = offered[0].returnId;
    const placed = await write('POST', '/appendix-2/agency-case-studies', { returnId, index: 1 });
    expect(placed.status).toBe(201);
    const view = await read();
    expect(view.appendices[0].caseStudies).toEqual([
      expect.objectContaining({
        kind: 'placed',
        title: S1.caseStudies[1].title,
        organisation: S1.caseStudies[1].agency,
        measureRef: 'S1',
        themeId: 'safe-communities',
        agencyId: 'sevenoaks-csp',
      }),
    ]);
    expect(view.agencyCaseStudies[1]).toMatchObject({ placedIn: 'appendix-2' });
    const twice = await write('POST', '/appendix-1/agency-case-studies', { returnId, index: 1 });
    expect([twice.status, twice.body.code]).toEqual([409, 'already-placed']);
    const none = await write('POST', '/appendix-1/agency-case-studies', { returnId, index: 7 });
    expect([none.status, none.body.code, none.body.errors?.[0]?.field]).toEqual([
      422,
      'no-such-agency-case-study',
      'index',
    ]);
  });

  it('refuses a stale If-Match with 409 and changes nothing', async () => {
    const before = await read();
    const stale = await call(
      'POST',
      base,
      { ...as.coordinator, 'if-match': `"${before.version - 1}"` },
      { title: 'Late' },
    );
    expect([stale.status, stale.body.code]).toEqual([409, 'stale-version']);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect((await read()).version).toBe(before.version);
  });

  it('refuses bad input naming the field and the rule, never a 500', async () => {
    const cases: [string, string, unknown, number, string, string][] = [
      ['POST', '', { title: '' }, 400, 'title', 'minLength'],
      ['POST', '', { title: 'x'.repeat(301) }, 400, 'title', 'maxLength'],
      ['POST', '/appendix-1/move', { position: 0 }, 400, 'position', 'min'],
      ['POST', '/appendix-1/move', { position: 3 }, 422, 'position', 'out-of-range'],
      ['POST', '/appendix-1/case-studies', { ...intern, sections: [] }, 400, 'sections', 'arrayMinSize'],
      [
        'POST',
        '/appendix-1/case-studies',
        { ...intern, measureRef: 'Z9' },
        422,
        'measureRef',
        'unknown-measure',
      ],
      [
        'POST',
        '/appendix-1/case-studies',
        { ...intern, themeId: 'nowhere' },
        422,
        'themeId',
        'unknown-theme',
      ],
      ['POST', '/appendix-1/case-studies', { ...intern, organisation: 7 }, 400, 'organisation', 'isString'],
      ['POST', '/appendix-9/case-studies', intern, 404, 'appendixId', 'appendix-not-found'],
    ];
    for (const [method, path, body, status, field, rule] of cases) {
      const res = await write(method, path, body);
      expect([path, field, res.status]).toEqual([path, field, status]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
  });

  it('gives the coordinator a page for them, linked from the dashboard, that works without JavaScript', async () => {
    const cycle = base.replace(/^\/cycles\//, '').replace(/\/appendices$/, '');
    // The page's forms carry the double-submit token bound to the CSRF cookie the page sets.
    let csrf = { token: '', cookie: '' };
    const page = async (path = '') => {
      const res = await fetch(`${product.baseUrl}/coordinate/cycles/${cycle}${path}`, {
        headers: as.coordinator,
      });
      expect(res.status).toBe(200);
      const html = await res.text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      if (token)
        csrf = {
          token,
          cookie: res.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; '),
        };
      return html;
    };
    expect(await page()).toContain(`href="/coordinate/cycles/${cycle}/appendices"`);
    const before = await page('/appendices');
    expect(before).toContain('Appendix 1 - Partner Case Studies');
    expect(before).toContain('Appendix 2 - Supported Internship Case Studies');
    const current = (await read()).version;
    const post = (form: string, fields: Record<string, string>) =>
      fetch(`${product.baseUrl}/coordinate/cycles/${cycle}/appendices/${form}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          ...as.coordinator,
          origin: product.baseUrl,
          cookie: csrf.cookie,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ ...fields, _csrf: csrf.token }).toString(),
      });
    // A broken rule comes back as the GOV.UK error summary, linking to the field it names.
    const refused = await post('add', { title: '', version: String(current) });
    expect(refused.status).toBe(303);
    const withError = await page(refused.headers.get('location')!.replace(/^.*\/appendices/, '/appendices'));
    expect(withError).toContain('govuk-error-summary');
    expect(withError).toContain('href="#add-new-title"');
    expect(withError).toContain('id="add-new-title"');
    const stale = await post('add', { title: 'Late', version: String(current - 1) });
    expect(decodeURIComponent(stale.headers.get('location')!)).toContain(
      'changed since this page was loaded',
    );
    const added = await post('add', { title: 'Glossary of terms', version: String(current) });
    expect(added.status).toBe(303);
    expect(await page('/appendices')).toContain('Appendix 3 - Glossary of terms');

    // A study the coordinator entered is edited in its form, filled with what it holds.
    const [, interns] = (await read()).appendices;
    const jack = interns.caseStudies[1];
    const form = await page('/appendices');
    expect(form).toContain(
      `id="change-study-appendix-1-${jack.caseStudyId}-title" name="title" type="text" value="${jack.title}"`,
    );
    const edit = async (fields: Record<string, string>) =>
      post('change-study', {
        appendixId: 'appendix-1',
        caseStudyId: jack.caseStudyId,
        title: 'Jack Collins, Year 13',
        organisation: jack.organisation,
        author: jack.author,
        measureRef: 'D2',
        themeId: '',
        heading1: 'Academic background',
        body1: '- GCSE English',
        version: String((await read()).version),
        ...fields,
      });
    const noBody = await edit({ heading2: 'Other comments', body2: '' });
    const withSectionError = await page(
      noBody.headers.get('location')!.replace(/^.*\/appendices/, '/appendices'),
    );
    expect(withSectionError).toContain(
      `href="#change-study-appendix-1-${jack.caseStudyId}-sections-1--body"`,
    );
    expect((await edit({})).status).toBe(303);
    expect((await read()).appendices[1].caseStudies[1]).toMatchObject({
      title: 'Jack Collins, Year 13',
      sections: [{ heading: 'Academic background', body: '- GCSE English' }],
    });
    version = (await read()).version;
  });

  it('refuses a lead, a reviewer and a viewer writing (403), and a lead reading', async () => {
    for (const who of [as.lead('sevenoaks-csp'), as.reviewer, as.viewer]) {
      expect((await write('POST', '', { title: 'Mine' }, who)).status).toBe(403);
      expect((await write('DELETE', '/appendix-1', undefined, who)).status).toBe(403);
    }
    expect((await call('GET', base, as.lead('sevenoaks-csp'))).status).toBe(403);
  });
});
