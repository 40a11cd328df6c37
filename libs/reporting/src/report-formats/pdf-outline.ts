import type { PDFDict } from 'pdf-lib';

const squeezed = (text: string) => text.replace(/\s+/g, '');

/**
 * Chromium makes a bookmark of each heading from its text as laid out, and where a long heading wraps it drops
 * the space at the break ("live independent" becomes "liveindependent"). Each bookmark whose title is one of the
 * report's headings but for whitespace gets that heading back as its title; the rest of the PDF (its tags,
 * destinations and pages) is kept as it is.
 */
export async function mendOutline(pdf: Uint8Array, headings: readonly string[]): Promise<Uint8Array> {
  // Loaded with the first PDF printed, not with every process.
  const { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } = await import('pdf-lib');
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  if (!outlines) return pdf;
  const known = new Map(headings.map((h) => [squeezed(h), h.replace(/\s+/g, ' ').trim()]));
  let mended = 0;
  const walk = (first: PDFDict | undefined) => {
    for (let item = first; item; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const title = item.lookup(PDFName.of('Title'));
      if (title instanceof PDFString || title instanceof PDFHexString) {
        const text = title.decodeText();
        const heading = known.get(squeezed(text));
        if (heading !== undefined && heading !== text) {
          item.set(PDFName.of('Title'), PDFHexString.fromText(heading));
          mended++;
        }
      }
      walk(item.lookupMaybe(PDFName.of('First'), PDFDict));
    }
  };
  walk(outlines.lookupMaybe(PDFName.of('First'), PDFDict));
  return mended === 0 ? pdf : doc.save({ updateFieldAppearances: false, useObjectStreams: false });
}
