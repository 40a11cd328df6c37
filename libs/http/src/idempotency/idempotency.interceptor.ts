import {
  BadRequestException,
  SetMetadata,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock } from '../../../kernel/src/index.js';
import { CommandTransaction, runInCommandTransaction } from '../../../event-store/src/index.js';
import { RequestWithActor } from '../actor.js';
import { IdempotencyStore, RecordedKey, StoredResponse } from './idempotency-store.js';
import { requestFingerprint } from './request-fingerprint.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,200}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Response headers worth replaying: the version written and where the new thing lives. */
const REPLAYED_HEADERS = ['etag', 'location'];
/** PostgreSQL's lock_not_available: a lock wait ran past the command transaction's lock timeout. */
const LOCK_TIMEOUT = '55P03';

const SHOWN_ONCE = 'idempotency:shown-once';

/**
 * Fields of a route's response that hold a secret shown once (a new API token): the stored response, which a
 * retry with the same key gets, leaves them out, so no secret is kept at rest.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SHOWN_ONCE, fields);

/** Another request with the same key committed while this one waited for it. */
class KeyTakenMeanwhile extends Error {}

/**
 * `Idempotency-Key` on an unsafe request: the first request with a key (per actor) runs and its response
 * (status, body, ETag, Location) is kept for 24 hours; a retry with the same key and the same request gets
 * that response again, marked `Idempotent-Replayed: true`, without acting twice. The same key with another
 * request is refused with 422.
 *
 * The key is taken and its response recorded inside the command's own transaction (every append of the
 * request joins it, see CommandTransaction), so the key commits with the events or not at all: a retry after
 * a crash finds the stored response, or finds nothing because nothing was applied. A retry that arrives while
 * the first is still running waits for its transaction briefly, then gets 409. A request that fails changes
 * nothing and records nothing, so a retry runs afresh. Requests without an actor (they will be refused with
 * 401) are left alone.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private lastPurge = 0;

  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Reflector) private readonly reflector: Reflector,
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
    const secrets = this.reflector.get<string[] | undefined>(SHOWN_ONCE, context.getHandler()) ?? [];
    const answer = answersItself(context) ? 'end' : 'return';
    return from(this.once(actorKey, key, requestHash, response, next, secrets, answer));
  }

  private async once(
    actorKey: string,
    key: string,
    requestHash: string,
    response: Response,
    next: CallHandler,
    secrets: readonly string[],
    answer: 'end' | 'return',
  ): Promise<unknown> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + DAY_MS);
    this.purgeNowAndThen(now);
    const recorded = await this.store.find(actorKey, key, now);
    if (recorded) return replay(recorded, requestHash, response, answer);

    const transaction = new CommandTransaction(this.dataSource, async (manager) => {
      if (!(await this.store.take(manager, actorKey, key, requestHash, now, expiresAt))) {
        throw new KeyTakenMeanwhile();
      }
    });
    let body: unknown;
    try {
      body = await runInCommandTransaction(transaction, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      );
    } catch (error) {
      // A rollback fails when the connection was lost, which PostgreSQL rolls back by itself: worth a warning.
      await transaction.rollback().catch((e) => this.logger.warn(`rollback failed: ${String(e)}`));
      // The first request with this key may have finished while this one ran (this one waited for it, or
      // read what it wrote and was refused): answer what the first answered.
      const meanwhile = await this.store.find(actorKey, key, this.clock.now());
      if (meanwhile) return replay(meanwhile, requestHash, response, answer);
      if (error instanceof KeyTakenMeanwhile || (error as { code?: string }).code === LOCK_TIMEOUT) {
        throw stillRunning();
      }
      throw error;
    }
    const stored = storedResponse(response, body, secrets);
    if (transaction.begun) {
      await transaction.commit((manager) => this.store.record(manager, actorKey, key, stored));
    } else {
      // Nothing was written in a command transaction (a write outside the event store, or none at all).
      await this.store.recordAlone(actorKey, key, requestHash, now, expiresAt, stored);
      // Its after-commit work (a mail) goes now the key is recorded: a retry finds the key and sends nothing more.
      await transaction.commit();
    }
    return body;
  }

  /** Expired keys are deleted at most once a minute per process, off the request's path. */
  private purgeNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    this.store.purgeExpired(now).catch((e) => this.logger.warn(`purge failed: ${String(e)}`));
  }
}

/**
 * The recorded answer again. A page's route writes its own response (@Res()) and Nest sends nothing for it, so
 * the replay ends the response itself (`answer: 'end'`): its status and Location, as a redirect's was; before,
 * a page form posted again with its key was never answered.
 */
function replay(
  recorded: RecordedKey,
  requestHash: string,
  response: Response,
  answer: 'end' | 'return',
): unknown {
  if (recorded.requestHash !== requestHash) throw keyReused();
  const { status, headers, body } = recorded.response;
  response.status(status);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Idempotent-Replayed', 'true');
  if (answer === 'end') {
    response.end();
    return undefined;
  }
  return body === null ? undefined : JSON.parse(body);
}

/** Whether the route writes its own response: @Res() without passthrough (Nest's RouteParamtypes.RESPONSE is 1). */
function answersItself(context: ExecutionContext): boolean {
  const [owner, name] = [context.getClass(), context.getHandler().name];
  if (Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, owner, name)) return false;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, owner, name) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.startsWith('1:'));
}

function storedResponse(response: Response, body: unknown, secrets: readonly string[]): StoredResponse {
  const headers = Object.fromEntries(
    REPLAYED_HEADERS.flatMap((name) => {
      const value = response.getHeader(name);
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
  const kept =
    secrets.length > 0 && body !== null && typeof body === 'object'
      ? Object.fromEntries(Object.entries(body).filter(([name]) => !secrets.includes(name)))
      : body;
  return { status: response.statusCode, headers, body: kept === undefined ? null : JSON.stringify(kept) };
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
