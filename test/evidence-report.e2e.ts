import ExcelJS from 'exceljs';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import { readModels } from '../apps/composition/src/index.js';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { attachEvidenceForTest, removeEvidenceForTest } from './support/evidence.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, readModelTables, submitAndApprove } from './support/reporting.js';

/**
 * Issue 16 point 4: the report lists a return's files by title only where the coordinator chose, from the
 * reporting read model (report_evidence, kept by the worker's jobs and rebuilt from the events) and from the
 * events for a past date alike; the XLSX export lists every file.
 */
describe('evidence in the report (e2e, real worker, PostgreSQL and Redis)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-evidence');
  const s1 = `${cycleId}.S1`;
  let beforeChoice: string;

  beforeAll(async () => {
    product = await startProduct('evidence_report');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId,
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2'],
    );
    await submitAndApprove(call, s1, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'On target.',
      dot: 'improving',
    });
    for (const [title, fileName] of [
      ['Action plan monitoring sheet', 'aps.xlsx'],
      ['Draft notes', 'notes.pdf'],
      ['Survey results', 'survey-2020.csv'],
    ])
      await attachEvidenceForTest(product.store, {
        returnId: s1,
        agencyId: 'sevenoaks-csp',
        title,
        fileName,
      });
    await removeEvidenceForTest(product.store, s1, 'e2');
    await projectionsSettled(product);
    beforeChoice = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    for (const e of ['e1', 'e3'])
      expect(
        (
          await call('PUT', `/returns/${s1}/evidence/${e}/report-choice`, as.coordinator, {
            inReport: e === 'e1',
          })
        ).status,
      ).toBe(200);
    await projectionsSettled(product);
  }, 90_000);
  afterAll(() => product?.stop());

  const get = (path: string) =>
    fetch(`${product.baseUrl}${path}`, { headers: { ...as.coordinator, accept: '*/*' } });

  it('projects the files a return holds now into report_evidence: no removed file, no bytes', async () => {
    const rows = await product.db.dataSource.query(
      `SELECT evidence_id, measure_ref, agency_id, title, file_name, in_report FROM report_evidence ORDER BY evidence_id`,
    );
    expect(rows).toEqual([
      {
        evidence_id: 'e1',
        measure_ref: 'S1',
        agency_id: 'sevenoaks-csp',
        title: 'Action plan monitoring sheet',
        file_name: 'aps.xlsx',
        in_report: true,
      },
      {
        evidence_id: 'e3',
        measure_ref: 'S1',
        agency_id: 'sevenoaks-csp',
        title: 'Survey results',
        file_name: 'survey-2020.csv',
        in_report: false,
      },
    ]);
  });

  it('prints "Evidence: <title>" under the measure in the HTML report, never the file or its name', async () => {
    const html = await (await get(`/cycles/${cycleId}/report?format=html`)).text();
    const row = html.slice(html.indexOf('id="measure-S1"'));
    expect(row).toContain('<p class="evidence">Evidence: Action plan monitoring sheet</p>');
    expect(html).not.toContain('Survey results');
    expect(html).not.toContain('aps.xlsx');
    expect(html).not.toContain('/evidence/');
    const json = (await (await get(`/cycles/${cycleId}/report`)).json()) as {
      themes: { measures: { evidence?: string[] }[] }[];
    };
    expect(json.themes[0].measures[0].evidence).toEqual(['Action plan monitoring sheet']);
  });

  it('shows the report as it stood before the choice without it, folded from the events', async () => {
    const then = await call('GET', `/cycles/${cycleId}/report?asAt=${beforeChoice}`, as.coordinator);
    expect(then.status).toBe(200);
    expect(then.body.themes[0].measures[0].evidence).toBeUndefined();
    expect(then.body.evidenceFiles.map((f: { title: string }) => f.title)).toEqual([
      'Action plan monitoring sheet',
      'Survey results',
    ]);
  });

  it('lists every file in the XLSX export’s Evidence sheet', async () => {
    const xlsx = await get(`/cycles/${cycleId}/report?format=xlsx`);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const rows: unknown[][] = [];
    book.getWorksheet('Evidence')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toEqual([
      ['Agency', 'Measure', 'Title', 'Type', 'Size', 'In report'],
      [
        'Sevenoaks District Community Safety Partnership',
        'S1',
        'Action plan monitoring sheet',
        'PDF',
        '2.1 MB',
        'Yes',
      ],
      ['Sevenoaks District Community Safety Partnership', 'S1', 'Survey results', 'PDF', '2.1 MB', 'No'],
    ]);
  });

  it('rebuilds report_evidence from the events exactly as the jobs left it', async () => {
    const incremental = await readModelTables(product);
    expect(incremental.report_evidence).toHaveLength(2);
    await product.db.dataSource.query(`DELETE FROM report_evidence`);
    const result = await rebuildReadModels(product.db.dataSource, product.store, readModels(product.store), {
      batchSize: 5,
    });
    expect(result.rows).toMatchObject({ report_evidence: 2 });
    expect((await readModelTables(product)).report_evidence).toEqual(incremental.report_evidence);
  });
});
