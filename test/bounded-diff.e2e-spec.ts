import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { seededWords } from './support/seeded-words.js';

/**
 * A security probe's finding: an agency lead's text could freeze the api. A return of about 1.8 MB (a
 * 50,000-character narrative, 9 case studies of 10 sections of 20,000 characters) submitted, sent back and
 * submitted again in other words held the event loop 25 s each time a reviewer opened it (the page shows what
 * changed since it was sent back), and the diff between its two versions 2.5 s. The comparison now has a work
 * budget: both answer in a bounded time, the passages beyond the budget shown whole (coarse), and the api's
 * liveness check answers meanwhile. The bounds are loose (a slow, shared machine); what is asserted firmly is
 * that the comparison says it was coarse.
 */
describe('comparing two versions of a very large return (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let returnId: string;
  const lead = () => as.lead('sevenoaks-csp');

  const { words } = seededWords(11);
  const content = (prefix: string) => ({
    rag: 'amber',
    dot: 'improving',
    narrative: words(prefix, 50_000),
    caseStudies: Array.from({ length: 9 }, (_, s) => ({
      title: `Study ${s}`,
      agency: 'HAT',
      sections: Array.from({ length: 10 }, (_, i) => ({ heading: `Part ${i}`, body: words(prefix, 20_000) })),
    })),
  });

  /**
   * A request, and liveness checks sent one after another while it runs: how long the request took, and the
   * longest the checks waited. The product runs in this process, so while the request holds its one thread a
   * check can be neither answered nor sent: the wait is measured from the end of one check to the end of the
   * next (less the pause between them), which catches the thread held whenever it happens.
   */
  async function withLiveness(request: () => Promise<Response>) {
    const start = performance.now();
    let done = false;
    const answer = request().then(async (response) => {
      const body = await response.text();
      done = true;
      return { response, body, ms: performance.now() - start };
    });
    const pause = 20;
    let [last, liveMs] = [performance.now(), 0];
    while (!done) {
      const live = await fetch(`${product.baseUrl}/health/live`);
      expect(live.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, pause));
      liveMs = Math.max(liveMs, performance.now() - last - pause);
      last = performance.now();
    }
    return { ...(await answer), liveMs };
  }

  beforeAll(async () => {
    product = await startProduct('bounded_diff');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const cycle = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(cycle.status).toBe(201);
    expect(
      (await call('POST', `/cycles/${cycle.body.id}/open`, as.coordinator, { measureRefs: ['S1'] })).status,
    ).toBe(200);
    returnId = `${cycle.body.id}.S1`;
    expect((await call('PUT', `/returns/${returnId}/draft`, lead(), content('a'))).status).toBe(200);
    expect((await call('POST', `/returns/${returnId}/submit`, lead())).status).toBe(200);
    const sentBack = await call('POST', `/returns/${returnId}/send-back`, as.reviewer, {
      reason: 'Say more',
    });
    expect(sentBack.status).toBe(200);
    expect((await call('PUT', `/returns/${returnId}/draft`, lead(), content('b'))).status).toBe(200);
    expect((await call('POST', `/returns/${returnId}/submit`, lead())).status).toBe(200);
  }, 120_000);
  afterAll(() => product?.stop());

  it('answers the diff between the two submissions, marked coarse, while the api stays live', async () => {
    const history = (await call('GET', `/returns/${returnId}`, as.reviewer)).body.history as {
      type: string;
      version: number;
    }[];
    const [from, to] = history.filter((h) => h.type === 'ReturnSubmitted').map((h) => h.version);
    const { response, body, ms, liveMs } = await withLiveness(() =>
      fetch(`${product.baseUrl}/returns/${returnId}/diff?from=${from}&to=${to}`, { headers: as.reviewer }),
    );
    expect(response.status).toBe(200);
    const changes = (JSON.parse(body) as { changes: { field: string; coarse?: boolean }[] }).changes;
    expect(changes.find((c) => c.field === 'narrative')).toMatchObject({ coarse: true });
    expect(changes.filter((c) => c.field.startsWith('caseStudies[')).length).toBe(9);
    // Loose bounds on a slow, shared machine: the probe measured 2.5 s for the diff of the narratives alone.
    expect(ms).toBeLessThan(5_000);
    expect(liveMs).toBeLessThan(2_000);
  }, 60_000);

  it('opens the review page with what changed since it was sent back, said to be coarse, while the api stays live', async () => {
    const { response, body, ms, liveMs } = await withLiveness(() =>
      fetch(`${product.baseUrl}/review/returns/${returnId}`, {
        headers: { ...as.reviewer, accept: 'text/html' },
      }),
    );
    expect(response.status).toBe(200);
    expect(body).toContain('Sent back and submitted again');
    expect(body).toContain('id="since-coarse"');
    expect(body).toContain('<ins class="app-diff-added"><span class="govuk-visually-hidden">added: </span>b');
    // The probe measured 26 s for the page, and 25 s for a liveness check sent a second after it. Fresh-clone CI
    // runs took 3.3 s for the check at load average 9 and 6.4 s in a 1,337 s suite (2026-12-06): the bound stays
    // well under the 25 s it guards against.
    expect(ms).toBeLessThan(10_000);
    expect(liveMs).toBeLessThan(10_000);
  }, 60_000);
});
