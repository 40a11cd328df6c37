import { as, http, importSevenoaks, Product, startProduct } from '../support/product.js';
import { seededWords } from '../support/seeded-words.js';

/**
 * Not part of the suite (run it with `npx jest --testMatch '<rootDir>/test/probes/narrative-views.probe.ts'`): a return of about 2 MB
 * of Markdown, approved, and the time of each of N views of the coordinator's return page, the review page and
 * the report's HTML. Before the rendered narratives were kept (see remembered) every view rendered it all again.
 */
const VIEWS = Number(process.env.PROBE_VIEWS ?? 8);

describe('views of a 2 MB return (probe)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const { words } = seededWords(7);

  beforeAll(async () => {
    product = await startProduct('narrative_views_probe');
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
    cycleId = cycle.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1'] });
    const returnId = `${cycleId}.S1`;
    const content = {
      rag: 'amber',
      dot: 'improving',
      narrative: words('a', 50_000),
      caseStudies: Array.from({ length: 10 }, (_, s) => ({
        title: `Study ${s}`,
        agency: 'HAT',
        sections: Array.from({ length: 10 }, (_, i) => ({
          heading: `Part ${i}`,
          body: words(`_${i}_ *b*`, 19_000),
        })),
      })),
    };
    expect((await call('PUT', `/returns/${returnId}/draft`, as.lead('sevenoaks-csp'), content)).status).toBe(
      200,
    );
    expect((await call('POST', `/returns/${returnId}/submit`, as.lead('sevenoaks-csp'))).status).toBe(200);
    expect((await call('POST', `/returns/${returnId}/approve`, as.reviewer)).status).toBe(200);
  }, 300_000);
  afterAll(() => product?.stop());

  it.each([
    ['return page', (id: string) => `/coordinate/returns/${id}.S1`, () => as.coordinator],
    ['review page', (id: string) => `/review/returns/${id}.S1`, () => as.reviewer],
    ['report HTML', (id: string) => `/cycles/${id}/report?format=html`, () => as.coordinator],
  ])(
    '%s',
    async (name, path, who) => {
      const times: number[] = [];
      for (let n = 0; n < VIEWS; n++) {
        const start = performance.now();
        const response = await fetch(`${product.baseUrl}${path(cycleId)}`, {
          headers: { ...who(), accept: 'text/html' },
        });
        const body = await response.text();
        expect([response.status, body.length > 1_000_000]).toEqual([200, true]);
        times.push(Math.round(performance.now() - start));
      }
      console.log(`${name}: ${times.join(' ')} ms (total ${times.reduce((a, b) => a + b, 0)} ms)`);
    },
    300_000,
  );
});
