import { chromium } from 'playwright-core';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { chromiumLaunchOptions } from './chromium-launch.js';
import { renderReportHtml } from './report-html.js';

/**
 * A direction override (U+202E) typed into a link's words runs on, by the Unicode bidirectional algorithm, over
 * everything after it in its paragraph: the address the report prints after the link, so that on paper and in
 * the PDF an address chosen to be read backwards ("ku.vog.skaoneves.www//:sptth") showed as the council's own.
 * Laid out by Chromium as the PDF printer lays it out, and the printed address read in the order it is drawn.
 */
describe('the report’s printed link addresses and direction overrides', () => {
  const spoof = 'https://evil.example/ku.vog.skaoneves.www//:sptth';

  it.each([
    ['in the link’s words', `See [the plan\u202e](${spoof}) today.`],
    ['before the link', `See \u202ethe [plan](${spoof}) today.`],
    ['nested in the words', `[\u202dthe \u202eplan](${spoof})`],
  ])('draws the address left to right with an override %s', async (_where, narrative) => {
    const report = buildCycleReport(
      reportInput({ returns: [approved('S1', 'safe', 'csp', { rag: 'green', narrative })] }),
    );
    const browser = await chromium.launch(
      chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    );
    try {
      const page = await browser.newPage();
      await page.emulateMedia({ media: 'print' });
      await page.setContent(renderReportHtml(report, {}, { pages: new Map() }));
      // The left edge of each character of the address, in the order the text holds them.
      // Run in the page, as a string: the specs are compiled without the DOM's types.
      const lefts = (await page.evaluate(`(() => {
        const address = ${JSON.stringify(spoof)};
        const span = [...document.querySelectorAll('.link-address')].find((s) => s.textContent.includes(address));
        const text = span.firstChild;
        const start = text.data.indexOf(address);
        return [...address].map((_, i) => {
          const range = document.createRange();
          range.setStart(text, start + i);
          range.setEnd(text, start + i + 1);
          return range.getBoundingClientRect().left;
        });
      })()`)) as number[];
      expect(lefts).toHaveLength(spoof.length);
      expect(lefts.every((left, i) => i === 0 || left > lefts[i - 1])).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
