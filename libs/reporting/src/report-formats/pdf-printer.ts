import { existsSync } from 'node:fs';
import { Injectable, Logger, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { Browser, BrowserContext } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium-launch.js';
import { destinationPages, samePages } from './pdf-destinations.js';
import { mendOutline } from './pdf-outline.js';
import { ContentsPages } from './report-contents.js';
import { ReportOrientation } from './report-format.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Prints running at once, prints waiting their turn, and the longest one PDF may take (all its passes). */
export const PDF_PRINT_LIMITS = { atOnce: 2, waiting: 8, seconds: 120 };

const busy = () =>
  new ServiceUnavailableException({
    type: 'https://partner-returns.dev/problems/pdf-busy',
    title: 'Other PDFs are being printed: try again in a minute',
    status: 503,
    detail: `At most ${PDF_PRINT_LIMITS.atOnce} PDFs are printed at once and ${PDF_PRINT_LIMITS.waiting} wait their turn; the HTML, CSV, XLSX and Word formats are not held up.`,
  });

const tooLong = () =>
  new ServiceUnavailableException({
    type: 'https://partner-returns.dev/problems/pdf-too-slow',
    title: `The PDF took longer than ${PDF_PRINT_LIMITS.seconds} seconds to print, and was stopped`,
    status: 503,
    detail:
      'Something in the report takes Chromium very long to lay out (a text of thousands of accents on one letter, say). The HTML, CSV, XLSX and Word formats still work.',
  });

export interface PrintOptions {
  /** Plain text for the foot of each page, beside the page number. */
  footer: string;
  orientation: ReportOrientation;
  /** The headings as printed, to mend the bookmarks Chromium makes of them. */
  headings: readonly string[];
}

/** Where Chromium is: CHROMIUM_PATH, read at each print so an operator can install it without a restart. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/**
 * Prints the report's HTML to PDF with headless Chromium (Debian's package, driven by playwright-core). One
 * browser is started on first use and shared; each print gets its own context with JavaScript off and every
 * network request refused, so the page can only ever be the HTML it was given.
 */
@Injectable()
export class PdfPrinter implements OnModuleDestroy {
  private readonly logger = new Logger('PdfPrinter');
  private browser: Promise<Browser> | null = null;

  /**
   * Prints a page whose contents name the pages of its headings. The pages are only known once it is printed,
   * so it is printed first with the numbers left blank (their boxes keep their width), the page of each heading
   * is read from the PDF's named destinations, and it is printed again with the numbers in. If filling them in
   * moved a heading (it should not), once more with the new numbers: at most three prints.
   */
  async print(render: (pages: ContentsPages) => string, options: PrintOptions): Promise<Buffer> {
    await this.turn();
    const deadline = Date.now() + PDF_PRINT_LIMITS.seconds * 1000;
    try {
      let pages: ContentsPages = new Map();
      let pdf = await this.printOnce(render(pages), options, deadline);
      for (let print = 2; print <= 3; print++) {
        const found = await destinationPages(pdf);
        if (print > 2 && samePages(found, pages)) break;
        if (print > 2)
          this.logger.warn('The contents moved a heading; printing once more with the new page numbers');
        pages = found;
        pdf = await this.printOnce(render(pages), options, deadline);
      }
      return Buffer.from(await mendOutline(pdf, options.headings));
    } finally {
      this.done();
    }
  }

  private printing = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * A print takes a Chromium renderer and most of a core for as long as the page takes to lay out, which text
   * made to be slow (49,000 combining marks on one letter: 46 s) can make long. So a few print at once, a few
   * more wait their turn, and anyone past those is told to try again shortly rather than pile up.
   */
  private async turn(): Promise<void> {
    if (this.printing < PDF_PRINT_LIMITS.atOnce) {
      this.printing += 1;
      return;
    }
    if (this.waiting.length >= PDF_PRINT_LIMITS.waiting) throw busy();
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private done(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.printing -= 1;
  }

  private async printOnce(html: string, options: PrintOptions, deadline: number): Promise<Buffer> {
    const browser = await this.launch();
    const context = await browser.newContext({ javaScriptEnabled: false });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(tooLong()), Math.max(0, deadline - Date.now()));
    });
    try {
      // Closing the context (finally) stops Chromium's work on a print that ran out of time.
      return await Promise.race([this.printPage(context, html, options), late]);
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => undefined);
    }
  }

  private async printPage(
    context: BrowserContext,
    html: string,
    { footer, orientation }: PrintOptions,
  ): Promise<Buffer> {
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      landscape: orientation === 'landscape',
      printBackground: true,
      preferCSSPageSize: true,
      // A tagged PDF for screen readers, with bookmarks made from the headings.
      tagged: true,
      outline: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        `<div style="font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between">` +
        `<span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: '12mm', bottom: '14mm', left: '12mm', right: '12mm' },
    });
  }

  async onModuleDestroy(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (browser) await (await browser.catch(() => null))?.close().catch(() => undefined);
  }

  private launch(): Promise<Browser> {
    const path = chromiumPath();
    if (!existsSync(path)) {
      throw new ServiceUnavailableException({
        type: 'https://partner-returns.dev/problems/pdf-unavailable',
        title: 'The PDF of the report cannot be made on this server',
        status: 503,
        detail:
          `PDFs are printed with headless Chromium, and there is none at ${path}. ` +
          'Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH); the HTML, CSV, XLSX and JSON ' +
          'formats work without it.',
      });
    }
    if (!this.browser) {
      const starting = import('playwright-core').then(({ chromium }) =>
        chromium.launch(chromiumLaunchOptions(path)),
      );
      this.browser = starting;
      starting.then(
        (browser) =>
          browser.on('disconnected', () => {
            if (this.browser === starting) this.browser = null;
          }),
        (error: Error) => {
          this.logger.error(`Chromium did not start: ${error.message}`);
          if (this.browser === starting) this.browser = null;
        },
      );
    }
    return this.browser;
  }
}
