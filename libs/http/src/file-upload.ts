import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { DomainError } from '../../kernel/src/index.js';

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
 */
export function singleFileUpload(
  maxBytes: number,
  sizeInWords: string,
  { maxFields = FILE_FORM_MAX_FIELDS, api = false }: { maxFields?: number; api?: boolean } = {},
): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send a file's name as UTF-8 bytes; multer reads them as Latin-1 unless told (café.xlsx was
    // recorded as cafÃ©.xlsx), as the evidence upload's busboy is told too.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: maxFields, parts: maxFields + 1 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error: unknown) => {
      if (error) {
        const refusal = uploadRefusal(error, sizeInWords, maxFields);
        Object.assign(req as FileUploadRequest, { fileRefusal: refusal, fileProblem: refusal.message });
        if (api) req.body = {};
      }
      next();
    });
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
