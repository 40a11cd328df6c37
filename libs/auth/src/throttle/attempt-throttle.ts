import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DomainError, sha256 } from '../../../kernel/src/index.js';

/** One thing counted: whose attempts (an address, an account) at what (a link, a sign-in), and its limits. */
export interface ThrottleRule {
  /** What is counted, e.g. `sign-in-account`; stored beside the hash, for operators. */
  kind: string;
  /** Whose attempts: an address or an email. Only a hash of it is stored. */
  subject: string;
  /** Failures allowed in a window; the next attempt is refused until the window ends. */
  failures: number;
  windowMinutes: number;
  /** Attempts that may be in flight at once: with the failures, the most that can get past in a burst. */
  inFlight: number;
  /** What the refusal says, given the minutes left (or null when it is the in-flight cap that refused). */
  refusal: (minutesLeft: number | null) => string;
}

/** Attempts held for rules, to be settled once the outcome is known. */
export interface Attempt {
  readonly keys: readonly string[];
}

/** A refusal: 429 with Retry-After (seconds), on the API and on pages. */
export class TooManyAttempts extends DomainError {
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super('too-many-attempts', message, 'too-many', undefined, { retryAfter });
  }
}

/**
 * Throttles attempts at a secret that could be guessed (a submission link's token, a staff password), counted in
 * PostgreSQL so that every api process shares the count. An attempt first takes a place in flight and is refused
 * when the window's failures or the places in flight are used up; then it is settled as failed or not. Both are
 * single statements on the rule's row, so concurrent attempts are counted exactly: a burst of any size gets at
 * most `failures + inFlight` attempts past, because every attempt let through is either in flight or counted.
 * They stay raw SQL: a conditional upsert that counts in one round trip is what makes the count exact, and a
 * repository's read-then-save would let a burst through between the read and the write.
 *
 * Windows are fixed: they start at a subject's first attempt and last `windowMinutes`. A process killed with an
 * attempt in flight leaves that place taken until the window ends.
 */
@Injectable()
export class AttemptThrottle {
  private readonly logger = new Logger('AttemptThrottle');
  private lastPurge = 0;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Takes a place for an attempt under every rule, or throws TooManyAttempts having taken none. */
  async begin(rules: readonly ThrottleRule[]): Promise<Attempt> {
    const now = this.clock.now();
    this.purgeNowAndThen(now);
    const taken: string[] = [];
    for (const rule of rules) {
      const key = keyOf(rule);
      const rows: unknown[] = await this.dataSource.query(
        `INSERT INTO attempt_throttles AS t (key_hash, kind, window_started_at, failures, in_flight)
         VALUES ($1, $2, $3, 0, 1)
         ON CONFLICT (key_hash) DO UPDATE SET
           window_started_at = CASE WHEN t.window_started_at <= $3::timestamptz - make_interval(mins => $4)
                                    THEN $3 ELSE t.window_started_at END,
           failures = CASE WHEN t.window_started_at <= $3::timestamptz - make_interval(mins => $4)
                           THEN 0 ELSE t.failures END,
           in_flight = CASE WHEN t.window_started_at <= $3::timestamptz - make_interval(mins => $4)
                            THEN 1 ELSE t.in_flight + 1 END
         WHERE t.window_started_at <= $3::timestamptz - make_interval(mins => $4)
            OR (t.failures < $5 AND t.in_flight < $6)
         RETURNING 1`,
        [key, rule.kind, now, rule.windowMinutes, rule.failures, rule.inFlight],
      );
      if (rows.length === 0) {
        await this.settle({ keys: taken }, false);
        throw await this.refusal(rule, key, now);
      }
      taken.push(key);
    }
    return { keys: taken };
  }

  /**
   * Ends an attempt: its places in flight are given back and, when it failed, a failure is counted under every
   * rule. `clear` names the kinds whose failures a success wipes (an account's, once its password was right).
   */
  async settle(attempt: Attempt, failed: boolean, clear: readonly ThrottleRule[] = []): Promise<void> {
    if (attempt.keys.length === 0) return;
    await this.dataSource.query(
      `UPDATE attempt_throttles
       SET in_flight = greatest(in_flight - 1, 0),
           failures = CASE WHEN $2 THEN failures + 1 WHEN key_hash = ANY($3::text[]) THEN 0 ELSE failures END
       WHERE key_hash = ANY($1::text[])`,
      [attempt.keys, failed, clear.map(keyOf)],
    );
  }

  private async refusal(rule: ThrottleRule, key: string, now: Date): Promise<TooManyAttempts> {
    const rows: { failures: number; ends_at: Date }[] = await this.dataSource.query(
      `SELECT failures, window_started_at + make_interval(mins => $2) AS ends_at
       FROM attempt_throttles WHERE key_hash = $1`,
      [key, rule.windowMinutes],
    );
    const row = rows[0];
    if (!row || row.failures < rule.failures) return new TooManyAttempts(rule.refusal(null), 1);
    const seconds = Math.max(1, Math.ceil((row.ends_at.getTime() - now.getTime()) / 1000));
    return new TooManyAttempts(rule.refusal(Math.ceil(seconds / 60)), seconds);
  }

  /** Rows of windows long over are deleted at most once a minute per process, off the request's path. */
  private purgeNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    this.dataSource
      .query(`DELETE FROM attempt_throttles WHERE window_started_at < $1::timestamptz - interval '1 day'`, [
        now,
      ])
      .catch((e) => this.logger.warn(`purge failed: ${String(e)}`));
  }
}

function keyOf(rule: ThrottleRule): string {
  return sha256(`${rule.kind}:${rule.subject}`);
}
