import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { Clock } from '../../../config/src/index.js';
import { RequestWithActor } from '../actor.js';
import { IdempotencyStore } from './idempotency-store.js';
import { requestFingerprint } from './request-fingerprint.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,200}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a retry waits for the first request with its key to finish before answering 409. */
const WAIT_MS = 3_000;
const POLL_MS = 50;
/** A request still "running" after this long belongs to a process that died: its key may be taken over. */
const ABANDONED_MS = 60_000;
/** Response headers worth replaying: the version written and where the new thing lives. */
const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * `Idempotency-Key` on an unsafe request: the first request with a key (per actor) runs and its response
 * (status, body, ETag, Location) is kept for 24 hours; a retry with the same key and the same request gets
 * that response again, marked `Idempotent-Replayed: true`, without acting twice. The same key with another
 * request is refused with 422. A retry that arrives while the first is still running waits for it briefly,
 * then gets 409. A request that fails changes nothing (writes are all-or-nothing), so its key is released and
 * a retry runs afresh. Requests without an actor (they will be refused with 401) are left alone.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private lastPurge = 0;

  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const key = request.header('idempotency-key');
    if (key === undefined || !UNSAFE.has(request.method) || !request.actor) return next.handle();
    if (!KEY.test(key)) throw invalidKey();
    const { actor } = request;
    const actorKey = `${actor.partnershipId}/${actor.role}/${actor.id}`;
    const requestHash = requestFingerprint({
      method: request.method,
      url: request.originalUrl,
      ifMatch: request.header('if-match'),
      body: request.body,
    });
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.once(actorKey, key, requestHash, response, next));
  }

  private async once(
    actorKey: string,
    key: string,
    requestHash: string,
    response: Response,
    next: CallHandler,
  ): Promise<unknown> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const now = this.clock.now();
      this.purgeNowAndThen(now);
      const found = await this.store.claim(
        actorKey,
        key,
        requestHash,
        now,
        new Date(now.getTime() + DAY_MS),
        new Date(now.getTime() - ABANDONED_MS),
      );
      if (found.state === 'claimed') return this.run(actorKey, key, response, next);
      if (found.state !== 'gone' && found.requestHash !== requestHash) throw keyReused();
      if (found.state === 'done') {
        const { status, headers, body } = found.response;
        response.status(status);
        for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
        response.setHeader('Idempotent-Replayed', 'true');
        return body === null ? undefined : JSON.parse(body);
      }
      if (Date.now() > deadline) throw stillRunning();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async run(actorKey: string, key: string, response: Response, next: CallHandler): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.store.release(actorKey, key).catch((e) => this.logger.error(`release failed: ${String(e)}`));
      throw error;
    }
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => {
        const value = response.getHeader(name);
        return value === undefined ? [] : [[name, String(value)]];
      }),
    );
    await this.store.complete(actorKey, key, {
      status: response.statusCode,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    return body;
  }

  /** Expired keys are deleted at most once a minute per process, off the request's path. */
  private purgeNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    this.store.purgeExpired(now).catch((e) => this.logger.warn(`purge failed: ${String(e)}`));
  }
}

const problem = (rule: string, title: string, status: number) => ({
  type: `https://partner-returns.dev/problems/${rule}`,
  title,
  status,
  code: rule,
  errors: [{ field: 'Idempotency-Key', rule, message: title }],
});

const invalidKey = () =>
  new BadRequestException(
    problem('idempotency-key-invalid', 'Idempotency-Key must be 1 to 200 visible ASCII characters', 400),
  );
const keyReused = () =>
  new UnprocessableEntityException(
    problem('idempotency-key-reused', 'This Idempotency-Key was already used for a different request', 422),
  );
const stillRunning = () =>
  new ConflictException(
    problem(
      'idempotency-key-in-use',
      'The first request with this Idempotency-Key is still running; retry in a moment',
      409,
    ),
  );
