import { ServiceUnavailableException } from '@nestjs/common';
import { PDF_PRINT_LIMITS, PdfPrinter } from './pdf-printer.js';

/** Chromium lays out thousands of accents on one letter very slowly: a page made to take long to print. */
const SLOW = `<p>e${'\u0301'.repeat(40_000)}</p>`;
const QUICK = '<h1>Report</h1><p>Quick to print.</p>';
const options = { footer: 'Test', orientation: 'portrait' as const, headings: ['Report'] };

/** The problem type a refusal names: what an api client reads in problem+json. */
const problemType = (error: unknown) =>
  ((error as ServiceUnavailableException).getResponse() as { type: string }).type;

describe('the PDF printer: a few prints at once, none for ever (real Chromium)', () => {
  const limits = { ...PDF_PRINT_LIMITS };
  let printer: PdfPrinter;

  beforeEach(() => {
    printer = new PdfPrinter();
  });
  afterEach(async () => {
    Object.assign(PDF_PRINT_LIMITS, limits);
    await printer.onModuleDestroy();
  });

  it('stops a print that runs past its time with a 503 that says so, and prints the next one', async () => {
    Object.assign(PDF_PRINT_LIMITS, { seconds: 1 });
    const started = Date.now();
    const error = await printer.print(() => SLOW, options).catch((e: unknown) => e);
    expect(problemType(error)).toBe('https://partner-returns.dev/problems/pdf-too-slow');
    expect(Date.now() - started).toBeLessThan(10_000);
    Object.assign(PDF_PRINT_LIMITS, { seconds: 60 });
    const pdf = await printer.print(() => QUICK, options);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('prints as many at once as allowed, lets some wait their turn, and refuses the rest with 503', async () => {
    Object.assign(PDF_PRINT_LIMITS, { atOnce: 1, waiting: 1, seconds: 2 });
    const first = printer.print(() => SLOW, options).catch((e: unknown) => e);
    const second = printer.print(() => QUICK, options).catch((e: unknown) => e);
    const third = await printer.print(() => QUICK, options).catch((e: unknown) => e);
    expect(problemType(third)).toBe('https://partner-returns.dev/problems/pdf-busy');
    // The first print's 2 s are already counting; the one waiting gets its own time when its turn comes, ample
    // for a quick page on a loaded machine (2 s was not: a busy run timed it out too).
    Object.assign(PDF_PRINT_LIMITS, { seconds: 60 });
    expect(problemType(await first)).toBe('https://partner-returns.dev/problems/pdf-too-slow');
    // The one that waited printed once the first let go.
    expect(((await second) as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);
});
