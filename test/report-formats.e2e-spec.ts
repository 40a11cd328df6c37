import { existsSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
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
        '<h1>Sevenoaks District Community Plan 2019-22 Monitoring Report: Year 1 2019/20 (April 2019 - March 2020)</h1>',
      );
      expect(html).toContain('<td class="rag rag-green">Green</td>');
      expect(html).toContain('<ul>\n<li>Attending events<ul>\n<li>18 Task and Finish Groups</li>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>');
      expect(html).toContain('<svg class="rag-chart"');
      expect(html).toContain('size: A4 landscape');
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
    const bad = await call('GET', `/cycles/${cycleId}/report?format=docx`, as.coordinator);
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
