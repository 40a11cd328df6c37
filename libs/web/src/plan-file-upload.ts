import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';

/** Where the plan page's file upload posts. */
export const PLAN_UPLOAD_PATH = '/coordinate/plan/upload';

/** The import's own limit on a plan file (POST /plan/import takes up to 1,000,000 characters). */
const MAX_BYTES = 1_000_000;

export type PlanUploadRequest = Request & { file?: Express.Multer.File; planFileProblem?: string };

/**
 * Reads the plan page's uploaded file into memory. It runs before the CSRF check because that check needs the
 * form's `_csrf` field, and nothing else parses a multipart body. One file, a few fields; what goes wrong is
 * kept for the page to say in words (a file too big, a broken upload) rather than becoming an error page.
 */
export function planFileUpload(): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: MAX_BYTES, files: 1, fields: 4, parts: 5 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error: unknown) => {
      if (error)
        (req as PlanUploadRequest).planFileProblem =
          error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE'
            ? 'The file must be smaller than 1 MB'
            : 'The file could not be read: choose it again';
      next();
    });
}
