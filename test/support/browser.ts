import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '../../test-artifacts/screenshots');

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Keeps a screenshot of the page as a test artefact and checks it with axe (WCAG 2.2 AA rules). */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const violations = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
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
 * out is named, so the fix is plain), and a screenshot of each (`<name>-1280`, `<name>-320`). The page is left
 * at the wide size, `wide` (1280 by 900 unless a spec measures heights against its own screen).
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
      expect({ page: name, width: size.width, fits, wider }).toEqual({
        page: name,
        width: size.width,
        fits: true,
        wider: [],
      });
    }
  } finally {
    await page.setViewportSize(wide);
  }
}
