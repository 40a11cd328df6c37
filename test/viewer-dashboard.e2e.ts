import { cycleNameOf } from '../libs/kernel/src/index.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  startProduct,
} from './support/product.js';
import { openCycle, submitAndApprove } from './support/reporting.js';

/**
 * The read-only cycle dashboard for viewers (and any staff member) on the Sevenoaks cycle: the same totals and
 * bars as the coordinator's, the overdue returns, each agency's returns, the report in every format and its
 * publications; nothing that writes, no contact, no submission link, no way into a coordinator's page; and
 * another partnership's staff are told the cycle does not exist.
 */
describe("the viewer's cycle dashboard (e2e)", () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  /** A viewer of another partnership, signed in for real (a session cookie). */
  let otherViewer: Record<string, string>;
  const cyclePath = () => `/view/cycles/${encodeURIComponent(cycleId)}`;
  const contactEmails = sevenoaksPlan().agencies.flatMap((a) => a.contacts.map((c) => c.email));

  async function page(path: string, who: Record<string, string> = as.viewer) {
    const response = await fetch(`${product.baseUrl}${path}`, {
      redirect: 'manual',
      headers: { ...who, accept: 'text/html' },
    });
    return { status: response.status, html: await response.text() };
  }

  const totals = (html: string) =>
    Object.fromEntries(
      [
        ...html.matchAll(
          /<span class="app-totals__n">(\d+)<\/span> <span class="app-totals__words">([^<]+)<\/span>/g,
        ),
      ].map((m) => [m[2], Number(m[1])]),
    );
  const hrefs = (html: string) =>
    [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  /** What a read-only page must never hold: a form or a button, a contact, a link that writes or administers. */
  function readOnly(whole: string) {
    // Every signed-in page's footer has its Sign out button; what the page itself holds is in <main>.
    const html = whole.split('<main')[1].split('</main>')[0];
    expect(html).not.toMatch(/<form|<button|govuk-button/);
    expect(contactEmails.filter((email) => html.includes(email))).toEqual([]);
    expect(
      hrefs(html).filter((h) => /^\/(coordinate|review|agency|l\/|link|admin)(\/|$|\?)/.test(h)),
    ).toEqual([]);
  }

  beforeAll(async () => {
    product = await startProduct('viewer_dashboard');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    // Due a few weeks ago: every return still outstanding is overdue.
    cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'y1-view',
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2026-11-20',
    });
    // One return in progress, one submitted, one approved (all Sevenoaks CSP's).
    const csp = as.lead('sevenoaks-csp');
    expect((await call('PUT', `/returns/${cycleId}.S1/draft`, csp, { rag: 'amber' })).status).toBe(200);
    const done = { rag: 'green', narrative: 'Done' };
    expect((await call('POST', `/returns/${cycleId}.S2/submit`, csp, done)).status).toBe(200);
    await submitAndApprove(call, `${cycleId}.S3`, csp, as.reviewer, done);

    // Another partnership with a viewer of its own.
    const email = 'viewer@other.example.org';
    const made = await call('POST', '/staff', as.otherCoordinator, {
      email,
      name: 'Other viewer',
      role: 'viewer',
      password: PASSWORD,
    });
    expect(made.status).toBe(201);
    const signedIn = await call('POST', '/auth/sign-in', {}, { email, password: PASSWORD });
    otherViewer = { cookie: signedIn.headers.get('set-cookie')!.split(';')[0] };
  }, 90_000);
  afterAll(() => product?.stop());

  it('links each cycle on /view to its dashboard', async () => {
    const { status, html } = await page('/view');
    expect(status).toBe(200);
    expect(hrefs(html)).toContain(cyclePath());
    readOnly(html);
  });

  it('shows the cycle at a glance, as the coordinator sees it, and nothing that writes', async () => {
    const { status, html } = await page(cyclePath());
    expect(status).toBe(200);
    expect(totals(html)).toEqual({
      'Returns asked for': 27,
      'Not started': 24,
      'In progress': 1,
      'Sent back': 0,
      Submitted: 1,
      Approved: 1,
      Overdue: 25,
    });
    // The same totals and bars as the coordinator's dashboard: one piece of code draws both.
    const coordinators = await page(`/coordinate/cycles/${encodeURIComponent(cycleId)}`, as.coordinator);
    expect(totals(html)).toEqual(totals(coordinators.html));
    const bars = (h: string) => h.match(/<svg class="app-chart__bar"[\s\S]*?<\/svg>/g);
    expect(bars(html)).toHaveLength(12);
    expect(bars(html)).toEqual(bars(coordinators.html));
    expect(html).toMatch(/Sevenoaks District Council: 15 returns asked for, 15 not started; 15 overdue\./);
    expect(html).toContain('due <span class="app-nowrap">20 November 2026</span>');
    expect(hrefs(html)).toContain(`${cyclePath()}/agencies/sevenoaks-dc`);
    readOnly(html);
  });

  it('lists the overdue returns with their agency and status tag, and none that is sent or approved', async () => {
    const { html } = await page(cyclePath());
    const table = html.split('Overdue returns, longest overdue first</caption>')[1].split('</table>')[0];
    const rows = table.split('<tbody')[1].split('</tr>').slice(0, -1);
    expect(rows).toHaveLength(25);
    expect(rows.join('')).toContain('Sevenoaks District Council');
    expect(rows.join('')).toContain('<strong class="govuk-tag govuk-tag--light-blue">In progress</strong>');
    expect(rows.join('')).not.toMatch(/<strong>S[23]<\/strong>/);
  });

  it('offers the report in every format', async () => {
    const { html } = await page(cyclePath());
    const report = `/cycles/${encodeURIComponent(cycleId)}/report`;
    for (const format of ['html', 'pdf', 'docx', 'xlsx', 'csv', 'json'])
      expect(hrefs(html)).toContain(`${report}?format=${format}`);
    const csv = await fetch(`${product.baseUrl}${report}?format=csv`, { headers: as.viewer });
    expect(csv.status).toBe(200);
    // The CSV's other tables, each a file of its own.
    for (const part of ['measures', 'summary', 'tables', 'indicators', 'appendices', 'case-studies']) {
      expect(hrefs(html)).toContain(`${report}?format=csv&part=${part}`);
      const file = await fetch(`${product.baseUrl}${report}?format=csv&part=${part}`, { headers: as.viewer });
      expect([part, file.status, file.headers.get('content-disposition')]).toEqual([
        part,
        200,
        expect.stringContaining(part === 'measures' ? '.csv' : `-${part}.csv`),
      ]);
    }
  });

  it("shows an agency's returns with status tags, one click away, with no link to a return or a contact", async () => {
    const { status, html } = await page(`${cyclePath()}/agencies/sevenoaks-csp`);
    expect(status).toBe(200);
    expect(html).toContain(
      '<h1 class="govuk-heading-l">Sevenoaks District Community Safety Partnership</h1>',
    );
    const tags = [...html.matchAll(/<strong class="govuk-tag govuk-tag--[a-z-]+">([^<]+)<\/strong>/g)].map(
      (m) => m[1],
    );
    expect(tags).toEqual(expect.arrayContaining(['In progress', 'Submitted', 'Approved', 'Overdue']));
    expect(hrefs(html)).toContain(cyclePath());
    readOnly(html);
    expect((await page(`${cyclePath()}/agencies/nobody`)).status).toBe(404);
  });

  it('is open to every staff member of the partnership, and to nobody else', async () => {
    for (const who of [as.viewer, as.reviewer, as.coordinator]) {
      expect((await page(cyclePath(), who)).status).toBe(200);
      expect((await page(`${cyclePath()}/agencies/kent-cc`, who)).status).toBe(200);
    }
    // A reviewer finds it from their own pages.
    expect(hrefs((await page('/review', as.reviewer)).html)).toContain('/view');
    expect((await page(cyclePath(), as.lead('sevenoaks-csp'))).status).toBe(403);
    const anonymous = await page(cyclePath(), {});
    expect(anonymous.status).toBe(303);
    // The coordinator's own dashboard stays the coordinator's.
    expect((await page(`/coordinate/cycles/${encodeURIComponent(cycleId)}`)).status).toBe(403);
  });

  it("answers another partnership's viewer as if the cycle did not exist", async () => {
    for (const path of [cyclePath(), `${cyclePath()}/agencies/sevenoaks-csp`, '/view/cycles/no-such-cycle']) {
      const { status, html } = await page(path, otherViewer);
      expect([path, status]).toEqual([path, 404]);
      expect(html).not.toContain('Year 1 2019/20');
    }
    const theirs = await page('/view', otherViewer);
    expect(theirs.status).toBe(200);
    expect(theirs.html).not.toContain('Year 1 2019/20');
  });

  it('lists the publications once published, and the HTML report leads the viewer back here', async () => {
    expect(
      (await call('POST', `/cycles/${cycleId}/close`, as.coordinator, { force: true, reason: 'Year end' }))
        .status,
    ).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator)).status).toBe(201);
    const { html } = await page(cyclePath());
    const report = `/cycles/${encodeURIComponent(cycleId)}/report`;
    expect(html).toMatch(/Publication 1, published \d{1,2} [A-Z][a-z]+ \d{4}:/);
    for (const format of ['html', 'pdf', 'docx', 'xlsx', 'csv', 'json']) {
      expect(hrefs(html)).toContain(`${report}?published=1&format=${format}`);
      expect(hrefs(html)).toContain(`${report}?published=latest&format=${format}`);
    }
    readOnly(html);
    const printed = await fetch(`${product.baseUrl}${report}?published=1&format=html`, {
      headers: as.viewer,
    });
    expect(printed.status).toBe(200);
    // Pages name a cycle by its name within the partnership, as the report's other ways back do.
    const back = `/view/cycles/${encodeURIComponent(cycleNameOf(cycleId))}`;
    expect(await printed.text()).toContain(`<a href="${back}">Back to the cycle’s progress</a>`);
    expect((await page(back)).status).toBe(200);
  });
});
