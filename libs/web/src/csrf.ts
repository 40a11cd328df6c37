import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { AppConfig } from '../../config/src/index.js';

/** Paths whose POSTs are page forms: each must carry the CSRF token of this browser's session. */
export const PAGE_PREFIXES = [
  '/sign-in',
  '/sign-out',
  '/agency',
  '/review',
  '/coordinate',
  '/admin/processors',
];

/**
 * Double-submit CSRF tokens bound to the session cookie. The cookie name avoids the `__Host-` prefix, which
 * browsers refuse over plain HTTP (local use); it is marked Secure whenever the service is behind HTTPS.
 */
export function csrf(config: AppConfig) {
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: (req) =>
      (req as Request & { cookies?: Record<string, string> }).cookies?.pr_session ?? '',
    cookieName: 'pr_csrf',
    cookieOptions: {
      sameSite: 'lax',
      secure: config.publicBaseUrl.startsWith('https:'),
      httpOnly: true,
      path: '/',
    },
    getCsrfTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf,
    errorConfig: {
      statusCode: 403,
      message: 'The form expired. Go back, reload the page and try again.',
      code: 'csrf',
    },
  });
  const protect = (req: Request, res: Response, next: NextFunction) =>
    PAGE_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`))
      ? doubleCsrfProtection(req, res, next)
      : next();
  return { generateCsrfToken, protect };
}
