import { existsSync } from 'node:fs';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { QUEUES } from '../libs/queues/src/index.js';
import { CHROMIUM } from './support/browser.js';
import { MALFORMED, nested } from './support/malformed-returns.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, YEAR_ONE } from './support/reporting.js';

/**
 * Returns stored malformed, written straight into the log past every validation (an array where a case study
 * belongs was once accepted and approved, and then every format of the report answered 500). The worker's
 * projection writes them, and the report in every format, as it stood at an instant, and published, answers
 * 200: the valid parts shown, each invalid part named.
 */
describe('a report of returns stored malformed (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  // The whole, partnership-scoped id the draft answers with (sevenoaks-lsp~y1-2019-20).
  let cycleId: string;
  const shapes = Object.entries(MALFORMED);
  // One measure of the Sevenoaks plan per shape, in the plan's order.
  const measures = sevenoaksPlan()
    .themes.flatMap((t) => t.measures)
    .slice(0, shapes.length);
  const refOf = new Map(shapes.map(([shape], i) => [shape, measures[i].ref]));
  const get = (path: string) => fetch(`${product.baseUrl}${path}`, { headers: as.coordinator });
  const json = async (path: string): Promise<Report> => (await get(path)).json() as Promise<Report>;

  beforeAll(async () => {
    product = await startProduct('report_malformed');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(
      call,
      as.coordinator,
      YEAR_ONE,
      measures.map((m) => m.ref),
    );
    for (const [shape, { data }] of shapes) {
      await product.store.append(
        `return:${cycleId}.${refOf.get(shape)}`,
        1,
        [
          { type: 'ReturnSubmitted', data: { content: data.content, by: 'lead@example.org', late: false } },
          { type: 'ReturnApproved', data },
        ],
        { actorId: 'straight-into-the-log', actorRole: 'reviewer', correlationId: `malformed-${shape}` },
      );
    }
    await projectionsSettled(product, 60_000);
  }, 120_000);
  afterAll(() => product.stop());

  it('cannot even store NUL or an unpaired surrogate: the log refuses them', async () => {
    for (const narrative of ['a\u0000b', 'a\ud800b']) {
      await expect(
        product.store.append(
          `return:${cycleId}.${measures[0].ref}`,
          'any',
          [{ type: 'ReturnDraftSaved', data: { content: { narrative }, by: 'lead@example.org' } }],
          { actorId: 'straight-into-the-log', actorRole: 'agency-lead', correlationId: 'nul' },
        ),
      ).rejects.toThrow();
    }
    expect(await product.store.readStream(`return:${cycleId}.${measures[0].ref}`)).toHaveLength(3);
  });

  it('projects every one of them: no reporting job failed, a row for each', async () => {
    const queue = product.worker.get<Queue>(getQueueToken(QUEUES.reporting));
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    const rows: { measure_ref: string; unreadable: { part: string }[] }[] = await product.db.dataSource.query(
      `SELECT measure_ref, unreadable FROM report_returns WHERE cycle_id = $1`,
      [cycleId],
    );
    expect(rows).toHaveLength(shapes.length);
    for (const [shape, { unreadable }] of shapes) {
      const row = rows.find((r) => r.measure_ref === refOf.get(shape))!;
      expect([shape, row.unreadable.map((p) => p.part)]).toEqual([shape, unreadable]);
    }
  });

  interface Report {
    headline: object;
    themes: { measures: { ref: string; unreadable?: { part: string }[] }[] }[];
  }
  /** Each measure of the report's JSON with what it marks, by shape. */
  const marked = (report: Report) =>
    shapes.map(([shape]) => {
      const measure = report.themes.flatMap((t) => t.measures).find((m) => m.ref === refOf.get(shape));
      return [shape, (measure?.unreadable ?? []).map((p) => p.part)];
    });
  const expected = shapes.map(([shape, { unreadable }]) => [shape, unreadable]);

  it('answers JSON with the valid parts and each invalid part named', async () => {
    const response = await get(`/cycles/${cycleId}/report`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as Report;
    expect(marked(report)).toEqual(expected);
    const text = JSON.stringify(report);
    for (const [shape, { shown }] of shapes)
      for (const words of shown) expect([shape, words, text.includes(words)]).toEqual([shape, words, true]);
    const green = shapes.filter(
      ([, { data }]) => (data.content as { rag?: unknown } | null)?.rag === 'green',
    );
    expect(report.headline).toMatchObject({ rated: green.length, green: green.length, notRated: 0 });
  });

  it('answers HTML, CSV and XLSX, each with the notes', async () => {
    const html = await get(`/cycles/${cycleId}/report?format=html`);
    expect(html.status).toBe(200);
    const page = await html.text();
    expect(page.match(/<p class="unreadable" role="note">/g)).toHaveLength(
      shapes.filter(([, s]) => s.unreadable.length > 0).length,
    );
    expect(page).toContain('case study 1 (a list where a case study belongs)');

    const csv = await get(`/cycles/${cycleId}/report?format=csv`);
    expect(csv.status).toBe(200);
    const records = parse(await csv.text(), { bom: true }) as string[][];
    expect(records).toHaveLength(1 + shapes.length);
    const caseStudies = records.find((r) => r[1] === refOf.get('caseStudies: [[]]'))!;
    expect(caseStudies[5]).toContain('Part of this return could not be shown as stored: case study 1');

    const xlsx = await get(`/cycles/${cycleId}/report?format=xlsx`);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    expect(book.getWorksheet('Measures')!.rowCount).toBe(1 + shapes.length);
  });

  (existsSync(CHROMIUM) ? it : it.skip)(
    'answers PDF',
    async () => {
      const pdf = await get(`/cycles/${cycleId}/report?format=pdf`);
      expect(pdf.status).toBe(200);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    },
    60_000,
  );

  it('shows the same, from the events, as it stood at an instant', async () => {
    const now = await json(`/cycles/${cycleId}/report`);
    const asAt = await get(`/cycles/${cycleId}/report?asAt=${encodeURIComponent(new Date().toISOString())}`);
    expect(asAt.status).toBe(200);
    const then = (await asAt.json()) as Report;
    expect(then.themes).toEqual(now.themes);
  });

  it('marks what a row written by the previous release holds, as stored before it was read', async () => {
    // The projection before readableApproval copied the content as it came.
    const ref = refOf.get('tables: [[]]');
    await product.db.dataSource.query(
      `UPDATE report_returns SET tables = $1::jsonb, rag = 'purple', unreadable = '[]' WHERE return_id = $2`,
      [JSON.stringify([[], nested(100)]), `${cycleId}.${ref}`],
    );
    const report = await json(`/cycles/${cycleId}/report`);
    const measure = report.themes.flatMap((t) => t.measures).find((m) => m.ref === ref)!;
    expect(measure.unreadable!.map((p) => p.part)).toEqual(['rag', 'tables/0', 'tables/1']);
    for (const format of ['html', 'csv', 'xlsx']) {
      const response = await get(`/cycles/${cycleId}/report?format=${format}`);
      await response.arrayBuffer();
      expect([format, response.status]).toEqual([format, 200]);
    }
  });

  it('publishes, and serves the publication in every format', async () => {
    const closed = await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {
      force: true,
      reason: 'Year end',
    });
    expect(closed.status).toBe(200);
    const published = await call('POST', `/cycles/${cycleId}/publish`, as.coordinator);
    expect(published.status).toBe(201);
    const report = await json(`/cycles/${cycleId}/report?published=latest`);
    expect(marked(report)).toEqual(expected);
    for (const format of ['html', 'csv', 'xlsx']) {
      const response = await get(`/cycles/${cycleId}/report?published=latest&format=${format}`);
      await response.arrayBuffer();
      expect([format, response.status]).toEqual([format, 200]);
    }
  });
});
