import type { RequestHandler } from 'express';
import { FileUploadRequest, singleFileUpload } from '../../http/src/index.js';

/** Where the plan page's file upload posts. */
export const PLAN_UPLOAD_PATH = '/coordinate/plan/upload';
/** The plan page the upload's form is on. */
const PLAN_PAGE_PATH = '/coordinate/plan';

/** The import's own limit on a plan file (POST /plan/import takes up to 1,000,000 characters). */
const MAX_BYTES = 1_000_000;

export type PlanUploadRequest = FileUploadRequest;

/**
 * Reads the plan page's uploaded file into memory. It runs before the CSRF check because that check needs the
 * form's `_csrf` field, and nothing else parses a multipart body. One file, a few fields (`_csrf`, `action`);
 * what goes wrong is kept for the page to say in words (a file too big, a broken upload, too many fields) rather
 * than becoming an error page.
 */
export function planFileUpload(): RequestHandler {
  // A file over the limit is refused on a page of its own, with the way back to the plan page it came from.
  return singleFileUpload(MAX_BYTES, '1 MB', { maxFields: 4, formPage: () => PLAN_PAGE_PATH });
}
