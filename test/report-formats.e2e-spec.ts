import { existsSync } from 'node:fs';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { importPlan } from '../libs/plan/src/index.js';
import { DOCX_MAX_MEASURES } from '../libs/reporting/src/index.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove } from './support/reporting.js';

/**
 * The report of a cycle in every format, served over HTTP with the right type and file name, and seen only by
 * the people who may: another partnership gets 404, an agency lead only their own agency's measures.
 */
describe('report formats and who sees them (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const cycleId = 'y1-2019-20';
  const get = (path: string, headers: Record<string, string> = as.coordinator) =>
    fetch(`${product.baseUrl}${path}`, { headers });

  beforeAll(async () => {
    product = await startProduct('report_formats');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await openCycle(call, as.coordinator, {
      cycleId,
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    await submitAndApprove(call, `${cycleId}.S1`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative:
        'Plan at **98%**.\n\n- Attending events\n  - 18 Task and Finish Groups\n\n<script>alert(1)</script>',
      dot: 'improving',
      comments: '=cmd|" /C calc"!A0',
    });
    await submitAndApprove(call, `${cycleId}.S5`, as.lead('sevenoaks-dc'), as.reviewer, {
      rag: 'amber',
      narrative: 'Parking teams continued enforcement',
      dot: 'no-change',
    });
    await projectionsSettled(product);
  });
  afterAll(() => product.stop());

  it('answers JSON by default and for Accept: application/json, with a file name', async () => {
    for (const headers of [
      as.coordinator,
      { ...as.coordinator, accept: '*/*' },
      { ...as.coordinator, accept: 'application/json' },
    ]) {
      const res = await get(`/cycles/${cycleId}/report`, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.headers.get('content-disposition')).toBe(
        `inline; filename="sevenoaks-lsp-${cycleId}-report.json"`,
      );
      expect(((await res.json()) as { headline: unknown }).headline).toMatchObject({
        text: '50% of measures on target',
        rated: 2,
      });
    }
  });

  it('answers printable HTML, escaped, for ?format=html or Accept: text/html', async () => {
    for (const [path, headers] of [
      [`/cycles/${cycleId}/report?format=html`, as.coordinator],
      [`/cycles/${cycleId}/report`, { ...as.coordinator, accept: 'text/html,application/xhtml+xml;q=0.9' }],
    ] as const) {
      const res = await get(path, headers);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(
        `inline; filename="sevenoaks-lsp-${cycleId}-report.html"`,
      );
      const html = await res.text();
      expect(html).toContain(
        '<h1>Sevenoaks District Community Plan Annual Monitoring Report 2019/20</h1>\n<p class="partnership">Sevenoaks District Local Strategic Partnership</p>\n<p class="year-heading">Year 1 (April 2019 - March 2020)</p>',
      );
      expect(html).toContain('<td class="rag rag-green">Green</td>');
      expect(html).toContain('<ul>\n<li>Attending events<ul>\n<li>18 Task and Finish Groups</li>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>');
      expect(html).toContain('<svg class="rag-chart"');
      expect(html).toContain('size: A4 landscape');
    }
  });

  it('links the HTML report back to the service: the dashboards, the task list or the queue', async () => {
    for (const [headers, href] of [
      [as.coordinator, `/coordinate/cycles/${cycleId}`],
      [as.lead('sevenoaks-dc'), `/agency/cycles/${cycleId}`],
      [as.reviewer, '/review'],
      [as.viewer, `/view/cycles/${cycleId}`],
    ] as const) {
      const res = await get(`/cycles/${cycleId}/report?format=html`, headers);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(
        new RegExp(`<body>\\n<p class="back-link"><a href="${href}">Back to [^<]+</a></p>\\n<header>`),
      );
    }
  });

  it('answers CSV and XLSX as attachments', async () => {
    const csv = await get(`/cycles/${cycleId}/report`, { ...as.coordinator, accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="sevenoaks-lsp-${cycleId}-report.csv"`,
    );
    const text = await csv.text();
    expect(text.split('\r\n')).toHaveLength(1 + 27 + 1);
    expect(text).toContain(`"'=cmd|"" /C calc""!A0"`);

    const xlsx = await get(`/cycles/${cycleId}/report?format=xlsx`);
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(xlsx.headers.get('content-disposition')).toBe(
      `attachment; filename="sevenoaks-lsp-${cycleId}-report.xlsx"`,
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const measures = book.getWorksheet('Measures')!;
    expect(measures.getCell('B2').value).toBe('S1');
    expect(measures.getCell('E2').value).toBe('Green');
  });

  it('answers the CSV in parts: summary, appendices and case studies, each a file of its own', async () => {
    const summary = await get(`/cycles/${cycleId}/report?format=csv&part=summary`);
    expect(summary.status).toBe(200);
    expect(summary.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(summary.headers.get('content-disposition')).toBe(
      `attachment; filename="sevenoaks-lsp-${cycleId}-report-summary.csv"`,
    );
    const lines = (await summary.text()).split('\r\n');
    // fetch's text() takes the byte order mark away.
    expect(lines[0]).toBe('Theme,Measures,Rated,Green,Amber,Red,Not rated,On target (%),Headline');
    expect(lines).toContain('All themes,27,2,1,1,0,25,50,50% of measures on target');
    for (const part of ['appendices', 'case-studies']) {
      const res = await get(`/cycles/${cycleId}/report?format=csv&part=${part}`);
      expect([part, res.status]).toEqual([part, 200]);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="sevenoaks-lsp-${cycleId}-report-${part}.csv"`,
      );
    }
    for (const path of [
      `/cycles/${cycleId}/report?format=xlsx&part=summary`,
      `/cycles/${cycleId}/report?format=csv&part=everything`,
    ]) {
      const bad = await call('GET', path, as.coordinator);
      expect([path, bad.status]).toEqual([path, 400]);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'part' })]);
    }
  });

  it('answers DOCX as an attachment, now, as at an instant and by Accept', async () => {
    const media = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    const asAt = new Date().toISOString();
    for (const [path, headers, file] of [
      [`/cycles/${cycleId}/report?format=docx`, as.coordinator, `sevenoaks-lsp-${cycleId}-report.docx`],
      [
        `/cycles/${cycleId}/report`,
        { ...as.coordinator, accept: media },
        `sevenoaks-lsp-${cycleId}-report.docx`,
      ],
      [
        `/cycles/${cycleId}/report?format=docx&asAt=${asAt}`,
        as.coordinator,
        `sevenoaks-lsp-${cycleId}-report-as-at-${asAt.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}.docx`,
      ],
    ] as const) {
      const res = await get(path, headers);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-type')).toBe(media);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${file}"`);
      const zip = await JSZip.loadAsync(await res.arrayBuffer());
      const xml = await zip.file('word/document.xml')!.async('string');
      expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
      expect(xml).toContain('>Attending events</w:t>');
      expect(xml).toContain('>Parking teams continued enforcement</w:t>');
      expect(xml).toMatch(/<w:shd [^>]*w:fill="00703C"[^>]*\/>[\s\S]{0,300}?>Green<\/w:t>/);
    }
    // An agency lead's Word report holds only their agency's measures, as every other format.
    const lead = await get(`/cycles/${cycleId}/report?format=docx`, as.lead('sevenoaks-dc'));
    const xml = await (
      await JSZip.loadAsync(await lead.arrayBuffer())
    )
      .file('word/document.xml')!
      .async('string');
    expect(xml).toContain('>Parking teams continued enforcement</w:t>');
    expect(xml).not.toContain('Attending events');
  });

  it('answers 422 naming format to a Word report of more measures than it is made for', async () => {
    const base = sevenoaksPlan();
    const [first, ...rest] = base.themes;
    const measures = Array.from({ length: DOCX_MAX_MEASURES + 1 }, (_, i) => ({
      ref: `X${i + 1}`,
      text: `Measure X${i + 1}`,
      leadAgency: first.leadAgencies[0],
    }));
    await importPlan(
      product.store,
      {
        ...base,
        plan: { ...base.plan, id: 'big-plan', title: 'Big Plan' },
        themes: [{ ...first, measures }, ...rest],
      },
      { actorId: 'test', actorRole: 'coordinator', correlationId: 'test-import-big' },
    );
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'big-plan',
      cycleId: 'big-2019-20',
      label: 'Big 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    const big = drafted.body.id as string;
    expect((await call('POST', `/cycles/${encodeURIComponent(big)}/open`, as.coordinator, {})).status).toBe(
      200,
    );
    await projectionsSettled(product);
    const res = await call('GET', `/cycles/${encodeURIComponent(big)}/report?format=docx`, as.coordinator);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'format', rule: 'docx-max-measures' }),
    ]);
    // The formats that stream still answer.
    const xlsx = await get(`/cycles/${encodeURIComponent(big)}/report?format=xlsx`);
    expect(xlsx.status).toBe(200);
  }, 120_000);

  (existsSync('/usr/bin/chromium') ? it : it.skip)(
    'prints the HTML to a PDF with headless Chromium',
    async () => {
      const pdf = await get(`/cycles/${cycleId}/report?format=pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(
        `inline; filename="sevenoaks-lsp-${cycleId}-report.pdf"`,
      );
      const bytes = Buffer.from(await pdf.arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      // Landscape A4: the page box is about 842 x 595 points, wider than tall.
      expect(bytes.toString('latin1')).toMatch(/\/MediaBox \[\s*0 0 84[12](\.\d+)? 59[45](\.\d+)?\s*\]/);
    },
  );

  it('answers 503 problem+json when there is no Chromium to print with', async () => {
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      const res = await call('GET', `/cycles/${cycleId}/report?format=pdf`, as.coordinator);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status: 503,
        type: 'https://partner-returns.dev/problems/pdf-unavailable',
      });
      expect(res.body.detail).toContain('apt-get install -y chromium');
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
  });

  it('answers 406 to an Accept it cannot meet and 400 to an unknown format', async () => {
    const res = await call('GET', `/cycles/${cycleId}/report`, { ...as.coordinator, accept: 'image/png' });
    expect(res.status).toBe(406);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const bad = await call('GET', `/cycles/${cycleId}/report?format=odt`, as.coordinator);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
  });

  it('answers 404 to another partnership on every read, and 401 to nobody', async () => {
    for (const path of [
      `/cycles/${cycleId}/report`,
      `/cycles/${cycleId}/report?format=html`,
      `/cycles/${cycleId}/report?format=pdf`,
      `/cycles/${cycleId}/report?asAt=${new Date().toISOString()}`,
      `/cycles/${cycleId}/status`,
      `/cycles/${cycleId}/publications`,
      `/returns/${cycleId}.S1?asAt=${new Date().toISOString()}`,
    ]) {
      const other = await call('GET', path, as.otherCoordinator);
      expect([path, other.status]).toEqual([path, 404]);
      expect((await call('GET', path, {})).status).toBe(401);
    }
  });

  it('shows an agency lead only their agency’s measures in the report and the status', async () => {
    const lead = as.lead('sevenoaks-dc');
    const report = (await call('GET', `/cycles/${cycleId}/report`, lead)).body;
    const refs = report.themes.flatMap((t: { measures: { ref: string }[]; awaiting: { ref: string }[] }) => [
      ...t.measures.map((m) => m.ref),
      ...t.awaiting.map((m) => m.ref),
    ]);
    expect(refs).toContain('S5');
    expect(refs).not.toContain('S1');
    expect(report.headline).toMatchObject({ rated: 1, amber: 1, green: 0 });
    const csv = await (await get(`/cycles/${cycleId}/report?format=csv`, lead)).text();
    expect(csv).not.toContain('Plan at');

    const status = (await call('GET', `/cycles/${cycleId}/status`, lead)).body;
    expect(status.byAgency.map((a: { agencyId: string }) => a.agencyId)).toEqual(['sevenoaks-dc']);
    expect(status.totals.total).toBe(refs.length);
    const csp = (await call('GET', `/cycles/${cycleId}/status`, as.lead('sevenoaks-csp'))).body;
    expect(csp.byAgency.map((a: { agencyId: string }) => a.agencyId)).toEqual(['sevenoaks-csp']);
  });
});
