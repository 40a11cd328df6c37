import type { Request, Response } from 'express';
import { DomainError } from '../../kernel/src/index.js';
import { statusOf } from './domain-error-status.js';
import { problemFor, sendProblem } from './problem-details.filter.js';

/** Room for the multipart envelope and a few text fields beside the file itself. */
export const UPLOAD_ENVELOPE_BYTES = 64 * 1024;

export const fileTooLarge = (sizeInWords: string) =>
  new DomainError('file-too-large', `The file must be ${sizeInWords} or smaller`, 'unprocessable', 'file');

/** The most a request carrying one file of `maxFileBytes` may send: the file and its envelope. */
export const uploadBodyLimit = (maxFileBytes: number) => maxFileBytes + UPLOAD_ENVELOPE_BYTES;

/** The request says it is larger than a file of `maxFileBytes` and its envelope can be. */
export function declaredTooLarge(req: Request, maxFileBytes: number): boolean {
  const declared = Number(req.headers['content-length'] ?? NaN);
  return Number.isFinite(declared) && declared > uploadBodyLimit(maxFileBytes);
}

/**
 * A page's upload refused before it was read (or before the rest of it was): the rule on a page of its own, or as
 * problem+json to a client. The form's `_csrf` may not have been read, so this answers without the CSRF check: it
 * acts on nothing and shows nothing but the limit, which the form's hint states anyway. The caller has called
 * finishStreamedUpload, so what the client still sends is not read on.
 */
export function refuseUnread(req: Request, res: Response, refusal: DomainError, formPage: string): void {
  res.status(statusOf(refusal));
  if (req.accepts(['json', 'html']) === 'html') {
    return res.render('pages/error', {
      title: 'The file is too large',
      paragraphs: [
        `${refusal.message}.`,
        'Nothing was changed. Go back to the form and choose a smaller file.',
      ],
      next: { href: formPage, text: 'Go back to the form' },
    });
  }
  sendProblem(res, problemFor(refusal, req));
}
