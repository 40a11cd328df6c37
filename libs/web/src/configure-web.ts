import { clockInWords, dayInWords } from '../../kernel/src/index.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import nunjucks from 'nunjucks';
import { AppConfig } from '../../config/src/index.js';
import { renderNarrative } from '../../returns/src/index.js';
import { repoRoot } from './repo-root.js';
import { textLines } from './text-lines.js';

/**
 * Pages are GOV.UK Frontend templates rendered by Nunjucks (autoescaped). Every response carries a strict
 * Content-Security-Policy: scripts only from this origin or with this request's nonce, never inline otherwise.
 */
export function configureWeb(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  const root = repoRoot();
  const govuk = join(root, 'node_modules/govuk-frontend/dist');
  const env = nunjucks.configure([join(root, 'libs/web/views'), govuk], {
    autoescape: true,
    throwOnUndefined: false,
    // Templates are read again at every render only in development, where they are being edited. Tests render
    // as production does: recompiling the GOV.UK macros for every page was most of a page's time.
    noCache: config.nodeEnv === 'development',
    express: express.getHttpAdapter().getInstance(),
  });
  env.addFilter('longDate', (iso: string | null | undefined) => (iso ? dayInWords(iso) : ''));
  // "3:15pm on 4 December 2026": an instant as people in the UK say it.
  env.addFilter('momentInWords', (iso: string | null | undefined) =>
    iso ? `${clockInWords(iso)} on ${dayInWords(iso)}` : '',
  );
  // A typed text's lines, for partials/typed-text.njk: HTML would run a reason's lines together.
  env.addFilter('lines', textLines);
  // A case study's section body, read as every format reads an officer's Markdown (sanitised by renderNarrative):
  // printed as typed, "- Jane" and its line breaks showed on the reviewer's page but not in the report.
  env.addFilter(
    'narrative',
    (text: unknown) => new nunjucks.runtime.SafeString(renderNarrative(String(text ?? ''))),
  );
  express.setViewEngine('njk');
  express.useStaticAssets(join(govuk, 'govuk/assets'), { prefix: '/assets', maxAge: '1d' });
  express.useStaticAssets(join(govuk, 'govuk'), { prefix: '/govuk', maxAge: '1d', index: false });
  express.useStaticAssets(join(root, 'libs/web/public'), { prefix: '/static', maxAge: '1h', index: false });

  // Everything after the static files is someone's: pages and API answers hold names, addresses, returns and
  // forms' tokens, and none may be kept by a proxy or by the browser for its back button after signing out on a
  // shared computer. A route that may be kept says so itself (it sets Cache-Control after this).
  express.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  const headers = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.publicBaseUrl.startsWith('https:') ? [] : null,
      },
    },
    // Nothing to other sites; our own pages' posts carry their Origin, which the write rule checks (with
    // no-referrer a browser sends `Origin: null` even to its own origin).
    referrerPolicy: { policy: 'same-origin' },
  });
  // Swagger UI brings its own inline script: it is the one place without the strict policy, but it keeps the
  // other headers and may not be framed either (its "Try it out" sends requests with the session cookie, so a
  // page elsewhere framing it could have a person click them unseen).
  const docsHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
  express.use((req: Request, res: Response, next: NextFunction) =>
    req.path.startsWith('/api/docs') ? docsHeaders(req, res, next) : headers(req, res, next),
  );
}
