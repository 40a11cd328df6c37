import ExcelJS from 'exceljs';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove, YEAR_ONE } from './support/reporting.js';

/**
 * Indicators on the real services: the Sevenoaks plan declares them (S1, C3), returns carry values, a RAG
 * other than the values suggest needs a reason, and the report of a second cycle shows value against target,
 * the trend over both cycles, and the numbers as numbers in JSON, CSV and XLSX (issue 15 point 1).
 */
describe('indicators (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let y1: string;
  let y2: string;
  const csp = () => as.lead('sevenoaks-csp');
  const lcpg = () => as.lead('sevenoaks-lcpg');
  const actions = (value: number | null) => [{ name: 'Actions achieved', value }];

  function expectProblem(
    response: { status: number; headers: Headers; body: { errors?: unknown[] } },
    status: number,
    field: string,
    rule?: string,
  ): void {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]),
    );
  }

  beforeAll(async () => {
    product = await startProduct('indicators');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    y1 = await openCycle(call, as.coordinator, YEAR_ONE, ['S1', 'C3']);
  });
  afterAll(() => product.stop());

  it('the plan lists each measure indicators', async () => {
    const plan = await call('GET', '/partnerships/sevenoaks-lsp/plan', as.coordinator);
    expect(plan.status).toBe(200);
    expect(JSON.stringify(plan.body)).toContain('"name":"Actions achieved","unit":"%"');
  });

  it('refuses a value for an indicator the measure does not declare (422 naming the field), and text for a number (400)', async () => {
    expectProblem(
      await call('PUT', `/returns/${y1}.S1/draft`, csp(), {
        indicators: [
          { name: 'Actions achieved', value: 90 },
          { name: 'Actions', value: 1 },
        ],
      }),
      422,
      'indicators[1].name',
      'unknown-indicator',
    );
    const text = await call('PUT', `/returns/${y1}.S1/draft`, csp(), {
      indicators: [{ name: 'Actions achieved', value: '90' }],
    });
    expect(text.status).toBe(400);
    expect(JSON.stringify(text.body)).toContain('indicators');
    const huge = await call('PUT', `/returns/${y1}.S1/draft`, csp(), { indicators: actions(1e13) });
    expect(huge.status).toBe(400);
  });

  it('refuses to submit a RAG other than the values suggest without a reason (422 ragReason), and nothing is half-applied', async () => {
    const before = await call('GET', `/returns/${y1}.C3`, lcpg());
    const refused = await call('POST', `/returns/${y1}.C3/submit`, lcpg(), {
      rag: 'amber',
      narrative: 'Re-offending well below target; EYFS above it.',
      indicators: [
        { name: 'Re-offending by children and young people', value: 18.8 },
        { name: 'EYFS pupils with a good level of development', value: 76.8 },
      ],
    });
    expectProblem(refused, 422, 'ragReason', 'rag-reason-required');
    expect(JSON.stringify(refused.body)).toContain(
      'The values suggest green: give a reason for choosing amber',
    );
    const after = await call('GET', `/returns/${y1}.C3`, lcpg());
    expect(after.body.status).toBe(before.body.status);
  });

  it('a reason lets it through, and the reviewer reads it on the return', async () => {
    await submitAndApprove(call, `${y1}.C3`, lcpg(), as.reviewer, {
      rag: 'amber',
      narrative: 'Re-offending well below target; EYFS above it.',
      indicators: [
        { name: 'Re-offending by children and young people', value: 18.8 },
        { name: 'EYFS pupils with a good level of development', value: 76.8 },
      ],
      ragReason: 'NEET is still double its target',
    });
    const seen = await call('GET', `/returns/${y1}.C3`, as.reviewer);
    expect(JSON.stringify(seen.body)).toContain('NEET is still double its target');
  });

  describe('over two cycles', () => {
    beforeAll(async () => {
      await submitAndApprove(call, `${y1}.S1`, csp(), as.reviewer, {
        rag: 'green',
        narrative: 'The plan is at 98% on target.',
        indicators: actions(98),
      });
      y2 = await openCycle(
        call,
        as.coordinator,
        {
          cycleId: 'y2-2020-21',
          label: 'Year 2 2020/21',
          periodStart: '2020-04-01',
          periodEnd: '2021-03-31',
          dueDate: '2031-04-30',
        },
        ['S1'],
      );
      await submitAndApprove(call, `${y2}.S1`, csp(), as.reviewer, {
        rag: 'amber',
        narrative: 'Some actions slipped.',
        indicators: actions(82),
      });
      await projectionsSettled(product);
    });

    it('the JSON report gives value against target and the trend, as numbers, from the read model and from the events', async () => {
      const expected = {
        name: 'Actions achieved',
        unit: '%',
        direction: 'higher-is-better',
        baseline: null,
        target: 85,
        value: 82,
        rag: 'amber',
        trend: [
          { cycleId: y1, label: 'Year 1 2019/20', value: 98 },
          { cycleId: y2, label: 'Year 2 2020/21', value: 82 },
        ],
      };
      const now = await call('GET', `/cycles/${y2}/report`, as.coordinator);
      const s1 = (r: typeof now) =>
        (r.body.themes as { measures: { ref: string; indicators?: unknown }[] }[])
          .flatMap((t) => t.measures)
          .find((m) => m.ref === 'S1');
      expect(s1(now)?.indicators).toEqual([expected]);
      const asAt = await call('GET', `/cycles/${y2}/report?asAt=${new Date().toISOString()}`, as.coordinator);
      expect(asAt.status).toBe(200);
      expect(s1(asAt)?.indicators).toEqual([expected]);
    });

    it('the CSV Indicators part carries the numbers unquoted', async () => {
      const res = await fetch(`${product.baseUrl}/cycles/${y2}/report?format=csv&part=indicators`, {
        headers: as.coordinator,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain('-report-indicators.csv');
      expect((await res.text()).split('\r\n')).toEqual([
        'Theme,Ref,Key success measure,Indicator,Unit,Better when,Baseline,Target,Value,Suggested RAG',
        'Safe Communities,S1,85% of actions in the Community Safety Partnership Strategy and action plan achieved each year,Actions achieved,%,higher,,85,82,Amber',
        '',
      ]);
    });

    it('the XLSX Indicators sheet holds numeric cells', async () => {
      const res = await fetch(`${product.baseUrl}/cycles/${y2}/report?format=xlsx`, {
        headers: as.coordinator,
      });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await res.arrayBuffer());
      const sheet = book.getWorksheet('Indicators')!;
      expect(sheet.getCell('D2').value).toBe('Actions achieved');
      expect(sheet.getCell('H2').value).toBe(85);
      expect(sheet.getCell('I2').value).toBe(82);
      expect(sheet.getCell('I2').type).toBe(ExcelJS.ValueType.Number);
    });

    it('the HTML report shows value against target and the sparkline in words', async () => {
      const res = await fetch(`${product.baseUrl}/cycles/${y2}/report?format=html`, {
        headers: as.coordinator,
      });
      const html = await res.text();
      expect(html).toContain('82% against a target of 85% <span class="chip rag-amber">Amber</span>');
      expect(html).toContain(
        'aria-label="Trend of Actions achieved: Year 1 2019/20 98%, Year 2 2020/21 82%; target 85%"',
      );
    });
  });
});
