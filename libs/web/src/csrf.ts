import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { isBearer, SESSION_COOKIE } from '../../auth/src/index.js';
import { AppConfig } from '../../config/src/index.js';
import { redactPathTokens } from '../../kernel/src/index.js';
import { formPageOf, sendProblem, typedFields } from '../../http/src/index.js';
import { provenanceOf } from './request-provenance.js';

/** Paths whose POSTs are page forms: each must carry the CSRF token of this browser's session. */
export const PAGE_PREFIXES = [
  '/sign-in',
  '/sign-out',
  '/agency',
  '/review',
  '/coordinate',
  '/admin/processors',
  '/link/new',
  '/account',
];

/**
 * Writes that sign someone in without a session: a page elsewhere must not sign a browser into an account of
 * its choosing (login CSRF). The JSON sign-in, and the exchange of a submission link's token (a form).
 */
const JSON_SIGN_IN = '/auth/sign-in';
const LINK_EXCHANGE = '/l';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * API writes whose body is a file (multipart): from a cookie session they pass the same origin-or-token check
 * as any other, and then need not be JSON. A page elsewhere can post multipart, but not from our origin nor
 * with our X-CSRF-Token, and those were checked first.
 */
const MULTIPART_API = [/^\/returns\/[^/]+\/evidence$/, /^\/cycles\/historical$/];

type WithCookies = Request & { cookies?: Record<string, string> };

/**
 * The one rule for writes that a browser could be made to send from another site:
 *
 * - Any write that carries a sign of another origin (see provenanceOf) and would be authenticated by the
 *   session cookie, or would sign someone in, is refused with 403.
 * - Page forms carry the double-submit CSRF token bound to the session cookie (`_csrf`), as before.
 * - Cookie-authenticated API writes come from the service's own origin (Origin, Referer or Sec-Fetch-Site) with
 *   a JSON body or none, or else carry the CSRF token in `X-CSRF-Token`. A cross-site form can send neither.
 * - The JSON sign-in takes a JSON body only, and not from another origin. The link exchange is a form (its
 *   Continue page) that non-browser clients post too, so not being from another origin is its whole check:
 *   every current browser marks a cross-origin post.
 *
 * Bearer-token clients are not cookie-authenticated: a page elsewhere cannot add an Authorization header
 * without the CORS preflight this service never grants, so they need none of this.
 *
 * The CSRF cookie's name avoids the `__Host-` prefix, which browsers refuse over plain HTTP (local use); it is
 * marked Secure whenever the service is behind HTTPS.
 */
export function csrf(config: AppConfig) {
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: (req) => (req as WithCookies).cookies?.[SESSION_COOKIE] ?? '',
    cookieName: 'pr_csrf',
    cookieOptions: {
      sameSite: 'lax',
      secure: config.publicBaseUrl.startsWith('https:'),
      httpOnly: true,
      path: '/',
    },
    getCsrfTokenFromRequest: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ?? req.headers['x-csrf-token'],
  });
  const publicOrigin = new URL(config.publicBaseUrl).origin;

  const protect = (req: WithCookies, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    // Express matches routes without regard to case or a trailing slash: so does this.
    const path = req.path.toLowerCase().replace(/\/+$/, '') || '/';
    const page = PAGE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
    const signIn = path === JSON_SIGN_IN || path === LINK_EXCHANGE;
    // The same test the sign-in middleware makes: a request it takes for a bearer's never acts by the cookie.
    const bearer = isBearer(req.headers.authorization);
    const cookie = req.cookies?.[SESSION_COOKIE] !== undefined && !bearer;
    const file = MULTIPART_API.some((p) => p.test(path)) && req.is('multipart/form-data') !== false;
    // A bearer client's write is JSON (or a file where one is taken) as a cookie's is: any other body was read
    // as none, so `{"measureRefs": [...]}` sent as text/plain opened a cycle for every measure.
    if (!page && !signIn && !cookie) {
      return !bearer || jsonOrEmpty(req) || file ? next() : refuse(req, res, false, 'json-body-required');
    }

    const provenance = provenanceOf(
      {
        'sec-fetch-site': req.get('sec-fetch-site'),
        origin: req.get('origin'),
        referer: req.get('referer'),
      },
      new Set([publicOrigin, `${req.protocol}://${req.get('host')}`]),
    );
    if (provenance === 'foreign') return refuse(req, res, page, 'cross-origin-request');
    // An agency page posted with no session at all (it ran out in the browser) changes nothing: the guard
    // refuses it, and the lead sees that their session ended, with what they typed, not an expired form.
    if (page && path.startsWith('/agency/') && !cookie && !bearer) return next();
    if (page) return validateRequest(req) ? next() : refuse(req, res, page, 'csrf-token-missing');
    if (path === LINK_EXCHANGE) return next();
    if (path !== JSON_SIGN_IN && provenance !== 'same-origin' && !validateRequest(req)) {
      return refuse(req, res, page, 'cross-origin-request');
    }
    return jsonOrEmpty(req) || file ? next() : refuse(req, res, page, 'json-required');
  };

  /**
   * The token a page's forms carry: one per response, so that every form of a page holds the same token as the
   * one cookie the response sets (the first page after signing in makes a new token: its cookie is bound to the
   * new session).
   */
  const pageToken = (req: Request, res: Response): (() => string) => {
    let token: string | undefined;
    return () => (token ??= generateCsrfToken(req, res));
  };
  return { protect, pageToken };
}

