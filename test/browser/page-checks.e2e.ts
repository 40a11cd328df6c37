import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { ARTIFACTS, axeViolations, checkBothWidths, checkPage, launchBrowser } from '../support/browser.js';

/**
 * The checks every browser spec leans on, on pages made here (no product): they pass a good page and fail a bad
 * one, naming what is wrong and keeping a screenshot of it. axe-core now runs in the page itself rather than
 * through AxeBuilder, so this is what shows it still finds what it should, at both widths.
 */
describe('the browser specs’ page checks (e2e)', () => {
  let browser: Browser;
  let page: Page;
  const GOOD = `<!doctype html><html lang="en"><head><title>Good</title></head>
    <body><main><h1>A page</h1><p>Some words.</p></main></body></html>`;
  /** Hidden at 1280 px, shown at 320 px: an image with no text alternative. */
  const NARROW = `<!doctype html><html lang="en"><head><title>Narrow</title>
    <style>img { display: none } @media (max-width: 400px) { img { display: inline } }</style></head>
    <body><main><h1>A page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>`;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('passes a good page at both widths', async () => {
    await page.setContent(GOOD);
    await checkBothWidths(page, 'checks-good');
  });

  it('finds WCAG failures, and keeps a screenshot of the failing page named in the failure', async () => {
    // No language, an image without a text alternative, a field without a label, text too faint to read.
    await page.setContent(`<!doctype html><html><head><title>Bad</title></head><body><main>
      <h1>A page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">
      <p style="color:#ccc;background:#fff">Faint</p></main></body></html>`);
    const rules = (await axeViolations(page)).map((v) => v.split(':')[0]).sort();
    expect(rules).toEqual(['color-contrast', 'html-has-lang', 'image-alt', 'label']);
    const shot = join(ARTIFACTS, 'checks-bad.png');
    rmSync(shot, { force: true });
    await expect(checkPage(page, 'checks-bad')).rejects.toThrow(/image-alt/);
    expect(existsSync(shot)).toBe(true);
  });

  it('runs axe again after a navigation, and at 320 px finds what only the narrow page gets wrong', async () => {
    // Real navigations (a new document each, without the axe injected into the last one), served from here.
    await page.route('http://checks.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: route.request().url().endsWith('/good') ? GOOD : NARROW,
      }),
    );
    await page.goto('http://checks.test/good');
    expect(await axeViolations(page)).toEqual([]);
    await page.goto('http://checks.test/narrow');
    await expect(checkBothWidths(page, 'checks-narrow')).rejects.toThrow(/checks-narrow[\s\S]*image-alt/);
  });

  it('fails a page that scrolls sideways at 320 px, naming what sticks out', async () => {
    await page.setContent(`<!doctype html><html lang="en"><head><title>Wide</title></head>
      <body><main><h1>A page</h1><div class="too-wide" style="width:600px">Wide</div></main></body></html>`);
    await expect(checkBothWidths(page, 'checks-wide')).rejects.toThrow(/div\.too-wide/);
  });
});
