import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { Browser, chromium, Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../libs/reporting/src/index.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '../../test-artifacts/screenshots');

export { PLAYWRIGHT_DISABLED_FEATURES, UNSEEN_FEATURES } from '../../libs/reporting/src/index.js';

/** Debian's Chromium, headless, started as the product's PDF printer starts it (chromiumLaunchOptions). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  return chromium.launch(chromiumLaunchOptions(CHROMIUM));
}

/**
 * axe-core as @axe-core/playwright ships it (the same release, so the same rules), minified. Injected into a
 * document once and run there: AxeBuilder injected the unminified source on every check and then opened a
 * blank page to inject it again for its finishing step, which was most of a check's time (issue: the browser
 * specs took half the suite).
 */
const AXE_SOURCE = readFileSync(
  require.resolve('axe-core/axe.min.js', { paths: [dirname(require.resolve('@axe-core/playwright'))] }),
  'utf8',
);
/** WCAG 2.2 AA, as AxeBuilder.withTags was given before. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * A screenshot of every page checked when TEST_SCREENSHOTS=1; otherwise only of a page that fails a check. A
 * full-page screenshot took seconds on some pages, so taking one of every page made up much of the browser
 * specs' time (see README, Testing).
 */
export const SCREENSHOTS = process.env.TEST_SCREENSHOTS === '1';

/** Saves `<name>.png` (the whole page) under test-artifacts/screenshots and gives its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What axe (WCAG 2.2 AA rules) finds wrong with the page as it stands, one line a rule. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Once per document: a navigation gives a new document without it; a resize keeps it.
  if ((await page.evaluate('typeof window.axe?.run')) !== 'function') await page.evaluate(AXE_SOURCE);
  // Only violations are needed: axe then keeps one node of each passing rule instead of all of them.
  const results = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] })`,
  )) as AxeResults;
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/**
 * Checks the page with axe (WCAG 2.2 AA rules). A page that fails is kept as a screenshot, named in the
 * failure; with TEST_SCREENSHOTS=1 every page is.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  const violations = await axeViolations(page);
  const screenshot = SCREENSHOTS || violations.length > 0 ? await keepScreenshot(page, name) : undefined;
  expect({ page: name, violations, screenshot }).toEqual({ page: name, violations: [], screenshot });
}

/** Usable at 320 px: nothing wider than the viewport. */
export async function fitsNarrowScreen(page: Page): Promise<boolean> {
  await page.setViewportSize({ width: 320, height: 800 });
  // Runs in the page, where document and window exist (this project compiles without the DOM types).
  const fits = await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
  await page.setViewportSize({ width: 1280, height: 900 });
  return fits === true;
}

export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 320, height: 800 };

/**
 * The page as it stands, at 1280 px and then at 320 px: axe finds nothing, nothing scrolls sideways (what sticks
 * out is named, so the fix is plain); a screenshot (`<name>-1280`, `<name>-320`) of a width that fails, or of
 * each with TEST_SCREENSHOTS=1. axe is injected once for both widths. The page is left at the wide size,
 * `wide` (1280 by 900 unless a spec measures heights against its own screen).
 */
export async function checkBothWidths(page: Page, name: string, wide = WIDE): Promise<void> {
  // A click's navigation may still be settling: axe waits on a page that has finished loading.
  await page.waitForLoadState('load');
  try {
    for (const size of [wide, NARROW]) {
      await page.setViewportSize(size);
      await checkPage(page, `${name}-${size.width}`);
      const fits = await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
      const wider = fits
        ? []
        : await page.evaluate(
            // Elements, and text that does not wrap inside its element (a long address, say).
            `(() => {
              const out = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth)
                .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(n);
                if (range.getBoundingClientRect().right > window.innerWidth) out.push('text: ' + n.textContent.trim().slice(0, 60));
              }
              return out.slice(0, 8);
            })()`,
          );
      const screenshot = fits ? undefined : await keepScreenshot(page, `${name}-${size.width}`);
      expect({ page: name, width: size.width, fits, wider, screenshot }).toEqual({
        page: name,
        width: size.width,
        fits: true,
        wider: [],
        screenshot,
      });
    }
  } finally {
    await page.setViewportSize(wide);
  }
}
