/**
 * A file's type and size as people read them, for the pages, the history and the XLSX export alike. The type
 * comes from the media type the upload sniffed from the content, never from the name the lead gave the file.
 */
const TYPE_WORDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/msword': 'Word document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.ms-excel': 'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.ms-powerpoint': 'PowerPoint presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
  'application/vnd.oasis.opendocument.presentation': 'OpenDocument presentation',
  'text/csv': 'CSV spreadsheet',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
  'image/tiff': 'TIFF image',
  'image/heic': 'HEIC image',
};

/** "PDF", "Word document", "PNG image"; a type not known here by its extension ("ZIP file"), or "File". */
export function fileTypeInWords(mediaType: string, extension = ''): string {
  const known = TYPE_WORDS[mediaType.toLowerCase().split(';')[0].trim()];
  if (known) return known;
  if (mediaType.toLowerCase().startsWith('image/')) return 'Image';
  return /^[a-z0-9]{1,8}$/i.test(extension) ? `${extension.toUpperCase()} file` : 'File';
}

const UNITS = ['KB', 'MB', 'GB'] as const;

/**
 * "2.1 MB", "340 KB", "12 bytes": decimal units as GOV.UK's file download pattern writes them, one decimal
 * place under 10 of a unit and none above, so a size reads the same on every page.
 */
export function fileSizeInWords(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  if (bytes < 1000) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes;
  let unit: (typeof UNITS)[number] = UNITS[0];
  for (const next of UNITS) {
    value /= 1000;
    unit = next;
    if (value < 999.95) break;
  }
  const rounded = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  return `${rounded.replace(/\.0$/, '')} ${unit}`;
}
