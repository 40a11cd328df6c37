import { chromium } from 'playwright-core';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { chromiumLaunchOptions } from './chromium-launch.js';
import { renderReportHtml } from './report-html.js';

/**
 * A word longer than its column (a pasted address, a reference number, keyboard mashing) in any of the measures'
 * cells, laid out by Chromium for print as the PDF printer lays it out: every cell holds its words within its
 * width, rather than running over the next column or off the edge of the page, where the PDF lost them.
 */
describe('the report laid out for print with words longer than their column', () => {
  it('keeps every measures cell’s words inside the cell', async () => {
    const long = (what: string) => `${what}${'x'.repeat(400)}`;
    const report = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            narrative: long('narrative'),
            comments: long('comments'),
          }),
        ],
      }),
    );
    const browser = await chromium.launch(
      chromiumLaunchOptions(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    );
    try {
      const page = await browser.newPage();
      await page.emulateMedia({ media: 'print' });
      await page.setContent(renderReportHtml(report, {}, { pages: new Map() }));
      // Run in the page, as a string: the specs are compiled without the DOM's types.
      const overflowing = (await page.evaluate(`(() =>
        [...document.querySelectorAll('table.measures td')]
          .filter((td) => td.scrollWidth > td.clientWidth + 1)
          .map((td) => (td.className || 'td') + ': ' + td.textContent.trim().slice(0, 20)))()`)) as string[];
      expect(overflowing).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
