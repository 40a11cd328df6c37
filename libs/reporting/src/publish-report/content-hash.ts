import { createHash } from 'node:crypto';

/** SHA-256 of the published bytes, in hex: what ReportPublished records and the ETag of the publication. */
export function contentHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}
