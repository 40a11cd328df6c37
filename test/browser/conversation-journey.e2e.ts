import { Browser, Page } from 'playwright-core';
import { checkPage, launchBrowser } from '../support/browser.js';
import { staffPage } from '../support/journeys.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from '../support/product.js';

/**
 * Issue 14 point 1 in a real browser, each page at 1280 and 320 px (axe, no sideways scroll, a screenshot of
 * each): a reviewer asks for a change on a submitted return (an empty message first, refused GOV.UK style) and
 * finds Approve held back; the agency's lead follows the mailed link and answers it on the messages page; the
 * reviewer then writes and approves without JavaScript (axe runs only where JavaScript does).
 */
describe('conversation journey in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let returnId: string;
  const lead = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!.contacts[0];

  async function atBothWidths(p: Page, name: string) {
    await checkPage(p, `conversation-${name}-1280`);
    await p.setViewportSize({ width: 320, height: 800 });
    const fits = await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    const wide = fits
      ? []
      : await p.evaluate(
          `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.tagName + '.' + e.className).slice(0, 8)`,
        );
    expect({ name, fits, wide }).toEqual({ name, fits: true, wide: [] });
    await checkPage(p, `conversation-${name}-320`);
    await p.setViewportSize({ width: 1280, height: 900 });
  }

  /** A reviewer at the review queue, with or without JavaScript (axe needs it: only with). */
  async function signIn(javaScriptEnabled: boolean): Promise<Page> {
    // Signed in by session (see staffPage): review-journey signs in through the page and lands here.
    const page = await staffPage(browser, product, STAFF.reviewer, '/review', { javaScriptEnabled });
    page.context().setDefaultTimeout(20_000);
    return page;
  }

  beforeAll(async () => {
    product = await startProduct('browser_conversation');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] });
    returnId = `${drafted.body.id}.S1`;
    await call('PUT', `/returns/${returnId}/draft`, as.lead('sevenoaks-csp'), {
      rag: 'green',
      narrative: 'Nearly all actions in the plan were achieved this year.',
      dot: 'improving',
    });
    expect((await call('POST', `/returns/${returnId}/submit`, as.lead('sevenoaks-csp'))).status).toBe(200);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('a reviewer asks for a change, the lead answers it on the messages page, the reviewer approves', async () => {
    const reviewer = await signIn(true);
    await reviewer.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(returnId)}`);
    expect(await reviewer.getByText('No messages yet.').count()).toBe(1);
    await reviewer.getByRole('link', { name: 'Write a message or ask for a change' }).click();
    await reviewer.waitForURL('**/messages');
    await atBothWidths(reviewer, '01-staff-messages');

    // Sent empty: the GOV.UK error pattern, the box ticked kept.
    await reviewer.getByLabel('Ask for a change').check();
    await reviewer.getByRole('button', { name: 'Send message' }).click();
    await reviewer.locator('.govuk-error-summary').waitFor();
    expect(await reviewer.title()).toMatch(/^Error: /);
    expect(await reviewer.locator('.govuk-error-summary a[href="#body"]').textContent()).toContain(
      'Enter your message',
    );
    expect(await reviewer.getByLabel('Ask for a change').isChecked()).toBe(true);
    await atBothWidths(reviewer, '02-staff-error');

    await reviewer
      .getByLabel('Your message')
      .fill('Please give the figures for each ward.\nA table will do.');
    await reviewer.getByRole('button', { name: 'Send message' }).click();
    await reviewer.waitForURL('**/messages?posted=m1*');
    expect(await reviewer.locator('.govuk-notification-banner--success').textContent()).toContain(
      'Your message m1 has been sent',
    );
    await atBothWidths(reviewer, '03-staff-asked');
    await reviewer.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(returnId)}`);
    expect(await reviewer.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await reviewer.locator('.govuk-warning-text').textContent()).toContain(
      'change request is still open',
    );
    await atBothWidths(reviewer, '04-review-held');

    // The lead, from the mail that told them, with JavaScript.
    const mail = await eventually(async () =>
      product.smtp.mails.find((m) => m.to.includes(lead.email) && /change requested/.test(m.subject)),
    );
    const base = product.config.publicBaseUrl;
    const link = /(http:\/\/\S+\/l\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1].replace(base, product.baseUrl);
    const messages = /(http:\/\/\S+\/messages)/.exec(mail.text)![1].replace(base, product.baseUrl);
    const agency = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await agency.goto(link);
    await agency.getByRole('button', { name: 'Continue' }).click();
    await agency.waitForURL('**/agency/cycles/**');
    await agency.goto(messages);
    expect(await agency.locator('#m1').textContent()).toContain('Please give the figures for each ward.');
    await atBothWidths(agency, '05-lead-messages');
    await agency.getByLabel(/Yes, it answers m1/).check();
    await agency.getByLabel('Your message').fill('Added: Sevenoaks Town 92%, Swanley 85%.');
    await agency.getByRole('button', { name: 'Send message' }).click();
    await agency.waitForURL('**/messages?posted=m2*');
    expect(await agency.locator('#m1').textContent()).toContain('Answered in m2');
    await atBothWidths(agency, '06-lead-answered');

    // The reviewer approves, without JavaScript this time: a plain message first, then Approve, both plain forms.
    await reviewer.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(returnId)}`);
    expect(await reviewer.locator('#m2').textContent()).toContain('Sevenoaks Town 92%');
    await atBothWidths(reviewer, '07-review-answered');
    const noScript = await signIn(false);
    await noScript.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(returnId)}/messages`);
    await noScript.getByLabel('Your message').fill('Thank you: approving now.');
    await noScript.getByRole('button', { name: 'Send message' }).click();
    await noScript.waitForURL('**/messages?posted=m3*');
    await noScript.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(returnId)}`);
    await noScript.getByRole('button', { name: 'Approve' }).click();
    await noScript.waitForURL('**/review?approved=*');
    expect(await noScript.locator('.govuk-notification-banner--success').textContent()).toContain(
      'Approved S1',
    );
  });
});
