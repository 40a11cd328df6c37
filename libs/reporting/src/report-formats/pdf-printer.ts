import { existsSync } from 'node:fs';
import { Injectable, Logger, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

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

  async print(html: string, footer: string): Promise<Buffer> {
    const browser = await this.launch();
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        landscape: true,
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate:
          `<div style="font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between">` +
          `<span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
        margin: { top: '12mm', bottom: '14mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await context.close().catch(() => undefined);
    }
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
        chromium.launch({ executablePath: path, args: FLAGS }),
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
