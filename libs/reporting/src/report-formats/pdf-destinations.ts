import { ContentsPages } from './report-contents.js';

/**
 * The page (from 1) of each named destination in a PDF printed by Chromium. Chromium makes one for every element
 * that an in-page link points at, named by its id, in the catalog's /Dests dictionary as
 * `[pageRef /XYZ x y zoom]`; the report's contents link to its sections, so these are where the sections start.
 */
export async function destinationPages(pdf: Uint8Array): Promise<ContentsPages> {
  // Loaded with the first PDF printed, not with every process.
  const { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef } = await import('pdf-lib');
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pageOf = new Map(doc.getPages().map((page, i) => [page.ref.toString(), i + 1]));
  const found = new Map<string, number>();
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (!dests) return found;
  for (const [name, value] of dests.entries()) {
    const dest = doc.context.lookup(value);
    const target = dest instanceof PDFArray ? dest.get(0) : undefined;
    const page = target instanceof PDFRef ? pageOf.get(target.toString()) : undefined;
    if (page !== undefined) found.set(name.decodeText(), page);
  }
  return found;
}

export function samePages(a: ContentsPages, b: ContentsPages): boolean {
  return a.size === b.size && [...a].every(([id, page]) => b.get(id) === page);
}
