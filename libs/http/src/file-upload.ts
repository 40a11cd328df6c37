import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { DomainError } from '../../kernel/src/index.js';
import { declaredTooLarge, fileTooLarge, refuseUnread, uploadBodyLimit } from './oversized-upload.js';
import { finishStreamedUpload } from './streamed-upload.js';

export type FileUploadRequest = Request & {
  file?: Express.Multer.File;
  /** What went wrong reading the upload, in words for a page's file input. */
  fileProblem?: string;
  /** The same as the refusal an API route answers: its code and the field it names. */
  fileRefusal?: DomainError;
};

/** The text fields a file form sends beside its file: a page's `_csrf`, an action, a name or two. */
export const FILE_FORM_MAX_FIELDS = 6;

/**
 * Reads one uploaded file (field `file`) of a multipart request into memory; any other request passes as it
 * came. It runs before the CSRF check, which needs a page form's `_csrf` field. What goes wrong (a file too big,
 * a broken upload, too many fields) is kept in words for the route to answer, rather than becoming an error of
 * its own. A page keeps the fields read before the refusal (its `_csrf` passes, what was typed comes back); an
 * API route (`api`) drops them: its refusal is the answer, and its body check would otherwise judge the part of
 * a body read (2,000 fields were a 400 "property f0 should not exist", not the limit).
 *
 * A body larger than the file and its envelope can be is answered here, at once (refuseUnread, with the way back
 * to `formPage`, by default the address posted to): one that says so in its Content-Length before a byte of it is
 * read, one sent without a length as soon as it passes that. Multer reads a refused body to its end before it
 * says why (a 300 MB post was read whole to be told its file was over 2 MB); the evidence upload never did.
 */
export function singleFileUpload(
  maxBytes: number,
  sizeInWords: string,
  {
    maxFields = FILE_FORM_MAX_FIELDS,
    api = false,
    formPage = (req: Request) => req.baseUrl,
  }: { maxFields?: number; api?: boolean; formPage?: (req: Request) => string } = {},
): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send a file's name as UTF-8 bytes; multer reads them as Latin-1 unless told (café.xlsx was
    // recorded as cafÃ©.xlsx), as the evidence upload's busboy is told too.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: maxFields, parts: maxFields + 1 },
  }).single('file');
  const bodyLimit = uploadBodyLimit(maxBytes);
  return (req: Request, res: Response, next: NextFunction) => {
    const multipart = req.is('multipart/form-data') === 'multipart/form-data';
    const refuseTooLarge = () => {
      finishStreamedUpload(req, res);
      refuseUnread(req, res, fileTooLarge(sizeInWords), formPage(req));
    };
    if (multipart && declaredTooLarge(req, maxBytes)) return refuseTooLarge();
    // Counted beside multer as the body arrives: past the limit the request is answered, and multer's own
    // answer, which would come only once the body had ended (or the connection was cut), is not waited for.
    let answered = false;
    let read = 0;
    const count = (chunk: Buffer) => {
      read += chunk.length;
      if (read <= bodyLimit || answered) return;
      answered = true;
      req.off('data', count);
      refuseTooLarge();
    };
    if (multipart) req.on('data', count);
    parse(req, res, (error: unknown) => {
      req.off('data', count);
      if (answered) return;
      if (error) {
        const refusal = uploadRefusal(error, sizeInWords, maxFields);
        Object.assign(req as FileUploadRequest, { fileRefusal: refusal, fileProblem: refusal.message });
        if (api) req.body = {};
      }
      next();
    });
  };
}

/**
 * Multer's error as the rule it broke. Past the field or part limit the form is refused for that, as the evidence
 * upload refuses it (too-many-fields, naming the body): "could not be read: choose it again" sent the person back
 * to a file that was never the matter.
 */
function uploadRefusal(error: unknown, sizeInWords: string, maxFields: number): DomainError {
  const code = error instanceof multer.MulterError ? error.code : undefined;
  if (code === 'LIMIT_FIELD_COUNT' || code === 'LIMIT_PART_COUNT')
    return new DomainError(
      'too-many-fields',
      `The form may send at most ${maxFields} fields with its file`,
      'unprocessable',
      'body',
    );
  return new DomainError(
    'unreadable-file',
    code === 'LIMIT_FILE_SIZE'
      ? `The file must be smaller than ${sizeInWords}`
      : 'The file could not be read: choose it again',
    'unprocessable',
    'file',
  );
}
