import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConcurrencyError } from '../../event-store/src/index.js';
import { DomainError, redactPathTokens } from '../../kernel/src/index.js';
import { DATABASE_RETRY_AFTER_S, databaseUnavailable } from './database-unavailable.js';
import { statusOf } from './domain-error-status.js';
import { unreadableBody } from './unreadable-body.js';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  /** Field-level problems: which field, which rule. */
  errors?: { field: string; rule: string; message: string }[];
  [extra: string]: unknown;
}

/** The most a JSON or urlencoded body may hold (the api's body parsers are given it). */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** A rule's refusal as problem+json: its code, its status, and the field it names with the rule. */
export function domainProblem(error: DomainError): ProblemDetails {
  return {
    type: `https://partner-returns.dev/problems/${error.code}`,
    title: error.message,
    status: statusOf(error),
    code: error.code,
    ...error.details,
    ...(error.field ? { errors: [{ field: error.field, rule: error.code, message: error.message }] } : {}),
  };
}

/** Every error leaves as RFC 9457 problem+json; anything unexpected is logged and becomes a bare 500. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerProblem(exception, http.getRequest<Request>(), http.getResponse<Response>(), this.logger);
  }
}

/** What the filter does, for what answers outside Nest's routes too: log what needs it, answer problem+json. */
export function answerProblem(
  exception: unknown,
  request: Request,
  response: Response,
  logger: Logger,
): void {
  const problem = problemFor(exception, request);
  if (problem.code === 'database-unavailable')
    logger.warn(`answered 503: PostgreSQL unavailable (${(exception as Error).message})`);
  else if (problem.status >= 500 && problem.status !== 503)
    logger.error(exception instanceof Error ? exception.stack : String(exception));
  else if (problem.status === 503) logger.warn(`answered 503: ${problem.title}`);
  if (response.headersSent) return;
  sendProblem(response, problem);
}

/**
 * The problem+json of an exception, as the filter answers it: also for what answers outside Nest's routes (the
 * queue dashboard's middleware, the CSRF check, a streamed upload), so every refusal has one shape.
 */
export function problemFor(exception: unknown, request?: Pick<Request, 'originalUrl'>): ProblemDetails {
  const problem = toProblem(exception);
  if (request?.originalUrl !== undefined) {
    // The address names a problem without any token it carries, however it is written (//l/…, /l%2F…), and
    // so does the detail of Nest's "Cannot GET <address>", which quotes the address whole, query and all.
    const instance = redactPathTokens(request.originalUrl);
    problem.instance = instance;
    if (typeof problem.detail === 'string' && request.originalUrl)
      problem.detail = problem.detail.split(request.originalUrl).join(instance);
  }
  return problem;
}

/** Sends a problem as RFC 9457 problem+json; a throttle's or an outage's says when to come back (Retry-After, s). */
export function sendProblem(response: Response, problem: ProblemDetails): void {
  if (typeof problem.retryAfter === 'number') response.setHeader('Retry-After', String(problem.retryAfter));
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

function toProblem(exception: unknown): ProblemDetails {
  if (databaseUnavailable(exception)) {
    return {
      type: 'https://partner-returns.dev/problems/database-unavailable',
      title: 'The service cannot reach its database just now: try again in a minute',
      status: 503,
      code: 'database-unavailable',
      detail: 'Nothing of this request was saved half way.',
      retryAfter: DATABASE_RETRY_AFTER_S,
    };
  }
  if (exception instanceof ConcurrencyError) {
    return {
      type: 'https://partner-returns.dev/problems/stale-version',
      title: 'This was changed by someone else',
      status: 409,
      code: 'stale-version',
      detail: 'Reload it to see the latest version, then try again.',
      currentVersion: exception.actual,
    };
  }
  if (exception instanceof DomainError) return domainProblem(exception);
  // Nest hands on a body parser's error as an HttpException caused by it.
  const unreadable = unreadableBody(exception instanceof HttpException ? exception.cause : exception);
  if (unreadable) return unreadable;
  // Express wraps an error thrown in a body parser's verify hook (see refuseDeepJson): answer the one inside.
  if (exception instanceof HttpException && exception.cause instanceof HttpException) {
    return toProblem(exception.cause);
  }
  if (
    (exception instanceof HttpException && exception.getStatus() === 413) ||
    (exception as { type?: string })?.type === 'entity.too.large'
  ) {
    return {
      type: 'https://partner-returns.dev/problems/body-too-large',
      title: 'The request is larger than this service takes',
      status: 413,
      code: 'body-too-large',
      detail: `A JSON or form body may be at most ${BODY_LIMIT_BYTES / 1024 / 1024} MB; files have limits of their own, named where they are uploaded.`,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (fromBody.type && fromBody.title) return { ...(fromBody as unknown as ProblemDetails), status };
    return {
      type: 'about:blank',
      title: HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase() ?? 'Error',
      status,
      detail: typeof fromBody.message === 'string' ? fromBody.message : exception.message,
    };
  }
  return { type: 'about:blank', title: 'Something went wrong on our side', status: 500 };
}
