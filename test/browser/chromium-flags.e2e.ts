import type { Browser } from 'playwright-core';
import { PdfPrinter } from '../../libs/reporting/src/index.js';
import { launchBrowser, PLAYWRIGHT_DISABLED_FEATURES, UNSEEN_FEATURES } from '../support/browser.js';

/**
 * Chromium is started with Playwright's own switches and a few of ours, the same way by the product's PDF printer
 * and by the browser specs (chromiumLaunchOptions). Chromium reads only the last --disable-features switch, so
 * the launch drops Playwright's and passes one list with both: this holds only while PLAYWRIGHT_DISABLED_FEATURES
 * is Playwright's list word for word, which an upgrade can change.
 */
describe.each([
  ['the browser specs start', () => ({ browser: launchBrowser(), close: async (b: Browser) => b.close() })],
  [
    'the PDF printer starts',
    () => {
      const printer = new PdfPrinter();
      // Its one shared browser, as the first print starts it.
      return { browser: printer['launch'](), close: () => printer.onModuleDestroy() };
    },
  ],
] as const)('the Chromium %s', (_, start) => {
  let browser: Browser;
  let close: (b: Browser) => Promise<void>;
  beforeAll(async () => {
    const started = start();
    close = started.close;
    browser = await started.browser;
  });
  afterAll(() => (browser ? close(browser) : undefined));

  it('has one list of features turned off: Playwright’s and ours', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto('chrome://version');
    const commandLine = (await page.locator('#command_line').textContent()) ?? '';
    const lists = commandLine.match(/--disable-features=\S*/g) ?? [];
    // Two lists: Playwright's has changed, so it was not the one dropped; it is named here to be copied.
    expect(lists.map((l) => l.slice('--disable-features='.length).split(','))).toEqual([
      [...PLAYWRIGHT_DISABLED_FEATURES, ...UNSEEN_FEATURES],
    ]);
  });

  it('loads no address-bar popup for a page', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto('data:text/html,<title>x</title><h1>x</h1>');
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = await cdp.send('Target.getTargets');
    const urls = targetInfos.map((t) => t.url);
    expect(urls).toContain('data:text/html,<title>x</title><h1>x</h1>');
    expect(urls.filter((url) => url.includes('omnibox'))).toEqual([]);
  });
});
