import { as, http, importSevenoaks, Product, startProduct } from '../support/product.js';

/**
 * Not part of the suite (`npx jest --testMatch '<rootDir>/test/probes/hostile2.probe.ts'`): writes that fail, each
 * checked for events written meanwhile (a half-applied change) and for an answer naming the field and the rule.
 */
describe('hostile writes (probe 2)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  let draftCycle: string;

  beforeAll(async () => {
    product = await startProduct('hostile_probe2');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const mk = async (label: string) =>
      (
        await call('POST', '/cycles', as.coordinator, {
          partnershipId: 'sevenoaks-lsp',
          planId: 'community-plan-2019-22',
          label,
          periodStart: '2019-04-01',
          periodEnd: '2020-03-31',
          dueDate: '2030-04-30',
        })
      ).body.id as string;
    cycleId = await mk('Year 1 2019/20');
    draftCycle = await mk('Year 2 2020/21');
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, {});
    for (const ref of ['S1', 'S2']) {
      await call('PUT', `/returns/${cycleId}.${ref}/draft`, as.lead('sevenoaks-csp'), {
        rag: 'amber',
        narrative: 'Some text here',
        caseStudies: [{ title: 'T', agency: 'HAT', sections: [{ heading: 'H', body: 'B' }] }],
      });
      await call('POST', `/returns/${cycleId}.${ref}/submit`, as.lead('sevenoaks-csp'));
    }
  }, 120_000);
  afterAll(() => product?.stop());

  const events = async () =>
    Number(
      (
        await product.db.dataSource.query(
          `SELECT count(*) AS n FROM events WHERE stream_id NOT LIKE 'link-mail:%'`,
        )
      )[0].n,
    );

  it('probes', async () => {
    const c = () => as.coordinator;
    const lead = () => as.lead('sevenoaks-csp');
    const other = () => as.lead('sevenoaks-dc');
    type Req = [string, string, string, () => Record<string, string>, unknown];
    const appendix = await call('POST', `/cycles/${cycleId}/appendices`, as.coordinator, { title: 'A' });
    const appendixId = appendix.body.id;
    const reqs: Req[] = [
      ['open unknown ref', 'POST', `/cycles/${draftCycle}/open`, c, { measureRefs: ['S1', 'Z99'] }],
      ['open dup ref', 'POST', `/cycles/${draftCycle}/open`, c, { measureRefs: ['S1', 'S1'] }],
      ['open empty', 'POST', `/cycles/${draftCycle}/open`, c, { measureRefs: [] }],
      [
        'bulk mixed aon',
        'POST',
        `/returns/bulk-decisions`,
        () => as.reviewer,
        {
          decision: 'approve',
          mode: 'all-or-nothing',
          returns: [
            { returnId: `${cycleId}.S1`, version: 3 },
            { returnId: `${cycleId}.S2`, version: 99 },
          ],
        },
      ],
      [
        'bulk dup',
        'POST',
        `/returns/bulk-decisions`,
        () => as.reviewer,
        {
          decision: 'approve',
          mode: 'all-or-nothing',
          returns: [
            { returnId: `${cycleId}.S1`, version: 3 },
            { returnId: `${cycleId}.S1`, version: 3 },
          ],
        },
      ],
      [
        'bulk other partnership',
        'POST',
        `/returns/bulk-decisions`,
        () => as.reviewer,
        {
          decision: 'approve',
          mode: 'all-or-nothing',
          returns: [
            { returnId: `${cycleId}.S1`, version: 3 },
            { returnId: `other-lsp~x.S1`, version: 1 },
          ],
        },
      ],
      [
        'bulk send-back no reason',
        'POST',
        `/returns/bulk-decisions`,
        () => as.reviewer,
        {
          decision: 'send-back',
          mode: 'all-or-nothing',
          returns: [{ returnId: `${cycleId}.S1`, version: 3 }],
        },
      ],
      ['revoke bad link', 'POST', `/cycles/${cycleId}/links/zzz/revoke`, c, {}],
      ['reissue bad agency', 'POST', `/cycles/${cycleId}/agencies/nope/links/reissue`, c, {}],
      ['reissue other cycle', 'POST', `/cycles/${draftCycle}/agencies/sevenoaks-csp/links/reissue`, c, {}],
      [
        'place bad index',
        'POST',
        `/cycles/${cycleId}/appendices/${appendixId}/agency-case-studies`,
        c,
        { returnId: `${cycleId}.S1`, index: 5 },
      ],
      [
        'place neg index',
        'POST',
        `/cycles/${cycleId}/appendices/${appendixId}/agency-case-studies`,
        c,
        { returnId: `${cycleId}.S1`, index: -1 },
      ],
      [
        'place other cycle ret',
        'POST',
        `/cycles/${cycleId}/appendices/${appendixId}/agency-case-studies`,
        c,
        { returnId: `${draftCycle}.S1`, index: 0 },
      ],
      [
        'place twice',
        'POST',
        `/cycles/${cycleId}/appendices/${appendixId}/agency-case-studies`,
        c,
        { returnId: `${cycleId}.S1`, index: 0 },
      ],
      [
        'place twice 2',
        'POST',
        `/cycles/${cycleId}/appendices/${appendixId}/agency-case-studies`,
        c,
        { returnId: `${cycleId}.S1`, index: 0 },
      ],
      ['move pos 0', 'POST', `/cycles/${cycleId}/appendices/${appendixId}/move`, c, { position: 0 }],
      ['move pos 99', 'POST', `/cycles/${cycleId}/appendices/${appendixId}/move`, c, { position: 99 }],
      ['move pos 1.5', 'POST', `/cycles/${cycleId}/appendices/${appendixId}/move`, c, { position: 1.5 }],
      [
        'cs add bad ref',
        'POST',
        `/cycles/${cycleId}/appendices/${appendixId}/case-studies`,
        c,
        { title: 'x', organisation: 'y', measureRef: 'Z9', sections: [] },
      ],
      [
        'redact missing passage',
        'POST',
        `/returns/${cycleId}.S1/redactions`,
        c,
        { field: 'narrative', passage: 'not there', reason: 'r' },
      ],
      [
        'redact case study',
        'POST',
        `/returns/${cycleId}.S1/redactions`,
        c,
        { field: 'caseStudies', passage: 'B', reason: 'r' },
      ],
      [
        'message answers unknown',
        'POST',
        `/returns/${cycleId}.S1/messages`,
        lead,
        { body: 'x', answers: 'nope' },
      ],
      ['message other lead', 'POST', `/returns/${cycleId}.S1/messages`, other, { body: 'x' }],
      [
        'message change req lead',
        'POST',
        `/returns/${cycleId}.S1/messages`,
        lead,
        { body: 'x', changeRequest: true },
      ],
      ['staff dup', 'POST', `/staff`, c, { email: 'reviewer@example.org', name: 'N', role: 'reviewer' }],
      ['staff bad role', 'POST', `/staff`, c, { email: 'n@kent.gov.uk', name: 'N', role: 'admin' }],
      [
        'staff themes unknown',
        'PUT',
        `/staff/reviewer@example.org/themes`,
        c,
        { themes: ['safe-communities', 'zzz'] },
      ],
      ['staff themes no one', 'PUT', `/staff/nobody@example.org/themes`, c, { themes: [] }],
      ['reassign unknown', 'POST', `/returns/${cycleId}.S1/reassign`, c, { agencyId: 'nope' }],
      ['extend past', 'POST', `/returns/${cycleId}.S1/extend`, c, { dueDate: '2001-01-01', reason: 'x' }],
      ['withdraw submitted', 'POST', `/returns/${cycleId}.S2/withdraw`, c, { reason: '' }],
      ['chase draft cycle', 'POST', `/cycles/${draftCycle}/chase`, c, {}],
      ['publish open', 'POST', `/cycles/${cycleId}/publish`, c, {}],
      [
        'historical bad',
        'POST',
        `/cycles/historical`,
        c,
        { report: { label: 'x', measures: [{ ref: 'S1' }] }, planId: 'community-plan-2019-22' },
      ],
      [
        'historical dup id',
        'POST',
        `/cycles/historical`,
        c,
        {
          report: { label: 'Year 1 2019/20', periodStart: '2019-04-01', periodEnd: '2020-03-31', themes: [] },
          cycleId,
        },
      ],
      [
        'plan import bad',
        'POST',
        `/plan/import`,
        c,
        { plan: { id: 'community-plan-2019-22', themes: [{ id: 'x' }] } },
      ],
      ['plan import yaml', 'POST', `/plan/import`, c, { yaml: 'a: [' }],
      ['sso put bad', 'PUT', `/single-sign-on`, c, { issuer: 'not a url', clientId: 'x', clientSecret: 'y' }],
      ['retention neg', 'PUT', `/partnership/retention`, c, { contactMonths: -1 }],
      ['retention huge', 'PUT', `/partnership/retention`, c, { contactMonths: 1e15 }],
      ['tokens expire neg', 'POST', `/auth/tokens`, c, { name: 'x', expiresInDays: -5 }],
      [
        'evidence choice unknown',
        'PUT',
        `/returns/${cycleId}.S1/report-choice`,
        c,
        { evidenceIds: ['00000000-0000-0000-0000-000000000000'] },
      ],
      [
        'extend agency past',
        'POST',
        `/cycles/${cycleId}/agencies/sevenoaks-csp/extend`,
        c,
        { dueDate: '2000-01-01', reason: 'r' },
      ],
      [
        'headings huge',
        'PUT',
        `/cycles/${cycleId}/report-headings`,
        () => ({ ...c(), 'if-match': '"2"' }),
        { reportTitle: 'x'.repeat(100_000) },
      ],
    ];
    for (const [name, method, path, who, body] of reqs) {
      const before = await events();
      const start = performance.now();
      const res = await fetch(`${product.baseUrl}${path}`, {
        method,
        headers: { ...who(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      }).catch((e: Error) => e);
      if (res instanceof Error) {
        process.stdout.write(`BAD ${name}: threw ${res.message}\n`);
        continue;
      }
      const text = await res.text();
      const ms = Math.round(performance.now() - start);
      await new Promise((r) => setTimeout(r, 200));
      const delta = (await events()) - before;
      const added = delta
        ? JSON.stringify(
            await product.db.dataSource.query(
              `SELECT type, stream_id FROM events WHERE stream_id NOT LIKE 'link-mail:%' ORDER BY global_position DESC LIMIT ${delta}`,
            ),
          )
        : '';
      const ct = res.headers.get('content-type') ?? '';
      const named = (() => {
        try {
          return JSON.stringify(JSON.parse(text).errors?.[0] ?? null);
        } catch {
          return 'unparsed';
        }
      })();
      const bad =
        res.status >= 500 ||
        (res.status >= 400 && (!ct.includes('problem+json') || named === 'null')) ||
        (res.status >= 400 && delta !== 0) ||
        ms > 5000;
      process.stdout.write(
        `${bad ? 'BAD ' : '    '}${name}: ${res.status} +${delta} events ${added} ${ms}ms ${named} ${text.slice(0, 160)}\n`,
      );
    }
  }, 600_000);
});