/** A body that a page on another site cannot send without a CORS preflight: JSON, or none at all. */
function jsonOrEmpty(req: Request): boolean {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return !hasBody || req.is(['application/json', 'application/*+json']) !== false;
}

type Refusal = 'cross-origin-request' | 'csrf-token-missing' | 'json-required' | 'json-body-required';

const REFUSALS: Record<Refusal, { status: number; field: string; title: string; page: string[] }> = {
  'cross-origin-request': {
    status: 403,
    field: 'Origin',
    title:
      "A write signed in with this service's cookie must come from the service's own pages; API clients use a bearer token",
    page: [
      'This form was sent from another website, so it was not accepted. Nothing was changed.',
      'If you meant to do this, go to the page in Partner Returns and try again there.',
    ],
  },
  'csrf-token-missing': {
    status: 403,
    field: '_csrf',
    title: 'The form expired. Go back, reload the page and try again.',
    page: ['The form expired. Nothing was changed.', 'Go back, reload the page and try again.'],
  },
  'json-required': {
    status: 415,
    field: 'Content-Type',
    title: 'A write signed in with a cookie must send its body as application/json',
    page: ['This request was not accepted. Nothing was changed.'],
  },
  'json-body-required': {
    status: 415,
    field: 'Content-Type',
    title: 'The body of an API write must be JSON (application/json); nothing was changed',
    page: ['This request was not accepted. Nothing was changed.'],
  },
};

/**
 * A form whose token no longer matches the session: most often the page was open from before the lead opened
 * their link again, or staff signed in again, in another tab. Nothing is saved; what they typed comes back to
 * copy, with the way back to the page it was on (its Referer), so an hour's narrative is not lost to a reload.
 */
function formExpired(req: Request, res: Response): void {
  const from = formPageOf(req);
  const agency = req.path.toLowerCase().startsWith('/agency/');
  return res.render('pages/error', {
    title: 'The form expired',
    paragraphs: [
      `Nothing was changed. This usually happens when ${agency ? 'the link in your email is opened' : 'you sign in'} again, in this or another tab, after this page was opened.`,
      ...(from ? [] : ['Go back, reload the page and try again.']),
    ],
    typed: typedFields(req),
    next: from ? { href: from, text: 'Open the page again' } : { href: '/', text: 'Go to your start page' },
  });
}

function refuse(req: Request, res: Response, page: boolean, rule: Refusal): void {
  const refusal = REFUSALS[rule];
  res.status(refusal.status);
  if (page && req.accepts(['json', 'html']) === 'html') {
    if (rule === 'csrf-token-missing') return formExpired(req, res);
    return res.render('pages/error', {
      title: 'This was not accepted',
      paragraphs: refusal.page,
      next: { href: '/', text: 'Go to your start page' },
    });
  }
  sendProblem(res, {
    type: `https://partner-returns.dev/problems/${rule}`,
    title: refusal.title,
    status: refusal.status,
    code: rule,
    errors: [{ field: refusal.field, rule, message: refusal.title }],
    instance: redactPathTokens(req.originalUrl),
  });
}
