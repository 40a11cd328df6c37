import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConcurrencyError } from '../../event-store/src/index.js';
import { DomainError, redactPathTokens } from '../../kernel/src/index.js';
import { DATABASE_RETRY_AFTER_S, databaseUnavailable } from './database-unavailable.js';
import { statusOf } from './domain-error-status.js';
import { answerProblem } from './problem-details.filter.js';
import { formPageOf, typedFields } from './typed-fields.js';

interface ErrorPage {
  status: number;
  title: string;
  paragraphs: string[];
  next?: { href: string; text: string };
}

/** What a person should read when something goes wrong on a page: what happened, and what to do next. */
export function errorPageFor(exception: unknown): ErrorPage {
  if (databaseUnavailable(exception)) {
    return {
      status: 503,
      title: 'Sorry, the service is unavailable',
      paragraphs: ['Try again in a few minutes. Nothing you entered was saved half way.'],
    };
  }
  const code = exception instanceof DomainError ? exception.code : undefined;
  const status =
    exception instanceof DomainError
      ? statusOf(exception)
      : exception instanceof ConcurrencyError
        ? 409
        : exception instanceof HttpException
          ? exception.getStatus()
          : 500;
  // A link that no longer works: say why, and offer a new one (the form on the new-link page).
  const newLink = { href: '/link/new', text: 'Get a new link' };
  if (code === 'link-expired') {
    return {
      status,
      title: 'This link has expired',
      paragraphs: ['The monitoring cycle it was for has closed, so its returns can no longer be changed.'],
      next: newLink,
    };
  }
  if (code === 'link-revoked') {
    return {
      status,
      title: 'This link has been replaced',
      paragraphs: [
        'The coordinator has withdrawn this link, usually because a newer one was sent. Use the link in your most recent email.',
      ],
      next: newLink,
    };
  }
  if (code === 'link-used' || code === 'link-lapsed') {
    return {
      status,
      title: code === 'link-used' ? 'This link has already been used' : 'This link has expired',
      paragraphs: [exception instanceof Error ? exception.message : ''],
      next: newLink,
    };
  }
  if (code === 'link-contact-removed') {
    return {
      status,
      title: 'This link no longer works',
      paragraphs: [
        'It was sent to someone who is no longer one of the agency’s contacts in the partnership’s plan.',
        'If you still send your agency’s returns, ask your partnership’s coordinator to add you to the plan.',
      ],
    };
  }
  if (code === 'link-not-found') {
    return {
      status,
      title: 'This link is not recognised',
      paragraphs: ['Check that you copied the whole link from the email, or click it in the email again.'],
    };
  }
  if (code === 'too-many-attempts') {
    return {
      status,
      title: 'Too many attempts',
      paragraphs: [exception instanceof Error ? exception.message : ''],
    };
  }
  switch (status) {
    case 401:
      return {
        status,
        title: 'You need to sign in',
        paragraphs: ['Sign in to continue. Agency leads: use the link in your email.'],
        next: { href: '/sign-in', text: 'Sign in' },
      };
    case 403:
      return {
        status,
        title: 'You cannot do that',
        paragraphs: [
          exception instanceof DomainError ? exception.message : 'Your role does not allow this.',
          'If you think you should be able to, ask your partnership coordinator.',
        ],
        next: { href: '/', text: 'Go to your start page' },
      };
    case 404:
      return {
        status,
        title: 'Page not found',
        paragraphs: [
          'If you typed the web address, check it is correct. If you followed a link, it may be out of date.',
        ],
        next: { href: '/', text: 'Go to your start page' },
      };
    case 409:
      return {
        status,
        title: 'This has changed since you opened it',
        paragraphs: [
          exception instanceof DomainError
            ? exception.message
            : 'Someone else saved a change first. Your change was not saved.',
          'Go back, reload the page to see the latest version, and try again.',
        ],
      };
    default:
      return status >= 500
        ? {
            status: 500,
            title: 'Sorry, there is a problem with the service',
            paragraphs: ['Try again later. Nothing you entered was saved half way.'],
          }
        : {
            status,
            title: 'There is a problem',
            paragraphs: whatWasWrong(exception),
          };
  }
}

