import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { signInThroughForm, staffPage } from '../support/journeys.js';
import {
  as,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from '../support/product.js';

/**
 * Issue 13 point 5 in a real browser, each page at 1280 and 320 px (axe, no sideways scroll, a screenshot of
 * each): a reviewer signs in, filters the queue, reads a return against last cycle's with its changes marked,
 * approves it and sees the banner, sends another back, then reads its resubmission with the reason at the top;
 * and the same filter and approval without JavaScript.
 */
describe('reviewer journey in the browser (e2e)', () => {
  // Two widths and axe on every page: slow on a small shared machine.
  jest.setTimeout(240_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let lastYear: string;
  let thisYear: string;
  const plan = sevenoaksPlan();
  const csp = plan.agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const hat = plan.agencies.find((a) => a.id === 'sevenoaks-hat')!;

  async function cycle(label: string, periodStart: string, periodEnd: string, refs: string[]) {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart,
      periodEnd,
      dueDate: '2030-04-30',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: refs });
    return drafted.body.id as string;
  }

  async function submit(returnId: string, agencyId: string, content: Record<string, unknown>) {
    await call('PUT', `/returns/${returnId}/draft`, as.lead(agencyId), content);
    expect((await call('POST', `/returns/${returnId}/submit`, as.lead(agencyId))).status).toBe(200);
  }

  /** A reviewer at the review queue: through the sign-in page (it lands there), or signed in by session. */
  async function signedIn(
    options: { javaScriptEnabled?: boolean; throughForm?: boolean } = {},
  ): Promise<Page> {
    const { throughForm, ...context } = options;
    const page = throughForm
      ? await signInThroughForm(browser, product, STAFF.reviewer, '**/review', context)
      : await staffPage(browser, product, STAFF.reviewer, '/review', context);
    page.context().setDefaultTimeout(20_000);
    return page;
  }

  beforeAll(async () => {
    product = await startProduct('browser_review');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    lastYear = await cycle('Year 1 2019/20', '2019-04-01', '2020-03-31', ['S1']);
    const actions = (rows: string[][]) => ({
      caption: 'Actions achieved',
      header: ['Year', 'Achieved', 'Target'],
      rows,
    });
    await submit(`${lastYear}.S1`, 'sevenoaks-csp', {
      rag: 'amber',
      narrative: 'Most actions in the plan were achieved this year.',
      dot: 'improving',
      tables: [actions([['2019/20', '80%', '85%']])],
    });
    await call('POST', `/returns/${lastYear}.S1/approve`, as.reviewer);
    thisYear = await cycle('Year 2 2020/21', '2020-04-01', '2021-03-31', ['S1', 'S2', 'H1']);
    await submit(`${thisYear}.S1`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: 'Nearly all actions in the plan were achieved this year, including the road safety week.',
      dot: 'improving',
      tables: [
        actions([
          ['2019/20', '80%', '85%'],
          ['2020/21', '88%', '85%'],
        ]),
      ],
    });
    await submit(`${thisYear}.S2`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: 'Crime stays low.',
      dot: 'no-change',
    });
    await submit(`${thisYear}.H1`, 'sevenoaks-hat', { rag: 'amber', narrative: 'Plan drafted.', dot: 'new' });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('filters, compares, approves, sends back and reads a resubmission, at 1280 and 320 px', async () => {
    const page = await signedIn({ throughForm: true });
    await checkBothWidths(page, 'review-queue');
    // At 320 px each card's Review link is on screen, not off to the side.
    await page.setViewportSize({ width: 320, height: 800 });
    for (const link of await page.getByRole('link', { name: /^Review / }).all()) {
      const box = (await link.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(320);
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByLabel('Agency').selectOption(csp.id);
    await page.getByRole('button', { name: 'Show returns' }).click();
    await page.waitForURL(`**/review?*agency=${csp.id}*`);
    expect(await page.locator('.govuk-summary-card__title').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('S1'), expect.stringContaining('S2')]),
    );
    expect(await page.locator('.govuk-summary-card').count()).toBe(2);
    await checkBothWidths(page, 'review-queue-filtered');

    await page.getByRole('link', { name: `Review S1 for ${csp.name}` }).click();
    await page.waitForURL(`**/review/returns/${thisYear}.S1`);
    await expect(page.locator('#compared ~ dl del').first().textContent()).resolves.toContain('Amber');
    expect(await page.locator('#compared ~ dl ins').allTextContents()).toEqual(
      expect.arrayContaining(['added: Nearly all']),
    );
    expect(await page.locator('.app-diff-row--added').count()).toBe(1);
    await checkBothWidths(page, 'review-return-compared');

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL('**/review?approved=*');
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      `Approved S1 for ${csp.name}`,
    );
    await checkBothWidths(page, 'review-queue-approved');

    await page.getByRole('link', { name: `Review H1 for ${hat.name}` }).click();
    await page.getByRole('button', { name: 'Send back' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    await checkBothWidths(page, 'review-send-back-error');
    await page.getByLabel('Or send it back: what needs to change?').fill('Say which actions the plan covers');
    await page.getByRole('button', { name: 'Send back' }).click();
    await page.waitForURL('**/review?sent-back=*');
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      `Sent H1 back to ${hat.name}`,
    );
    await checkBothWidths(page, 'review-queue-sent-back');

    await submit(`${thisYear}.H1`, 'sevenoaks-hat', {
      rag: 'amber',
      narrative: 'Plan drafted, covering housing and activity.',
      dot: 'new',
    });
    await page.goto(`${product.baseUrl}/review/returns/${thisYear}.H1`);
    const banner = page.locator('#resubmission');
    // The reason under its heading, a paragraph a line as the reviewer typed it.
    expect(await banner.locator('.govuk-notification-banner__heading').textContent()).toBe(
      'It was sent back because:',
    );
    expect(await banner.locator('p.govuk-body').first().textContent()).toBe(
      'Say which actions the plan covers',
    );
    // The reason and the changes come before the whole return.
    const [bannerBox, wholeBox] = [
      await banner.boundingBox(),
      await page.getByRole('heading', { name: 'This return' }).boundingBox(),
    ];
    expect(bannerBox!.y).toBeLessThan(wholeBox!.y);
    await checkBothWidths(page, 'review-resubmission');
    await page.context().close();
  });

  it('filters and approves without JavaScript', async () => {
    const page = await signedIn({ javaScriptEnabled: false });
    await page.getByLabel('Theme').selectOption({ label: 'Safe Communities' });
    await page.getByLabel('State').selectOption('to-review');
    await page.getByRole('button', { name: 'Show returns' }).click();
    await page.waitForURL('**/review?*theme=*');
    const titles = await page.locator('.govuk-summary-card__title').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((t) => /^\s*S\d+: /.test(t))).toBe(true);
    await page.getByRole('link', { name: `Review S2 for ${csp.name}` }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL('**/review?approved=*');
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      `Approved S2 for ${csp.name}`,
    );
    // axe and the width check run scripts in the page, so the pages are checked in the JavaScript browser above.
    await page.context().close();
  });
});
