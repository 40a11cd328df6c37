import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove, YEAR_ONE } from './support/reporting.js';

/**
 * A browser sends a textarea's line breaks as CRLF, an API client usually LF: returns typed in the web form
 * were stored, published and hashed with CRLF. Now a return's texts are stored with LF whoever typed them, and
 * a return stored with CRLF before that (the log keeps it) comes out of the report and a new publication with LF.
 */
describe('line endings in returns and the report (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const [stored, typed] = sevenoaksPlan().themes[0].measures;

  beforeAll(async () => {
    product = await startProduct('report_line_endings');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(call, as.coordinator, YEAR_ONE, [stored.ref, typed.ref]);
    // As an earlier release stored a return typed in the web form.
    const content = { rag: 'green', narrative: 'Stored.\r\n\r\n- with CRLF', comments: 'Old\r\ncomment' };
    await product.store.append(
      `return:${cycleId}.${stored.ref}`,
      1,
      [
        { type: 'ReturnSubmitted', data: { content, by: 'lead@example.org', late: false } },
        { type: 'ReturnApproved', data: { content, by: 'reviewer@example.org' } },
      ],
      { actorId: 'an-earlier-release', actorRole: 'reviewer', correlationId: 'crlf' },
    );
    await submitAndApprove(call, `${cycleId}.${typed.ref}`, as.coordinator, as.reviewer, {
      rag: 'amber',
      narrative: 'Typed.\r\n\r\n- with CRLF\r- and a lone CR',
    });
    await projectionsSettled(product, 60_000);
  }, 120_000);
  afterAll(() => product.stop());

  const narratives = (report: { themes: { measures: { ref: string; narrative: string }[] }[] }) =>
    Object.fromEntries(report.themes.flatMap((t) => t.measures).map((m) => [m.ref, m.narrative]));

  it('stores a return typed with CRLF with LF', async () => {
    const events = await product.store.readStream<{
      type: string;
      data: { content?: { narrative?: string } };
    }>(`return:${cycleId}.${typed.ref}`);
    const approved = events.find((e) => e.type === 'ReturnApproved')!;
    expect(approved.data.content?.narrative).toBe('Typed.\n\n- with CRLF\n- and a lone CR');
  });

  it('answers the report JSON with LF for a return stored with CRLF', async () => {
    const report = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
    expect(report.status).toBe(200);
    expect(narratives(report.body)).toEqual({
      [stored.ref]: 'Stored.\n\n- with CRLF',
      [typed.ref]: 'Typed.\n\n- with CRLF\n- and a lone CR',
    });
    const measure = report.body.themes[0].measures.find((m: { ref: string }) => m.ref === stored.ref);
    expect(measure.comments).toBe('Old\ncomment');
  });

  it('redacts a passage over two lines from a return stored with CRLF, the passage typed either way', async () => {
    const returnId = `${cycleId}.${stored.ref}`;
    const redacted = await call('POST', `/returns/${returnId}/redactions`, as.coordinator, {
      field: 'comments',
      passage: 'Old\ncomment',
      reason: 'Test of line endings',
    });
    expect(redacted.status).toBe(200);
    await projectionsSettled(product, 60_000);
    const report = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
    const measure = report.body.themes[0].measures.find((m: { ref: string }) => m.ref === stored.ref);
    expect(measure.comments).toBe('[redacted]');
    // And the other way round: typed with CRLF, as a textarea sends it, in a return stored with LF.
    const typedAgain = await call('POST', `/returns/${cycleId}.${typed.ref}/redactions`, as.coordinator, {
      field: 'narrative',
      passage: 'CRLF\r\n- and',
      reason: 'Test of line endings',
    });
    expect(typedAgain.status).toBe(200);
  });

  it('publishes the report with LF: the hashed bytes hold no CR', async () => {
    const closed = await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {
      force: true,
      reason: 'Board',
    });
    expect(closed.status).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator)).status).toBe(201);
    const response = await fetch(`${product.baseUrl}/cycles/${cycleId}/report?published=latest`, {
      headers: as.coordinator,
    });
    expect(response.status).toBe(200);
    const bytes = await response.text();
    expect(bytes).not.toContain('\\r');
    expect(narratives(JSON.parse(bytes))[stored.ref]).toBe('Stored.\n\n- with CRLF');
  });
});