/**
 * In words, what made a request fail: each field's problem when validation named them ("token must be a
 * string"), not Nest's "Bad Request Exception", which tells a person nothing.
 */
function whatWasWrong(exception: unknown): string[] {
  if (exception instanceof DomainError) return [exception.message];
  if (exception instanceof HttpException) {
    const body = exception.getResponse() as { errors?: unknown; title?: unknown } | string;
    const errors = typeof body === 'object' && Array.isArray(body.errors) ? body.errors : [];
    const messages = errors.flatMap((e: { message?: unknown }) =>
      typeof e?.message === 'string' ? [e.message] : [],
    );
    if (messages.length > 0)
      return [
        `The page sent something the service cannot take: ${messages.slice(0, 5).join('; ')}.`,
        'Go back, reload the page and try again.',
      ];
    if (typeof body === 'object' && typeof body.title === 'string') return [body.title];
  }
  return ['The request could not be completed. Go back, reload the page and try again.'];
}

const AGENCY_PAGES = /^\/agency(\/|$)/i;

/**
 * Pages answer errors with a page; API clients asking for JSON still get problem+json. It lives at the HTTP edge
 * (not in libs/web) because controllers of every feature use it; the page it renders, `pages/error`, is one of
 * libs/web's views, which every app that serves pages configures.
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('PageError');

  catch(exception: unknown, host: ArgumentsHost): void {
    answerOnPage(
      exception,
      host.switchToHttp().getRequest<Request>(),
      host.switchToHttp().getResponse<Response>(),
      this.logger,
    );
  }
}

/**
 * What the filter does, for what answers outside Nest's routes too (the queue dashboard): a page for a browser,
 * problem+json for a client asking JSON.
 */
export function answerOnPage(exception: unknown, req: Request, res: Response, logger: Logger): void {
  // A response already under way (a download that failed half way) can only be logged and ended.
  if (req.accepts(['json', 'html']) !== 'html' || res.headersSent)
    return answerProblem(exception, req, res, logger);
  if (exception instanceof HttpException && exception.getStatus() === 401 && AGENCY_PAGES.test(req.path)) {
    // An agency lead's session ran out (or the link was never opened here): staff sign-in is no help to them.
    // Whatever they had typed comes back on the page, to copy into the form once a new link is opened.
    return res.status(401).render('pages/agency/session-ended', {
      title: 'Your session has ended',
      typed: typedFields(req),
    });
  }
  if (exception instanceof HttpException && exception.getStatus() === 401 && req.method !== 'GET') {
    // A staff session ran out while a reviewer wrote a reason or a message: the words come back to copy, and
    // signing in returns to the page the form was on.
    const typed = typedFields(req);
    const from = formPageOf(req);
    return res.status(401).render('pages/error', {
      title: 'You need to sign in',
      paragraphs: [
        'Your session ended, so this was not saved. Sign in again to carry on. Agency leads: use the link in your email.',
      ],
      typed,
      next: { href: from ? `/sign-in?next=${encodeURIComponent(from)}` : '/sign-in', text: 'Sign in' },
    });
  }
  if (exception instanceof HttpException && exception.getStatus() === 401 && req.method === 'GET') {
    // Back to this page once signed in (a link to a return, say); never an address that carries a token,
    // which would go into the redirect's Location, and the request log writes that header down.
    const carriesToken = redactPathTokens(req.originalUrl) !== req.originalUrl.split(/[?#]/)[0];
    return res.redirect(
      303,
      carriesToken ? '/sign-in' : `/sign-in?next=${encodeURIComponent(req.originalUrl)}`,
    );
  }
  const page = errorPageFor(exception);
  const unavailable = databaseUnavailable(exception);
  const retryAfter = unavailable
    ? DATABASE_RETRY_AFTER_S
    : exception instanceof DomainError
      ? exception.details?.retryAfter
      : undefined;
  if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
  if (unavailable) logger.warn(`answered 503: PostgreSQL unavailable (${(exception as Error).message})`);
  else if (page.status >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  res.status(page.status).render('pages/error', { ...page, title: page.title });
}
