/**
 * The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). An override typed in a
 * link's words, or before them, runs on over the rest of its paragraph in Word, and over the rest of its line in a
 * spreadsheet's cell: the address printed after the link too, so an address written backwards
 * (".../ku.vog.skaoneves.www//:sptth") printed as the council's own. Right-to-left script needs none of them to
 * show in its own direction. The page and the PDF isolate the link and its address instead (report-html).
 */
const DIRECTION_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** The text without direction embeddings, overrides or isolates, as the Word, XLSX and CSV reports print it. */
export function withoutDirectionControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, '');
}
