import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { ScanForChases } from '../libs/chasing/src/index.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { expectNoHeldEvents, untilQuiet } from './support/processors.js';
import { openCycle, readModelTables, submitAndApprove } from './support/reporting.js';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import { readModels } from '../apps/composition/src/index.js';
import { SEVENOAKS_HISTORY_EXAMPLE, sevenoaksHistoryReport } from './support/sevenoaks-history-example.js';

/**
 * Issue 15 point 3: a coordinator records a past year from its old report, as a historical cycle: no mail, no
 * chasing, each return approved by the coordinator with the file named as its source, and a live cycle opened
 * after it gets its trend and suggested DOTs from it. The Sevenoaks 2019/20 report is recorded from examples/.
 */
describe('past years recorded from an old report (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const fileText = readFileSync(SEVENOAKS_HISTORY_EXAMPLE, 'utf8');
  const file = JSON.parse(fileText) as ReturnType<typeof sevenoaksHistoryReport>;
  const CYCLE = 'sevenoaks-lsp~y1-2019-20';
  const eventCount = async () =>
    Number((await product.db.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);
  const upload = (name: string, body: string | Buffer, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([body]), name);
    return fetch(`${product.baseUrl}/cycles/historical`, {
      method: 'POST',
      headers: as.coordinator,
      body: form,
    });
  };

  beforeAll(async () => {
    product = await startProduct('past_years');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('keeps the example file what the returns typed from the seed make', () => {
    expect(file).toEqual(sevenoaksHistoryReport());
    expect(file.themes.flatMap((t) => t.measures)).toHaveLength(27);
  });

  it('names every problem of a bad file by its JSON pointer and records nothing', async () => {
    const before = await eventCount();
    const bad = structuredClone(file);
    bad.themes[0].measures[0].rag = 'purple' as never;
    bad.themes[0].measures[1].dot = 'sideways' as never;
    bad.themes[1].measures[0].ref = 'C99';
    bad.themes[1].measures[1].ref = 'S3';
    const answer = await call('POST', '/cycles/historical', as.coordinator, {
      cycleId: 'y1-2019-20',
      fileName: 'bad.json',
      report: bad,
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      code: 'invalid-historical-file',
      errors: [{ field: 'file', rule: 'invalid-historical-file' }],
    });
    expect(
      (answer.body.problems as { at: { pointer: string }; message: string }[]).map(
        (p) => `${p.at.pointer}: ${p.message}`,
      ),
    ).toEqual([
      '/themes/0/measures/0/rag: must be one of red, amber, green',
      '/themes/0/measures/1/dot: must be one of improving, no-change, declining, new, or null',
      '/themes/1/measures/0/ref: C99 is not a measure of the plan',
      '/themes/1/measures/1/ref: S3 is given more than once',
    ]);
    const notJson = await upload('broken.json', '{"label": "Year 1",');
    expect(notJson.status).toBe(422);
    expect(((await notJson.json()) as { problems: { message: string }[] }).problems[0].message).toMatch(
      /^is neither JSON nor a spreadsheet/,
    );
    // A name every return's history would show, reading as another (an outside tester's probe, 2026-12-05).
    const reversed = await call('POST', '/cycles/historical', as.coordinator, {
      cycleId: 'y1-2019-20',
      fileName: '2019-20 report\u202Enosj.xlsx',
      report: file,
    });
    expect(reversed.status).toBe(422);
    expect(reversed.body).toMatchObject({
      code: 'file-name-control-characters',
      errors: [{ field: 'fileName', rule: 'file-name-control-characters' }],
    });
    const uploaded = await upload('2019-20 report\u202Enosj.json', fileText, { cycleId: 'y1-2019-20' });
    expect(uploaded.status).toBe(422);
    expect(await uploaded.json()).toMatchObject({
      errors: [{ field: 'file', rule: 'file-name-control-characters' }],
    });
    expect(await eventCount()).toBe(before);
    expect((await call('GET', `/cycles/${CYCLE}`, as.coordinator)).status).toBe(404);
  });

  it('is for coordinators only', async () => {
    const answer = await call('POST', '/cycles/historical', as.reviewer, { report: file });
    expect(answer.status).toBe(403);
  });

  // A review (2026-12-06): 2,000 text fields before the file were answered "The file could not be read: choose it
  // again", on the API and the page alike: multer's field limit, named as no rule. Now as the evidence upload.
  it('refuses a form of 2,000 fields before its file as too many fields, on the API and the page', async () => {
    const before = await eventCount();
    const form = (csrf?: string) => {
      const body = new FormData();
      if (csrf) body.append('_csrf', csrf);
      for (let i = 0; i < 2_000; i++) body.append(`f${i}`, 'x');
      body.append('file', new Blob([fileText]), 'sevenoaks-2019-20-report.json');
      return body;
    };
    const api = await fetch(`${product.baseUrl}/cycles/historical`, {
      method: 'POST',
      headers: as.coordinator,
      body: form(),
    });
    expect(api.status).toBe(422);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await api.json()).toMatchObject({
      code: 'too-many-fields',
      errors: [
        {
          field: 'body',
          rule: 'too-many-fields',
          message: 'The form may send at most 6 fields with its file',
        },
      ],
    });

    const page = await fetch(`${product.baseUrl}/coordinate/cycles/historical`, {
      headers: { ...as.coordinator, accept: 'text/html' },
    });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const posted = await fetch(`${product.baseUrl}/coordinate/cycles/historical`, {
      method: 'POST',
      headers: { ...as.coordinator, cookie, origin: product.baseUrl, accept: 'text/html' },
      body: form(token),
    });
    const html = await posted.text();
    expect(posted.status).toBe(400);
    expect(html).toMatch(/href="#file">The form may send at most 6 fields with its file/);
    expect(html).toMatch(/id="file-error"[\s\S]*The form may send at most 6 fields with its file/);
    expect(await eventCount()).toBe(before);
  });

  // A review (2026-12-06): a post said to be 300 MB was read to its end before it was refused. Answered at once now,
  // with only the start of the form sent, on the API and on the page (with the way back to the form).
  it('refuses a post declared over the limit before its body is sent, on the API and the page', async () => {
    const before = await eventCount();
    const { port } = new URL(product.baseUrl);
    const post = (path: string, accept: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        const waited = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no answer before the body: ${answer}`));
        }, 10_000);
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
        socket.on('error', reject);
        socket.on('close', () => {
          clearTimeout(waited);
          const [head, ...body] = answer.split('\r\n\r\n');
          resolve({
            status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
            type: /content-type: ([^;\r\n]+)/i.exec(head)?.[1] ?? '',
            body: body.join('\r\n\r\n'),
          });
        });
        socket.write(
          [
            `POST ${path} HTTP/1.1`,
            `Host: 127.0.0.1:${port}`,
            `Authorization: ${as.coordinator.authorization}`,
            'Content-Type: multipart/form-data; boundary=big',
            `Content-Length: ${300 * 1024 * 1024}`,
            `Accept: ${accept}`,
            '',
            '--big\r\nContent-Disposition: form-data; name="file"; filename="report.json"\r\n\r\n{',
          ].join('\r\n'),
        );
      });
    const api = await post('/cycles/historical', 'application/json');
    expect(api).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect(JSON.parse(api.body)).toMatchObject({
      code: 'file-too-large',
      errors: [{ field: 'file', rule: 'file-too-large', message: 'The file must be 2 MB or smaller' }],
    });
    const page = await post('/coordinate/cycles/historical', 'text/html');
    expect(page).toMatchObject({ status: 422, type: 'text/html' });
    expect(page.body).toContain('The file is too large');
    expect(page.body).toContain('The file must be 2 MB or smaller.');
    expect(page.body).toMatch(/href="\/coordinate\/cycles\/historical"[^>]*>\s*Go back to the form/);
    expect(await eventCount()).toBe(before);
  });

  // Checked with the evidence page's fix (2026-12-06): multer reads the form's _csrf before the file, so a file over
  // the limit is not refused as an expired form here, but said to be too large on the file input.
  // A file just over the limit, in a body within the file's and its envelope's, is read and refused on the file
  // input; a larger body (2 MiB here) is refused on a page of its own before it is read (the test above).
  it('says a file over 2 MB is too large on the page, not that the form expired', async () => {
    const page = await fetch(`${product.baseUrl}/coordinate/cycles/historical`, {
      headers: { ...as.coordinator, accept: 'text/html' },
    });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const post = async (bytes: number) => {
      const form = new FormData();
      form.append('_csrf', token);
      form.append('file', new Blob([Buffer.alloc(bytes, 0x20)]), 'report.json');
      const posted = await fetch(`${product.baseUrl}/coordinate/cycles/historical`, {
        method: 'POST',
        headers: { ...as.coordinator, cookie, origin: product.baseUrl, accept: 'text/html' },
        body: form,
      });
      return { status: posted.status, html: await posted.text() };
    };
    const over = await post(2_000_001);
    expect(over.status).toBe(400);
    expect(over.html).toMatch(/id="file-error"[\s\S]*The file must be smaller than 2 MB/);
    expect(over.html).not.toContain('The form expired');
    const larger = await post(2 * 1024 * 1024 + 1);
    expect(larger.status).toBe(422);
    expect(larger.html).toContain('The file must be 2 MB or smaller.');
    expect(larger.html).not.toContain('The form expired');
  });

  it('records the Sevenoaks 2019/20 report from examples/: 27 returns approved by the coordinator, the cycle closed', async () => {
    const answer = await upload('sevenoaks-2019-20-report.json', fileText, { cycleId: 'y1-2019-20' });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`/cycles/${encodeURIComponent(CYCLE)}`);
    expect(await answer.json()).toEqual({ id: CYCLE, version: 4, status: 'closed', returns: 27 });

    const cycleEvents = await product.store.readStream(`cycle:${CYCLE}`);
    expect(cycleEvents.map((e) => e.type)).toEqual([
      'CycleDrafted',
      'CycleRecordedFromHistory',
      'CycleOpened',
      'CycleClosed',
    ]);
    const coordinatorId = cycleEvents[0].metadata.actorId;
    expect(cycleEvents[1].data).toEqual({
      source: {
        kind: 'json',
        fileName: 'sevenoaks-2019-20-report.json',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      recordedBy: coordinatorId,
      returnCount: 27,
    });
    const s4 = await product.store.readStream(`return:${CYCLE}.S4`);
    expect(s4.map((e) => [e.type, e.metadata.reason])).toEqual([
      [
        'ReturnRequested',
        expect.stringMatching(/^Recorded from the past report sevenoaks-2019-20-report\.json$/),
      ],
      [
        'ReturnApproved',
        expect.stringMatching(/^Recorded from the past report sevenoaks-2019-20-report\.json$/),
      ],
    ]);
    expect(s4[1].data).toMatchObject({ by: coordinatorId, content: { rag: 'amber' } });
  });

  it('gives the report the file holds', async () => {
    await untilQuiet(product);
    const { status, body: report } = await call('GET', `/cycles/${CYCLE}/report`, as.coordinator);
    expect(status).toBe(200);
    expect(report).toMatchObject({
      title: file.title,
      label: file.label,
      yearHeading: file.yearHeading,
      periodStart: file.periodStart,
      periodEnd: file.periodEnd,
      cycleStatus: 'closed',
      headline: { text: '96% of measures on target', green: 26, amber: 1, red: 0, notRated: 0 },
    });
    const pick = (m: Record<string, unknown>) => ({
      ref: m.ref,
      text: m.text,
      agency: m.agency,
      rag: m.rag,
      narrative: m.narrative,
      dot: m.dot,
      comments: m.comments,
      tables: m.tables,
    });
    const themes = report.themes as { themeId: string; measures: Record<string, unknown>[]; awaiting: [] }[];
    expect(themes.map((t) => ({ themeId: t.themeId, measures: t.measures.map(pick) }))).toEqual(
      file.themes.map((t) => ({ themeId: t.themeId, measures: t.measures.map(pick) })),
    );
    expect(themes.flatMap((t) => t.awaiting)).toEqual([]);
  });

  it('sends no mail and never chases it', async () => {
    await untilQuiet(product);
    expect(product.smtp.mails).toEqual([]);
    const owed = await product.db.dataSource.query(`SELECT count(*)::int AS n FROM owed_mails`);
    expect(owed[0].n).toBe(0);
    const chased = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'chase:%' OR type LIKE 'SubmissionLink%'`,
    );
    expect(chased[0].n).toBe(0);
    // A working day in the send window, long after the period's end: the scan owes it nothing.
    const jobs = await product.worker.get(ScanForChases).execute(new Date('2020-05-12T10:00:00Z'));
    expect(jobs).toEqual([]);
    const chaseNow = await call('POST', `/cycles/${CYCLE}/chase`, as.coordinator);
    expect(chaseNow.status).toBe(409);
  });

  it('refuses the same report a second time, uploaded or posted, naming the cycle it became', async () => {
    const again = await upload('copy.json', JSON.stringify(file), { cycleId: 'another-name' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'history-already-recorded', cycleId: CYCLE });
    const posted = await call('POST', '/cycles/historical', as.coordinator, { report: file });
    expect(posted.status).toBe(409);
  });

  it('gives a live cycle opened after it its trend and suggested DOTs from the recorded year', async () => {
    const y2 = 'sevenoaks-lsp~y2-2020-21';
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId: y2,
        label: 'Year 2 2020/21',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2031-04-30',
      },
      ['S1', 'S4'],
    );
    await submitAndApprove(call, `${y2}.S4`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'KSI casualties fell.',
    });
    await submitAndApprove(call, `${y2}.S1`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'Still above target.',
    });
    await untilQuiet(product);
    const { body } = await call('GET', `/cycles/${y2}/report`, as.coordinator);
    const measures = new Map(
      (body.themes as { measures: { ref: string }[] }[]).flatMap((t) => t.measures).map((m) => [m.ref, m]),
    );
    expect(measures.get('S4')).toMatchObject({
      previousRag: 'amber',
      suggestedDot: 'improving',
      trend: [{ cycleId: CYCLE, label: 'Year 1 2019/20', periodStart: '2019-04-01', rag: 'amber' }],
    });
    expect(measures.get('S1')).toMatchObject({ previousRag: 'green', suggestedDot: 'no-change' });
  });

  it('carries the recorded year’s RAG in the RAG trend column of the next year’s CSV and spreadsheet', async () => {
    const y2 = 'sevenoaks-lsp~y2-2020-21';
    const fetched = async (format: string) =>
      Buffer.from(
        await (
          await fetch(`${product.baseUrl}/cycles/${y2}/report?format=${format}`, { headers: as.coordinator })
        ).arrayBuffer(),
      );
    const csv = parse(await fetched('csv'), { bom: true, columns: true }) as Record<string, string>[];
    expect(csv.find((r) => r.Ref === 'S4')).toMatchObject({
      'Previous RAG': 'Amber',
      'RAG trend': 'Year 1 2019/20 Amber',
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await fetched('xlsx')) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Measures')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const s4 = [...Array(sheet.rowCount).keys()]
      .map((i) => sheet.getRow(i + 1))
      .find((r) => r.getCell(2).value === 'S4')!;
    expect(s4.getCell(header.indexOf('RAG trend') + 1).value).toBe('Year 1 2019/20 Amber');
  });

  it('refuses a spreadsheet of 20,000 merged ranges or one huge merge at once, recording nothing', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Cycle').addRows([['Label', 'Year 0 2018/19']]);
    const zip = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const merged = (refs: string[]) =>
      zip
        .file(
          'xl/worksheets/sheet1.xml',
          sheet.replace(
            '</sheetData>',
            `</sheetData><mergeCells>${refs.map((r) => `<mergeCell ref="${r}"/>`).join('')}</mergeCells>`,
          ),
        )
        .generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const before = await eventCount();
    for (const [refs, rule] of [
      [Array.from({ length: 20_000 }, (_, i) => `A${1000 + i}:B${1000 + i}`), 'at most 1,000 merged cells'],
      [['A1000:XFD1048999'], 'covering at most 50,000 cells'],
    ] as const) {
      const started = Date.now();
      const refused = await upload('merged.xlsx', await merged([...refs]));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await refused.json()).toMatchObject({
        code: 'invalid-historical-file',
        errors: [{ field: 'file', rule: 'invalid-historical-file' }],
        problems: [{ at: { pointer: '' }, message: expect.stringContaining(rule) }],
      });
    }
    expect(await eventCount()).toBe(before);
  });

  it('records a past year from a spreadsheet too, naming each bad cell by sheet, row and column', async () => {
    const book = async (rag: string) => {
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('Cycle').addRows([
        ['Label', 'Year 0 2018/19'],
        ['Period start', '2018-04-01'],
        ['Period end', '2019-03-31'],
      ]);
      workbook.addWorksheet('Measures').addRows([
        ['Ref', 'RAG', 'Progress', 'DOT', 'Comments'],
        ['S1', rag, 'The partnership plan was drafted.', 'New', ''],
      ]);
      return Buffer.from(await workbook.xlsx.writeBuffer());
    };
    const before = await eventCount();
    // The live cycle of the test before mailed its leads; this one must add none.
    const mailsBefore = product.smtp.mails.length;
    const refused = await upload('y0.xlsx', await book('Blue'));
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { problems: unknown[] }).problems).toEqual([
      { at: { sheet: 'Measures', row: 2, column: 'B' }, message: 'must be Red, Amber or Green' },
    ]);
    expect(await eventCount()).toBe(before);

    // A name in UTF-8 is recorded as sent (multer read it as Latin-1: "Ã©" for "é").
    const recorded = await upload('y0 café – 2018.xlsx', await book('Red'), { cycleId: 'y0-2018-19' });
    expect(recorded.status).toBe(201);
    expect(await recorded.json()).toMatchObject({ id: 'sevenoaks-lsp~y0-2018-19', returns: 1 });
    const [, marked] = await product.store.readStream('cycle:sevenoaks-lsp~y0-2018-19');
    expect(marked.data).toMatchObject({ source: { kind: 'xlsx', fileName: 'y0 café – 2018.xlsx' } });
    await untilQuiet(product);
    const { body } = await call('GET', '/cycles/sevenoaks-lsp~y1-2019-20/report', as.coordinator);
    expect(body.themes[0].measures[0]).toMatchObject({
      ref: 'S1',
      previousRag: 'red',
      suggestedDot: 'improving',
    });
    expect(product.smtp.mails).toHaveLength(mailsBefore);
  });

  it('records a past year from the report’s own spreadsheet, its nested lists printed as the report printed them', async () => {
    // The Measures sheet of the recorded year's report, as an officer downloads it, with a Cycle sheet added.
    const downloaded = await fetch(`${product.baseUrl}/cycles/${CYCLE}/report?format=xlsx`, {
      headers: as.coordinator,
    });
    expect(downloaded.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await downloaded.arrayBuffer());
    for (const sheet of [...workbook.worksheets])
      if (sheet.name !== 'Measures') workbook.removeWorksheet(sheet.id);
    workbook.addWorksheet('Cycle').addRows([
      ['Label', 'Year 0 2017/18'],
      ['Period start', '2017-04-01'],
      ['Period end', '2018-03-31'],
    ]);
    const recorded = await upload('report.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), {
      cycleId: 'y0-2017-18',
    });
    expect([recorded.status, await recorded.json()]).toEqual([201, expect.objectContaining({ returns: 27 })]);
    await untilQuiet(product);
    type Measures = {
      themes: { measures: { ref: string; rag: string; narrativeHtml: string; comments: string | null }[] }[];
    };
    const measures = async (cycle: string) =>
      ((await call('GET', `/cycles/${cycle}/report`, as.coordinator)).body as Measures).themes
        .flatMap((t) => t.measures)
        .map((m) => ({
          ref: m.ref,
          rag: m.rag,
          narrativeHtml: m.narrativeHtml,
          comments: m.comments || null,
        }));
    const original = await measures(CYCLE);
    // S2, C1, C6 and Sus2 nest bullets under a bullet: they printed at the margin, as bullets of their own.
    expect(original.filter((m) => /<li>[^<]*<ul>/.test(m.narrativeHtml)).map((m) => m.ref)).toEqual([
      'S2',
      'C1',
      'C6',
      'Sus2',
    ]);
    expect(await measures('sevenoaks-lsp~y0-2017-18')).toEqual(original);
  });

  it('leaves no event held by a processor, and read models rebuilt from the events equal to those kept', async () => {
    await untilQuiet(product);
    await expectNoHeldEvents(product.db.dataSource);
    const kept = await readModelTables(product);
    expect(kept.report_cycles.map((c) => (c as { status: string }).status)).toContain('closed');
    // The store the apps use: return texts are held apart and read back through it.
    const store = product.store;
    await rebuildReadModels(product.db.dataSource, store, readModels(store), { batchSize: 10 });
    expect(await readModelTables(product)).toEqual(kept);
  });
});
