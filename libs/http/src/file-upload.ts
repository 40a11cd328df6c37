import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';

export type FileUploadRequest = Request & { file?: Express.Multer.File; fileProblem?: string };

/**
 * Reads one uploaded file (field `file`) of a multipart request into memory; any other request passes as it
 * came. It runs before the CSRF check, which needs a page form's `_csrf` field. What goes wrong (a file too big,
 * a broken upload) is kept in words for the route to answer, rather than becoming an error of its own.
 */
export function singleFileUpload(maxBytes: number, sizeInWords: string): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send a file's name as UTF-8 bytes; multer reads them as Latin-1 unless told (café.xlsx was
    // recorded as cafÃ©.xlsx), as the evidence upload's busboy is told too.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 6, parts: 7 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error: unknown) => {
      if (error)
        (req as FileUploadRequest).fileProblem =
          error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE'
            ? `The file must be smaller than ${sizeInWords}`
            : 'The file could not be read: choose it again';
      next();
    });
}
