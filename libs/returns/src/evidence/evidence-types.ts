/** The kinds of file a return may hold, by the media type sniffed from their content, with their extension. */
export const EVIDENCE_TYPES: Readonly<Record<string, string>> = Object.freeze({
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'text/csv': 'csv',
});

/** In words, for the refusal: what may be attached. */
export const EVIDENCE_TYPES_IN_WORDS =
  'a PDF, a Word, Excel or PowerPoint document (docx, xlsx, pptx, doc or xls), an image (PNG, JPEG, GIF or WebP) or a CSV file';

/** The media type file-type names an old Office file by: a compound file, whose streams say which it is. */
export const COMPOUND_FILE = 'application/x-cfb';

/** The Office documents that are zips of XML parts (Office Open XML), whose relationships are read (see OfficeRelationships). */
export const OFFICE_PACKAGES: ReadonlySet<string> = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);
