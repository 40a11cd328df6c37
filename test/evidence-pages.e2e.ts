import { createHash } from 'node:crypto';
import {
  docxWithSettings,
  HTML,
  pdfFile,
  relationship,
  relationshipsPart,
} from './support/evidence-files.js';
import { evidenceStreamId } from '../libs/returns/src/index.js';
import { attachEvidenceForTest, removeEvidenceForTest } from './support/evidence.js';
import { multipartStream, streamUpload } from './support/multipart.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';

/**
 * Issue 16 points 4 and 6: a return's files listed on the agency's form and files page, the review page, the
 * coordinator's return page and the history; the coordinator's choice of which the report lists, by the JSON
 * API and by the page's checkboxes. Files are attached by appending EvidenceAttached (attachEvidenceForTest):
 * the upload through the page needs the AttachEvidence handler, which the evidence storage branch builds.
 */
describe('evidence on the pages (e2e, real PostgreSQL, Redis and SMTP)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let session: string;
  let cycleId: string;
  let s1: string;
  /** The lead's to change: S1 is sent (its files page shows no buttons), S2 takes the uploads. */
  let s3: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!.contacts[0];

  beforeAll(async () => {
    product = await startProduct('evidence_pages');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    session = signIn.headers.get('set-cookie')!.split(';')[0];
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    expect(
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'S3'] }))
        .status,
    ).toBe(200);
    s1 = `${cycleId}.S1`;
    s3 = `${cycleId}.S3`;
    expect(
      (
        await call('POST', `/returns/${s1}/submit`, as.lead('sevenoaks-csp'), {
          rag: 'green',
          narrative: 'On target.',
          dot: 'improving',
        })
      ).status,
    ).toBe(200);
    for (const returnId of [s1, s3]) {
      await attachEvidenceForTest(product.store, {
        returnId,
        agencyId: 'sevenoaks-csp',
        title: 'Action plan monitoring sheet',
        fileName: 'aps-march-2020.xlsx',
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
        bytes: 2_100_000,
        actorId: csp.email,
      });
      await attachEvidenceForTest(product.store, {
        returnId,
        agencyId: 'sevenoaks-csp',
        title: 'Survey results <2020>',
        fileName: 'survey.csv',
        mediaType: 'text/csv',
        extension: 'csv',
        bytes: 340_000,
        actorId: csp.email,
      });
    }
  }, 90_000);
  afterAll(() => product?.stop());

  async function page(path: string, headers: Record<string, string>) {
    const response = await fetch(`${product.baseUrl}${path}`, {
      headers: { ...headers, accept: 'text/html' },
      redirect: 'manual',
    });
    return { status: response.status, html: await response.text(), response };
  }
  const coordinatorPage = (path: string) => page(path, { cookie: session });
  const evidenceEvents = async (returnId = s1) =>
    (await product.store.readStream(evidenceStreamId(returnId))).map((e) => [e.type, e.data] as const);
  const problem = (r: { status: number; body: { code?: string; errors?: unknown[] } }, status: number) => {
    expect(r.status).toBe(status);
    return r.body;
  };

  it('lists the files on the agency’s form: title, file name, type and size in words, when; never a link', async () => {
    const { status, html } = await page(`/agency/returns/${s1}`, as.lead('sevenoaks-csp'));
    expect(status).toBe(200);
    const files = html.slice(html.indexOf('id="evidence"'));
    expect(files).toContain('Action plan monitoring sheet');
    expect(files).toContain('aps-march-2020.xlsx, Excel spreadsheet, 2.1 MB, added');
    expect(files).toContain('survey.csv, CSV spreadsheet, 340 KB');
    // Escaped like every other text the lead typed.
    expect(files).toContain('Survey results &lt;2020&gt;');
    expect(files).toContain(`href="/agency/returns/${encodeURIComponent(s1)}/evidence"`);
  });

  it('gives the lead a files page: the GOV.UK file upload in a multipart form with CSRF, a remove button per file', async () => {
    const { status, html } = await page(`/agency/returns/${s3}/evidence`, as.lead('sevenoaks-csp'));
    expect(status).toBe(200);
    const upload = html.slice(html.indexOf('enctype="multipart/form-data"') - 200);
    expect(upload).toMatch(
      /<form method="post" action="\/agency\/returns\/[^"]+\/evidence" enctype="multipart\/form-data"/,
    );
    expect(upload).toContain('class="govuk-file-upload');
    expect(upload).toMatch(/name="_csrf"[\s\S]*name="title"[\s\S]*name="file"/);
    expect(
      [...html.matchAll(/action="\/agency\/returns\/[^"]+\/evidence\/(e\d)\/remove"/g)].map((m) => m[1]),
    ).toEqual(['e1', 'e2']);
    expect(html).toMatch(/Remove<span class=.govuk-visually-hidden.> Action plan monitoring sheet<\/span>/);
    // Another agency's lead is told there is no such return.
    expect((await page(`/agency/returns/${s3}/evidence`, as.lead('sevenoaks-dc'))).status).toBe(404);
  });

  it('answers a page upload with no file GOV.UK style: the error summary and the message on the file input', async () => {
    const { html, response } = await page(`/agency/returns/${s3}/evidence`, as.lead('sevenoaks-csp'));
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const csrfCookie = response.headers.get('set-cookie')!.split(';')[0];
    const form = new FormData();
    form.append('_csrf', token);
    form.append('title', 'Kept as typed');
    form.append('file', new Blob([]), '');
    const posted = await fetch(`${product.baseUrl}/agency/returns/${s3}/evidence`, {
      method: 'POST',
      headers: {
        ...as.lead('sevenoaks-csp'),
        cookie: `${as.lead('sevenoaks-csp').cookie}; ${csrfCookie}`,
        accept: 'text/html',
      },
      body: form,
    });
    const answer = await posted.text();
    expect(posted.status).toBe(400);
    expect(answer).toContain('<title>Error: ');
    expect(answer).toContain('govuk-error-summary');
    expect(answer).toMatch(/href="#file">Select a file to add/);
    expect(answer).toMatch(/id="file-error"[\s\S]*Select a file to add/);
    expect(answer).toContain('value="Kept as typed"');
    expect((await evidenceEvents(s3)).length).toBe(2);
  });

  // A review (2026-12-06): 2,000 text fields before the file were answered "Choose a file" (busboy's limits
  // dropped the file with the fields). The page and the API now say the form has too many fields.
  it('refuses a form of 2,000 fields before its file as too many fields, on the page and the API', async () => {
    const { html, response } = await page(`/agency/returns/${s3}/evidence`, as.lead('sevenoaks-csp'));
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const csrfCookie = response.headers.get('set-cookie')!.split(';')[0];
    const form = (csrf: boolean) => {
      const body = new FormData();
      if (csrf) body.append('_csrf', token);
      for (let i = 0; i < 2_000; i++) body.append(`f${i}`, 'x');
      body.append('file', new Blob([Buffer.from('%PDF-1.7\n')], { type: 'application/pdf' }), 'a.pdf');
      return body;
    };
    const posted = await fetch(`${product.baseUrl}/agency/returns/${s3}/evidence`, {
      method: 'POST',
      headers: {
        ...as.lead('sevenoaks-csp'),
        cookie: `${as.lead('sevenoaks-csp').cookie}; ${csrfCookie}`,
        accept: 'text/html',
      },
      body: form(true),
    });
    const answer = await posted.text();
    expect(posted.status).toBe(400);
    expect(answer).toMatch(/href="#file">The form may send at most 8 fields before its file/);

    const api = await fetch(`${product.baseUrl}/returns/${s3}/evidence`, {
      method: 'POST',
      headers: as.lead('sevenoaks-csp'),
      body: form(false),
    });
    expect(api.status).toBe(422);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(await api.json()).toMatchObject({
      code: 'too-many-fields',
      errors: [{ field: 'body', rule: 'too-many-fields' }],
    });
    expect((await evidenceEvents(s3)).length).toBe(2);
  });

  // A busy lead (2026-12-06): a file said to be over the limit is refused before its form is read, its _csrf too,
  // so the page said "The form expired". Nothing is acted on, so the page can say the truth without the token.
  it('answers a page upload declared over the limit with the size rule and the way back, changing nothing', async () => {
    const url = `${product.baseUrl}/agency/returns/${s3}/evidence`;
    const size = 25 * 1024 * 1024;
    const declared = await streamUpload(
      url,
      { ...as.lead('sevenoaks-csp'), accept: 'text/html', 'content-length': String(size + 300) },
      multipartStream('minutes.pdf', Buffer.from('%PDF-1.7\n'), size),
    );
    expect(declared.status).toBe(422);
    expect(declared.text).toContain('The file is too large');
    expect(declared.text).toContain('The file must be 20 MB or smaller.');
    expect(declared.text).toContain(
      `<a class="govuk-link" href="/agency/returns/${s3}/evidence">Go back to the form</a>`,
    );
    expect(declared.text).not.toContain('The form expired');
    // Refused before the body was read: not the 25 MB.
    expect(declared.writtenWhenAnswered).toBeLessThan(20 * 1024 * 1024);
    expect((await evidenceEvents(s3)).length).toBe(2);
  });

  it('takes a file through the page, streamed to the store, and refuses a disguised one on the file input', async () => {
    const s2 = `${cycleId}.S2`;
    const send = async (fileName: string, content: Buffer) => {
      const { html, response } = await page(`/agency/returns/${s2}/evidence`, as.lead('sevenoaks-csp'));
      const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
      const csrfCookie = response.headers.get('set-cookie')!.split(';')[0];
      const form = new FormData();
      form.append('_csrf', token);
      form.append('title', 'Survey results');
      form.append('file', new Blob([new Uint8Array(content)]), fileName);
      return fetch(`${product.baseUrl}/agency/returns/${s2}/evidence`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          ...as.lead('sevenoaks-csp'),
          cookie: `${as.lead('sevenoaks-csp').cookie}; ${csrfCookie}`,
          accept: 'text/html',
        },
        body: form,
      });
    };
    const pdf = await pdfFile('Survey results 2019/20');
    const taken = await send('survey.pdf', pdf);
    expect(taken.status).toBe(303);
    expect(taken.headers.get('location')).toMatch(/\?done=attached$/);
    const listed = await call('GET', `/returns/${s2}/evidence`, as.coordinator);
    expect(listed.body.files).toEqual([
      expect.objectContaining({
        title: 'Survey results',
        fileName: 'survey.pdf',
        mediaType: 'application/pdf',
        bytes: pdf.length,
        sha256: createHash('sha256').update(pdf).digest('hex'),
      }),
    ]);

    const disguised = await send('survey.pdf', HTML);
    const answer = await disguised.text();
    expect(disguised.status).toBe(422);
    expect(answer).toContain('govuk-error-summary');
    expect(answer).toMatch(/id="file-error"/);
    expect((await call('GET', `/returns/${s2}/evidence`, as.coordinator)).body.files).toHaveLength(1);
  });

  // A review (2026-12-06): a Word document whose settings attach a template from another server (remote template
  // injection; on \\host\share, the reviewer's NTLM hash) was taken as evidence. Refused, naming the rule.
  it('refuses a Word document that fetches a template from outside itself, on the file input and by the API', async () => {
    const remote = docxWithSettings(
      relationshipsPart(relationship('attachedTemplate', '\\\\198.51.100.7\\share\\normal.dotm')),
    );
    const { html, response } = await page(`/agency/returns/${s3}/evidence`, as.lead('sevenoaks-csp'));
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const csrfCookie = response.headers.get('set-cookie')!.split(';')[0];
    const form = (csrf: boolean) => {
      const body = new FormData();
      if (csrf) body.append('_csrf', token);
      body.append('file', new Blob([new Uint8Array(remote)]), 'survey.docx');
      return body;
    };
    const before = (await evidenceEvents(s3)).length;
    const posted = await fetch(`${product.baseUrl}/agency/returns/${s3}/evidence`, {
      method: 'POST',
      headers: {
        ...as.lead('sevenoaks-csp'),
        cookie: `${as.lead('sevenoaks-csp').cookie}; ${csrfCookie}`,
        accept: 'text/html',
      },
      body: form(true),
    });
    const answer = await posted.text();
    expect(posted.status).toBe(422);
    expect(answer).toContain('govuk-error-summary');
    expect(answer).toMatch(
      /href="#file">The document fetches a template from outside itself when it is opened/,
    );
    expect(answer).toMatch(/id="file-error"[^>]*>[\s\S]*?The document fetches a template/);

    const api = await fetch(`${product.baseUrl}/returns/${s3}/evidence`, {
      method: 'POST',
      headers: as.lead('sevenoaks-csp'),
      body: form(false),
    });
    expect(api.status).toBe(422);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(await api.json()).toMatchObject({
      code: 'file-has-external-content',
      errors: [{ field: 'file', rule: 'file-has-external-content' }],
    });
    expect((await evidenceEvents(s3)).length).toBe(before);
  });

  it('keeps a name with quotes as the lead saw it, escaped on the page and in the download, and refuses a line break', async () => {
    // FormData sends the name as a browser does (WHATWG HTML): " as %22, CR and LF as %0D and %0A.
    const s2 = `${cycleId}.S2`;
    const send = async (fileName: string) => {
      const { html, response } = await page(`/agency/returns/${s2}/evidence`, as.lead('sevenoaks-csp'));
      const form = new FormData();
      form.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(html)![1]);
      form.append('file', new Blob([new Uint8Array(await pdfFile('Minutes'))]), fileName);
      return fetch(`${product.baseUrl}/agency/returns/${s2}/evidence`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          ...as.lead('sevenoaks-csp'),
          cookie: `${as.lead('sevenoaks-csp').cookie}; ${response.headers.get('set-cookie')!.split(';')[0]}`,
          accept: 'text/html',
        },
        body: form,
      });
    };
    const name = 'Minutes "final" <2020>.pdf';
    expect((await send(name)).status).toBe(303);
    const files: { evidenceId: string; fileName: string; title: string }[] = (
      await call('GET', `/returns/${s2}/evidence`, as.coordinator)
    ).body.files;
    const file = files.find((f) => f.fileName.startsWith('Minutes'))!;
    // It was stored as Minutes %22final%22 <2020>.pdf.
    expect(file).toMatchObject({ fileName: name, title: name });
    const shown = await page(`/agency/returns/${s2}`, as.lead('sevenoaks-csp'));
    expect(shown.html).toContain('Minutes &quot;final&quot; &lt;2020&gt;.pdf, PDF');
    expect(shown.html).not.toContain('Minutes "final"');
    const download = await fetch(`${product.baseUrl}/returns/${s2}/evidence/${file.evidenceId}`, {
      headers: as.coordinator,
    });
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="Minutes _final_ _2020_.pdf"; filename*=UTF-8''Minutes%20%22final%22%20%3C2020%3E.pdf`,
    );

    const before = files.length;
    for (const broken of ['Minutes\r\n.pdf', 'Minutes\nBcc.pdf']) {
      const refused = await send(broken);
      expect([JSON.stringify(broken), refused.status]).toEqual([JSON.stringify(broken), 422]);
      expect(await refused.text()).toContain('must not hold control characters');
    }
    expect((await call('GET', `/returns/${s2}/evidence`, as.coordinator)).body.files).toHaveLength(before);
  });

  it('lists the files on the review page and the coordinator’s return page, and tells them in the history', async () => {
    const review = await page(`/review/returns/${s1}`, as.reviewer);
    expect(review.status).toBe(200);
    expect(review.html.slice(review.html.indexOf('id="evidence"'))).toContain(
      'aps-march-2020.xlsx, Excel spreadsheet, 2.1 MB',
    );
    expect(review.html).toMatch(
      /File attached: Action plan monitoring sheet<\/strong><br>\s*<span class="govuk-body-s">[^<]*, file e1/,
    );
    const coordinator = await coordinatorPage(`/coordinate/returns/${s1}`);
    expect(coordinator.status).toBe(200);
    expect(coordinator.html).toContain('File attached: Survey results &lt;2020&gt;');
    expect(coordinator.html).toContain('name="inReport"');
  });

  it('lets the coordinator choose by JSON which files the report lists, If-Match on the files’ version', async () => {
    const path = `/returns/${s1}/evidence/e1/report-choice`;
    const chosen = await call('PUT', path, { ...as.coordinator, 'if-match': '"2"' }, { inReport: true });
    expect([chosen.status, chosen.body]).toEqual([
      200,
      { id: s1, evidenceId: 'e1', inReport: true, version: 3 },
    ]);
    expect(chosen.headers.get('etag')).toBe('"3"');
    // Stale: 409, nothing appended.
    expect(
      (await call('PUT', path, { ...as.coordinator, 'if-match': '"2"' }, { inReport: false })).status,
    ).toBe(409);
    // The same again changes nothing.
    const again = await call('PUT', path, as.coordinator, { inReport: true });
    expect([again.status, again.body.version]).toEqual([200, 3]);
    expect((await evidenceEvents()).at(-1)).toEqual([
      'EvidenceReportChoiceMade',
      expect.objectContaining({ evidenceId: 'e1', inReport: true }),
    ]);
    expect((await evidenceEvents()).length).toBe(3);
  });

  it('refuses the choice from anyone else, for a file not there, or without a yes or no, naming the field', async () => {
    const path = (e: string) => `/returns/${s1}/evidence/${e}/report-choice`;
    for (const who of [as.reviewer, as.lead('sevenoaks-csp'), as.viewer])
      problem(await call('PUT', path('e1'), who, { inReport: false }), 403);
    expect(problem(await call('PUT', path('e1'), as.otherCoordinator, { inReport: false }), 404).code).toBe(
      'return-not-found',
    );
    const missing = problem(await call('PUT', path('e9'), as.coordinator, { inReport: true }), 404);
    expect([missing.code, missing.errors]).toEqual([
      'evidence-not-found',
      [expect.objectContaining({ field: 'evidenceId' })],
    ]);
    // An id that is not a file id: the same 404, before anything is read.
    expect(problem(await call('PUT', path('x1'), as.coordinator, { inReport: true }), 404).code).toBe(
      'evidence-not-found',
    );
    const bad = problem(await call('PUT', path('e1'), as.coordinator, { inReport: 'yes' }), 400);
    expect(bad.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'inReport' })]));
    expect((await evidenceEvents()).length).toBe(3);
  });

  it('lets the coordinator tick the files for the report on the return page, without JavaScript', async () => {
    const { html, response } = await coordinatorPage(`/coordinate/returns/${s1}`);
    const form = html.slice(html.indexOf('/evidence-in-report"'));
    const token = /name="_csrf" value="([^"]+)"/.exec(form)![1];
    const version = /name="version" value="(\d+)"/.exec(form)![1];
    expect(version).toBe('3');
    expect(form).toMatch(/name="inReport" type="checkbox" value="e1" checked/);
    const csrfCookie = response.headers.get('set-cookie')!.split(';')[0];
    // e1 unticked, e2 ticked.
    const body = new URLSearchParams([
      ['_csrf', token],
      ['version', version],
      ['listed', 'e1'],
      ['listed', 'e2'],
      ['inReport', 'e2'],
    ]);
    const posted = await fetch(`${product.baseUrl}/coordinate/returns/${s1}/evidence-in-report`, {
      method: 'POST',
      headers: {
        cookie: `${session}; ${csrfCookie}`,
        origin: product.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(decodeURIComponent(posted.headers.get('location')!)).toContain(
      'The report’s list of files has been saved',
    );
    expect((await evidenceEvents()).slice(3).map(([, d]) => d)).toEqual([
      expect.objectContaining({ evidenceId: 'e1', inReport: false }),
      expect.objectContaining({ evidenceId: 'e2', inReport: true }),
    ]);
    const after = await coordinatorPage(`/coordinate/returns/${s1}`);
    expect(after.html).toContain('File taken out of the report: Action plan monitoring sheet');
    expect(after.html).toContain('File listed in the report: Survey results &lt;2020&gt;');
    expect(after.html).toMatch(/name="inReport" type="checkbox" value="e2" checked/);
    expect(after.html).not.toMatch(/name="inReport" type="checkbox" value="e1" checked/);
  });

  it('drops a removed file from every list, and says so in the history by its title', async () => {
    await removeEvidenceForTest(product.store, s1, 'e1');
    const form = await page(`/agency/returns/${s1}`, as.lead('sevenoaks-csp'));
    expect(form.html).not.toContain('aps-march-2020.xlsx');
    const review = await page(`/review/returns/${s1}`, as.reviewer);
    expect(review.html).toContain('File removed: Action plan monitoring sheet');
    expect(review.html.slice(review.html.indexOf('id="evidence"'))).not.toContain('aps-march-2020.xlsx');
  });

  it('documents the report choice in the OpenAPI document, with If-Match and Idempotency-Key', async () => {
    const doc = (await call('GET', '/api/docs-json', {})).body;
    const operation = doc.paths['/returns/{returnId}/evidence/{evidenceId}/report-choice']?.put;
    expect(operation?.summary).toMatch(/coordinator/);
    expect(operation.tags).toEqual(['evidence']);
    const headers = operation.parameters.filter((p: { in: string }) => p.in === 'header');
    expect(headers.map((h: { name: string }) => h.name).sort()).toEqual(['Idempotency-Key', 'If-Match']);
    expect(doc.components.schemas.EvidenceChoiceDto.required).toEqual(['inReport']);
    expect(Object.keys(doc.components.schemas.EvidenceChoiceResultDto.properties).sort()).toEqual([
      'evidenceId',
      'id',
      'inReport',
      'version',
    ]);
    // The pages are not API: they stay out of the document.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/agency'))).toEqual([]);
  });
});
