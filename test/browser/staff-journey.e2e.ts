import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  STAFF,
  startProduct,
} from '../support/product.js';

/**
 * The staff admin and the viewer, in Chromium (and the invitation again with JavaScript off): a
 * coordinator invites a reviewer, changes their role, and looks after links and tokens; the invitee sets a
 * password from the mailed link and lands, as a viewer, on their own read-only pages. Each page is checked at
 * 1280 and 320 px: axe (WCAG 2.2 AA) finds nothing, nothing scrolls sideways, and a screenshot is kept.
 */
describe('the staff admin and viewer journeys, in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let cycleId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    product = await startProduct('browser_staff');
    await importSevenoaks(product.store);
    browser = await launchBrowser();
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Community Plan monitoring 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'C1'] });
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await product.stop();
  });

  /** axe runs as a script in the page, so pages it checks have JavaScript; the last test has none. */
  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({
      javaScriptEnabled,
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.goto(`${product.baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('a coordinator invites someone, who sets a password and lands on the viewer’s pages', async () => {
    const admin = await newPage();
    await signIn(admin, STAFF.coordinator, PASSWORD);
    await admin.goto(`${product.baseUrl}/coordinate/staff`);
    await checkBothWidths(admin, 'staff-01-list');

    await admin.getByRole('button', { name: 'Invite someone' }).click();
    await admin.waitForURL('**/coordinate/staff/invite');
    await checkBothWidths(admin, 'staff-02-invite');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    expect(await admin.title()).toMatch(/^Error: Invite someone/);
    await checkBothWidths(admin, 'staff-03-invite-errors');

    await admin.getByLabel('Full name').fill('Priya Reviewer');
    await admin.getByLabel('Email address').fill('priya@sevenoaks.example.org');
    await admin.getByLabel('Reviewer', { exact: true }).check();
    await admin.getByLabel('Safe Communities').check();
    const before = product.smtp.mails.length;
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.waitForURL('**/coordinate/staff?done=*');
    expect(await admin.textContent('main')).toContain('Priya Reviewer has been invited');
    await checkBothWidths(admin, 'staff-04-invited');

    await admin.getByRole('link', { name: 'Change Priya Reviewer' }).click();
    await admin.waitForURL('**/coordinate/staff/*-*');
    await checkBothWidths(admin, 'staff-05-member');
    await admin.getByLabel('Viewer', { exact: true }).check();
    await admin.getByRole('button', { name: 'Save role and themes' }).click();
    await admin.waitForURL('**/coordinate/staff?done=*');
    expect(await admin.textContent('main')).toContain('role and themes are saved');

    await admin.goto(`${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/links`);
    await checkBothWidths(admin, 'staff-06-links');
    await admin.getByRole('button', { name: 'Revoke and send a new link' }).first().click();
    await admin.waitForURL('**/links?done=*');
    expect(await admin.textContent('main')).toContain('New link');

    await admin.goto(`${product.baseUrl}/account/tokens`);
    await admin.getByLabel('What is it for?').fill('nightly export');
    await admin.getByRole('button', { name: 'Create token' }).click();
    expect(await admin.textContent('#new-token')).toMatch(/^pr_/);
    await checkBothWidths(admin, 'staff-07-token-shown-once');

    // The invitee, from the mailed link: the token leaves the address at once.
    const mail = await eventually(async () =>
      product.smtp.mails.slice(before).find((m) => m.to.includes('priya@sevenoaks.example.org')),
    );
    const link = /https?:\/\/\S+\/account\/set-password\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const priya = await newPage();
    await priya.goto(link.replace(/^https?:\/\/[^/]+/, product.baseUrl));
    expect(new URL(priya.url()).pathname).toBe('/account/set-password');
    await checkBothWidths(priya, 'staff-08-set-password');
    await priya.getByLabel('Password', { exact: true }).fill('short');
    await priya.getByLabel('Confirm password').fill('short');
    await priya.getByRole('button', { name: 'Save password' }).click();
    expect(await priya.title()).toMatch(/^Error: Set your password/);
    await checkBothWidths(priya, 'staff-09-set-password-error');
    await priya.getByLabel('Password', { exact: true }).fill('saffron bicycle tide');
    await priya.getByLabel('Confirm password').fill('saffron bicycle tide');
    await priya.getByRole('button', { name: 'Save password' }).click();
    expect(await priya.textContent('h1')).toContain('Your account is ready');
    await checkBothWidths(priya, 'staff-10-account-ready');

    await signIn(priya, 'priya@sevenoaks.example.org', 'saffron bicycle tide');
    await priya.waitForURL('**/view');
    await checkBothWidths(priya, 'staff-11-viewer-cycles');
    await priya.getByRole('link', { name: 'Progress Community Plan monitoring 2019/20' }).click();
    await priya.waitForURL('**/view/cycles/*');
    await checkBothWidths(priya, 'staff-12-viewer-cycle');
    await priya.goto(`${product.baseUrl}/account`);
    await checkBothWidths(priya, 'staff-13-account');
    await priya.getByRole('link', { name: 'Change your password' }).click();
    await priya.waitForURL('**/account/password');
    await checkBothWidths(priya, 'staff-14-change-password');
  });

  it('someone who has forgotten their password asks for a link from the sign-in page', async () => {
    const page = await newPage();
    await page.goto(`${product.baseUrl}/sign-in`);
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await page.waitForURL('**/account/forgot-password');
    await checkBothWidths(page, 'staff-15-forgot-password');
    await page.getByLabel('Email address').fill('nobody-here@sevenoaks.example.org');
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect(await page.textContent('h1')).toContain('Check your email');
    await checkBothWidths(page, 'staff-16-check-your-email');
  });

  it('works without JavaScript: invite, set the password from the mail, sign in as a viewer', async () => {
    const admin = await newPage(false);
    await signIn(admin, STAFF.coordinator, PASSWORD);
    await admin.goto(`${product.baseUrl}/coordinate/staff/invite`);
    await admin.getByLabel('Full name').fill('Noel NoScript');
    await admin.getByLabel('Email address').fill('noel@sevenoaks.example.org');
    await admin.getByLabel('Viewer', { exact: true }).check();
    const before = product.smtp.mails.length;
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.waitForURL('**/coordinate/staff?done=*');
    const mail = await eventually(async () =>
      product.smtp.mails.slice(before).find((m) => m.to.includes('noel@sevenoaks.example.org')),
    );
    const link = /https?:\/\/\S+\/account\/set-password\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const noel = await newPage(false);
    await noel.goto(link.replace(/^https?:\/\/[^/]+/, product.baseUrl));
    await noel.getByLabel('Password', { exact: true }).fill('quartz puffin river');
    await noel.getByLabel('Confirm password').fill('quartz puffin river');
    await noel.getByRole('button', { name: 'Save password' }).click();
    expect(await noel.textContent('h1')).toContain('Your account is ready');
    await signIn(noel, 'noel@sevenoaks.example.org', 'quartz puffin river');
    await noel.waitForURL('**/view');
    expect(await noel.textContent('h1')).toContain('Monitoring cycles');
  });
});
