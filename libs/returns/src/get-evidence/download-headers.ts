import { EvidenceFile } from '../evidence/evidence.state.js';

/**
 * The headers every evidence download goes out with. The bytes were written by someone else, so the browser is
 * told never to show them from this origin: always an attachment, no sniffing past the sniffed type, and a CSP
 * that lets nothing run or load should a browser open it anyway (a PDF holding HTML stays a download).
 */
export function downloadHeaders(file: EvidenceFile): Record<string, string> {
  const name = downloadName(file);
  return {
    'Content-Type': file.mediaType,
    'Content-Length': String(file.bytes),
    'Content-Disposition': `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** The uploaded name, ending in the extension of what the content is (a PNG named .pdf downloads as .png). */
export function downloadName(file: Pick<EvidenceFile, 'fileName' | 'extension'>): string {
  const extension = file.fileName.match(/\.([^.]+)$/)?.[1]?.toLowerCase();
  const same = extension === file.extension || (file.extension === 'jpg' && extension === 'jpeg');
  return same ? file.fileName : `${file.fileName}.${file.extension}`;
}

/** For old clients: the name in plain ASCII, with anything that could break out of the quotes replaced. */
function asciiName(name: string): string {
  return name.replace(/[^A-Za-z0-9 ._()+-]/g, '_');
}

/** RFC 5987 / 8187 ext-value: UTF-8, percent-encoded beyond the attr-chars. */
function encodeRfc5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
