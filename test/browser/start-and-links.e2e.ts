import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  startProduct,
} from '../support/product.js';

/**
 * The way in, in a real browser: the start page, the footer's pages, a link's landing page, a link that no
 * longer works, asking for a new one, and the 404 page. Each at 1280 and 320 px, with axe; the new-link journey
 * also without JavaScript.
 */
describe('the way in, in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cycleId: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const lead = csp.contacts.find((c) => c.role === 'lead')!;
  const council = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-dc')!;
  const councilLead = council.contacts.find((c) => c.role === 'lead')!;

  const linkIn = (text: string) =>
    /(http:\/\/\S+\/l\/[A-Za-z0-9_-]{43})/
      .exec(text)![1]
      .replace(product.config.publicBaseUrl, product.baseUrl);
  const mailsTo = (email: string) => product.smtp.mails.filter((m) => m.to.includes(email));

  beforeAll(async () => {
    product = await startProduct('browser_way_in');
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
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'S3', 'S5'] });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('the start page and the footer’s pages', async () => {
    await page.goto(`${product.baseUrl}/`);
    expect(await page.textContent('h1')).toBe('Send and review your partnership’s monitoring returns');
    await checkBothWidths(page, 'way-in-01-start');
    for (const [link, heading, name] of [
      ['Accessibility statement', 'Accessibility statement for Partner Returns', 'accessibility'],
      ['Privacy notice', 'Privacy notice', 'privacy'],
      ['Cookies', 'Cookies', 'cookies'],
    ]) {
      await page.goto(`${product.baseUrl}/`);
      await page.locator('.govuk-footer').getByRole('link', { name: link }).click();
      expect(await page.textContent('h1')).toBe(heading);
      await checkBothWidths(page, `way-in-02-${name}`);
    }
  });

  it('a link’s landing page names whose returns it opens, and Continue opens them', async () => {
    const mail = await eventually(async () => mailsTo(lead.email)[0]);
    await page.goto(linkIn(mail.text));
    expect(await page.textContent('h1')).toBe('Your monitoring returns');
    const main = (await page.textContent('main')) ?? '';
    for (const words of [
      'Sevenoaks District Local Strategic Partnership',
      'Year 1 2019/20',
      csp.name,
      '30 April 2030',
      '3 returns',
    ])
      expect(main).toContain(words);
    await checkBothWidths(page, 'way-in-03-landing');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`**/agency/cycles/${cycleId}`);
  });

  it('a replaced link says so, offers a new one without Continue, and the new one arrives', async () => {
    const old = await eventually(async () => mailsTo(councilLead.email)[0]);
    const before = mailsTo(councilLead.email).length;
    const reissued = await http(product.baseUrl)(
      'POST',
      `/cycles/${cycleId}/agencies/sevenoaks-dc/links/reissue`,
      as.coordinator,
      { reason: 'Sent to the wrong person' },
    );
    expect(reissued.status).toBe(200);
    await eventually(async () => mailsTo(councilLead.email).length > before);

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await fresh.newPage();
    await page.goto(linkIn(old.text));
    expect(await page.textContent('h1')).toBe('This link has been replaced');
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    await checkBothWidths(page, 'way-in-04-replaced-link');

    await page.getByRole('button', { name: 'Send me a new link' }).click();
    expect(await page.textContent('h1')).toBe('Get a new link to your returns');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the email address the coordinator sends your returns to',
    );
    expect(await page.title()).toMatch(/^Error: /);
    await checkBothWidths(page, 'way-in-05-new-link-error');

    await page.getByLabel('Your email address').fill(councilLead.email);
    await page.getByRole('button', { name: 'Send me a new link' }).click();
    expect(await page.textContent('h1')).toBe('Check your email');
    await checkBothWidths(page, 'way-in-06-check-your-email');
    const asked = await eventually(async () =>
      mailsTo(councilLead.email).find((m) => m.text.includes('You asked for this link')),
    );
    await page.goto(linkIn(asked.text));
    expect(await page.locator('.govuk-inset-text').textContent()).toContain('It works once, until');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`**/agency/cycles/${cycleId}`);
    await fresh.close();
  });

  it('a link whose cycle has closed says it has expired, names the cycle, and offers a new one', async () => {
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Quarter 1 2020/21',
      periodStart: '2020-04-01',
      periodEnd: '2020-06-30',
      dueDate: '2030-07-31',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] });
    const mail = await eventually(async () =>
      mailsTo(lead.email).find((m) => m.subject.includes('Quarter 1 2020/21')),
    );
    const etag = (await call('GET', `/cycles/${drafted.body.id}`, as.coordinator)).headers.get('etag')!;
    const closed = await call(
      'POST',
      `/cycles/${drafted.body.id}/close`,
      { ...as.coordinator, 'if-match': etag },
      { force: true, reason: 'Folded into the annual cycle' },
    );
    expect(closed.status).toBe(200);
    const anonymous = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await anonymous.newPage();
    const response = await page.goto(linkIn(mail.text));
    expect(response?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('This link has expired');
    expect(await page.textContent('main')).toContain('Quarter 1 2020/21');
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send me a new link' }).count()).toBe(1);
    await checkBothWidths(page, 'way-in-04b-expired-link');
    await anonymous.close();
  });

  it('an unknown address shows the GOV.UK 404 page, with a way back', async () => {
    // Nobody signed in: the way back is the start page (a signed-in person's leads to their own).
    const anonymous = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await anonymous.newPage();
    const response = await page.goto(`${product.baseUrl}/no-such-page`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    await checkBothWidths(page, 'way-in-07-not-found');
    await page.getByRole('link', { name: 'Go to your start page' }).click();
    expect(await page.textContent('h1')).toBe('Send and review your partnership’s monitoring returns');
    await anonymous.close();
  });

  it('asks for a new link from the start page without JavaScript', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${product.baseUrl}/`);
    // A GOV.UK button made of a link: role button, and it works without JavaScript.
    await plain.getByRole('button', { name: 'Send me a new link' }).click();
    await plain.getByLabel('Your email address').fill(lead.email);
    await plain.getByRole('button', { name: 'Send me a new link' }).click();
    expect(await plain.textContent('h1')).toBe('Check your email');
    const asked = await eventually(async () =>
      mailsTo(lead.email).find((m) => m.text.includes('You asked for this link')),
    );
    await plain.goto(linkIn(asked.text));
    await plain.getByRole('button', { name: 'Continue' }).click();
    await plain.waitForURL(`**/agency/cycles/${cycleId}`);
    await noScript.close();
  });
});
