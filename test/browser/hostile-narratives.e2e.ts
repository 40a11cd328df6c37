import { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';
import { projectionsSettled } from '../support/reporting.js';

/**
 * Narratives written to break the page around them, read where they are shown: the reviewer's page (beside
 * the Approve button) and the report as HTML. A sanitiser that writes a link without its own end tag lets the
 * browser's parser carry that link over the rest of the page (it re-opens an unclosed link in every block that
 * follows), so the test asks the browser's DOM, not the markup, where every link ended up.
 */
describe('hostile narratives in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let cycleId: string;

  // Every address a narrative links to is on narrative.example, so its links can be told from the page's own.
  const NARRATIVE = [
    'Refused first: [run](javascript:alert(1)), [admin](/review), [elsewhere](//evil.narrative.example/x),',
    '[data](data:text/html,hi) and [anchor](#approve), then allowed [plan](https://plan.narrative.example/p)',
    'and [mail](mailto:csu@narrative.example).',
    '',
    '- unclosed **bold [x](javascript:1) and [ok](https://list.narrative.example/l)',
    '  - nested <a href="https://raw.narrative.example">a raw anchor never closed',
    '  - closing tags </dd></dl></td></tr></table></div><button>fake</button> [after](http://after.narrative.example)',
    '',
    '> quoted [q](//quote.narrative.example) [good](http://quote.narrative.example) _open',
    '',
    '[last refused](JaVaScRiPt:alert(2)) [last allowed](https://last.narrative.example) <div><span><a href="x">',
  ].join('\n');
  const ALLOWED = [
    'https://plan.narrative.example/p',
    'mailto:csu@narrative.example',
    'https://list.narrative.example/l',
    'http://after.narrative.example/',
    'http://quote.narrative.example/',
    'https://last.narrative.example/',
  ];

  /**
   * Runs in the page: every link on narrative.example must sit inside a narrative's container (containers),
   * every link in a container must go to http, https or mailto, and no control or page structure may sit inside
   * any link. The list of what is wrong, and the narrative links found.
   */
  const inspect = (page: Page, containers: string) =>
    page.evaluate(`(() => {
      const containers = ${JSON.stringify(containers)};
      const problems = [];
      const found = [];
      for (const a of document.querySelectorAll('a')) {
        // The report's own cross-references (a case study's measure, "#measure-S1") are not narrative links.
        const inside = a.closest(containers) && !a.closest('p.measure-ref');
        const ours = a.hostname.endsWith('narrative.example') || a.href.includes('narrative.example');
        if (ours && !inside) problems.push('a narrative link outside its narrative: ' + a.outerHTML.slice(0, 120));
        if (inside) {
          if (!['http:', 'https:', 'mailto:'].includes(a.protocol)) problems.push('href ' + a.getAttribute('href'));
          found.push(a.href);
        }
        const held = a.querySelector('a, button, form, input, textarea, table, dl, dt, dd, td, th, h1, h2, h3, h4, h5, section, article, div');
        if (held) problems.push('a link holding ' + held.tagName + ': ' + a.outerHTML.slice(0, 120));
      }
      for (const control of document.querySelectorAll('button, form, input, textarea, h1, h2, dt, th')) {
        if (control.closest('a')) problems.push(control.tagName + ' inside a link: ' + control.outerHTML.slice(0, 80));
      }
      return { problems, found };
    })()`) as Promise<{ problems: string[]; found: string[] }>;

  beforeAll(async () => {
    product = await startProduct('browser_hostile');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2'] });
    const submitted = await call('POST', `/returns/${cycleId}.S1/submit`, as.lead('sevenoaks-csp'), {
      rag: 'green',
      narrative: NARRATIVE,
      dot: 'improving',
      comments: 'After the narrative',
      caseStudies: [
        {
          title: 'A hostile case study',
          agency: 'Kent Police',
          sections: [{ heading: 'The beginning', body: NARRATIVE }],
        },
      ],
    });
    expect(submitted.status).toBe(200);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  let reviewer: Page;

  it('keeps every narrative link inside the narrative on the review page, and Approve out of any link', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    reviewer = await context.newPage();
    await reviewer.goto(`${product.baseUrl}/sign-in`);
    await reviewer.getByLabel('Email address').fill(STAFF.reviewer);
    await reviewer.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await reviewer.getByRole('button', { name: 'Sign in' }).click();
    await reviewer.waitForURL('**/review');
    await reviewer.goto(`${product.baseUrl}/review/returns/${cycleId}.S1`);

    const { problems, found } = await inspect(reviewer, '.app-narrative');
    expect(problems).toEqual([]);
    expect([...new Set(found)].sort()).toEqual([...ALLOWED].sort());
    // The words of every refused link are still there, as text.
    const narrative = await reviewer.locator('.app-narrative').first().textContent();
    for (const words of ['run', 'admin', 'elsewhere', 'data', 'anchor', 'last refused', 'fake'])
      expect(narrative).toContain(words);

    await reviewer.getByRole('button', { name: 'Approve' }).click();
    await reviewer.waitForURL('**/review?approved=*');
  }, 300_000);

  it('keeps every narrative link inside its cell or case study in the report as HTML', async () => {
    await projectionsSettled(product);
    await reviewer.goto(`${product.baseUrl}/cycles/${cycleId}/report?format=html`);
    expect(await reviewer.locator('#measure-S1 td.progress').count()).toBe(1);

    const { problems, found } = await inspect(reviewer, 'td.progress, article.case-study');
    expect(problems).toEqual([]);
    // Each allowed link twice: once in the measure's narrative, once in the case study's section.
    expect(found.sort()).toEqual([...ALLOWED, ...ALLOWED].sort());
    expect(await reviewer.locator('#measure-S1 td.comments').textContent()).toContain('After the narrative');
    expect(await reviewer.locator('#measure-S2').textContent()).toContain('No approved return yet');
  }, 300_000);
});
