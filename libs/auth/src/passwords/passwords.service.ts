import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { EventStore, transactionally } from '../../../event-store/src/index.js';
import { Actor, Clock, DomainError, sha256 } from '../../../kernel/src/index.js';
import { AfterTheAnswer } from '../background/after-the-answer.js';
import { Session } from '../sessions/session.entity.js';
import { revokeAccountTokens } from '../tokens/revoke-account-tokens.js';
import { StaffAccount } from '../staff/staff-account.entity.js';
import { STAFF_ROLES, StaffRole } from '../staff/staff-role.js';
import { AttemptThrottle } from '../throttle/attempt-throttle.js';
import { passwordTokenRule, resetRequestRules, signInAccountRule } from '../throttle/throttle-rules.js';
import { hashPassword, passwordHashCost } from './password-hashing.js';
import { issuePasswordLink } from './issue-password-link.js';
import { passwordProblem } from './password-rules.js';
import { PasswordToken } from './password-token.entity.js';
import { ResetRequests } from './reset-requests.js';
import { judgeToken, PasswordTokenPurpose, TokenVerdict } from './password-token.js';

/**
 * Stored for an invited account until its owner sets a password: not an argon2 hash, so no password matches it
 * (argon2.verify refuses it, and sign-in counts that as a wrong password).
 */
export const NO_PASSWORD_YET = '!invited';

/**
 * Tests only (inert unless NODE_ENV=test): RESET_HELD_AFTER_ANSWER=1 makes the api answer a reset request and never
 * issue it, as an api killed between the answer and the token's commit, so a test can kill it there for sure.
 */
function heldForTest(): boolean {
  return process.env.NODE_ENV === 'test' && process.env.RESET_HELD_AFTER_ANSWER === '1';
}

/** What a set-password link comes to, for the page that shows it. */
export interface TokenLookup {
  verdict: TokenVerdict;
  purpose?: PasswordTokenPurpose;
  name?: string;
  email?: string;
}

/**
 * Passwords, apart from sessions so that another way in (single sign-on) can come later beside them: invitations,
 * forgotten passwords and changes. Tokens mailed are 256-bit, single-use, kept as SHA-256 only, and expire. Their
 * mail is owed, not sent, here: the token's row and a PasswordLinkIssued event commit together, and the worker
 * mails it (SendPasswordMail) as it does every other mail, so an api killed after the commit loses no invitation
 * and no reset. Setting a password by a token ends every session of the account; changing it ends all but the one
 * that changed it. Either revokes every API token of the account.
 */
@Injectable()
export class Passwords implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Passwords');
  private readonly afterTheAnswer: AfterTheAnswer;
  private readonly resetRequests: ResetRequests;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AttemptThrottle) private readonly throttle: AttemptThrottle,
    @Inject(EventStore) private readonly store: EventStore,
  ) {
    this.afterTheAnswer = new AfterTheAnswer(dataSource, this.logger);
    this.resetRequests = new ResetRequests(dataSource, store, config.tokenPepper);
  }

  /**
   * A new account with no password yet, and the invitation to choose one owed in the same transaction (in a
   * request's own, under an Idempotency-Key): the worker mails it once that has committed.
   */
  async invite(input: {
    partnershipId: string;
    email: string;
    name: string;
    role: StaffRole;
    themeIds?: string[];
  }): Promise<{ staffId: string }> {
    if (!STAFF_ROLES.includes(input.role))
      throw new DomainError('invalid-role', 'Choose a role', 'unprocessable', 'role');
    const staffId = randomUUID();
    try {
      await transactionally(this.dataSource, async (m) => {
        await m
          .createQueryBuilder()
          .insert()
          .into(StaffAccount)
          .values({
            staffId,
            partnershipId: input.partnershipId,
            email: () => 'lower(:email)',
            name: input.name,
            role: input.role,
            passwordHash: NO_PASSWORD_YET,
            themeIds: input.role === 'reviewer' ? [...new Set(input.themeIds ?? [])] : [],
          })
          .setParameter('email', input.email)
          .execute();
        return this.issue(m, staffId, 'invite');
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new DomainError(
          'email-taken',
          'Your partnership already has an account with that email',
          'conflict',
          'email',
        );
      throw error;
    }
    return { staffId };
  }

  /**
   * A forgotten password: mails a reset link to every enabled account of that email. The caller says the same
   * thing whether or not there was one; only the throttle (counted for any email) can refuse.
   */
  async requestReset(email: string, address: string): Promise<void> {
    const attempt = await this.throttle.begin(resetRequestRules(email, address));
    // Every request counts against the limits, known email or not.
    await this.throttle.settle(attempt, true);
    // Owed before the answer, by the same single insert whatever the email: an api killed once it has answered
    // leaves the row, and a worker issues it (ResetRequestSweep). In a request's own transaction (Idempotency-Key,
    // someone signed in) it commits with it, so a retry after a rollback owes one link, not two.
    const requestId = await this.resetRequests.record(email);
    // Issued after the answer: making a token and mailing it took 130 ms more for an email with an account, so the
    // time of the answer told which emails are staff. Whatever the token's writes cost, the answer does not wait.
    if (heldForTest()) return;
    this.afterTheAnswer.start('reset not issued', () =>
      this.resetRequests.issue(requestId, this.clock.now()),
    );
  }

  /** Resets still being issued finish before the api stops (the database is closed after this). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.afterTheAnswer.finished();
  }

  /** What a token can do now, for the set-password page; wrong tokens count against the address. */
  async lookUp(token: string, address: string): Promise<TokenLookup> {
    const attempt = await this.throttle.begin([passwordTokenRule(address)]);
    let found: TokenLookup = { verdict: 'unknown' };
    try {
      found = await this.find(this.dataSource.manager, token);
      return found;
    } finally {
      await this.throttle.settle(attempt, found.verdict === 'unknown');
    }
  }

  /** Sets the password with a mailed token, once: the token is spent and every session of the account ends. */
  async setWithToken(token: string, password: string): Promise<{ email: string }> {
    return transactionally(this.dataSource, async (m) => {
      const found = await this.find(m, token, true);
      if (found.verdict !== 'usable')
        throw new DomainError(
          `token-${found.verdict}`,
          'This link no longer works',
          'unprocessable',
          'token',
        );
      const problem = passwordProblem(password, found);
      if (problem) throw new DomainError('password-rule', problem, 'unprocessable', 'password');
      const row = await m.findOneByOrFail(PasswordToken, { tokenHash: sha256(token) });
      const now = this.clock.now();
      await m.update(StaffAccount, { staffId: row.staffId }, { passwordHash: await this.hash(password) });
      // Spent, with every other unspent token of the account: the newest password is the only way in.
      await m.update(PasswordToken, { staffId: row.staffId, usedAt: IsNull() }, { usedAt: now });
      await m.delete(Session, { staffId: row.staffId });
      // A reset is how a stolen password is taken back: a token the thief made with it must go too.
      await revokeAccountTokens(m, row.staffId, now);
      return { email: found.email! };
    });
  }

  /**
   * A signed-in staff member changes their password: the current one must be right (throttled as sign-in is),
   * and every other session of the account ends; the one that changed it stays signed in.
   */
  async change(actor: Actor, current: string, next: string, keepSessionId?: string): Promise<void> {
    const account = await this.dataSource
      .createQueryBuilder(StaffAccount, 'account')
      .addSelect('account.passwordHash')
      .where('lower(account.email) = lower(:email)', { email: actor.id })
      .andWhere('account.partnershipId = :partnershipId', { partnershipId: actor.partnershipId })
      .andWhere('account.disabledAt IS NULL')
      .getOne();
    if (!account) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    const rule = signInAccountRule(account.email);
    const attempt = await this.throttle.begin([rule]);
    let failed = true;
    try {
      failed = !(await argon2.verify(account.passwordHash, current).catch(() => false));
    } finally {
      await this.throttle.settle(attempt, failed, failed ? [] : [rule]);
    }
    if (failed)
      throw new DomainError(
        'current-password-wrong',
        'Your current password is not right',
        'unprocessable',
        'current',
      );
    const problem = passwordProblem(next, account);
    if (problem) throw new DomainError('password-rule', problem, 'unprocessable', 'password');
    await transactionally(this.dataSource, async (m) => {
      await m.update(StaffAccount, { staffId: account.staffId }, { passwordHash: await this.hash(next) });
      await m.delete(Session, {
        staffId: account.staffId,
        ...(keepSessionId ? { sessionHash: Not(sha256(keepSessionId)) } : {}),
      });
      // As with the sessions: whoever knew the old password may have made a token with it.
      await revokeAccountTokens(m, account.staffId, this.clock.now());
    });
  }

  private async find(m: EntityManager, token: string, lock = false): Promise<TokenLookup> {
    const query = m
      .createQueryBuilder(PasswordToken, 'token')
      .innerJoinAndSelect('token.staff', 'account')
      .where('token.tokenHash = :hash', { hash: sha256(token) });
    if (lock) query.setLock('pessimistic_write', undefined, ['token']);
    const row = await query.getOne();
    const verdict = judgeToken(
      row
        ? {
            purpose: row.purpose,
            expiresAt: row.expiresAt,
            usedAt: row.usedAt,
            accountDisabled: row.staff!.disabledAt !== null,
          }
        : null,
      this.clock.now(),
    );
    return row && verdict !== 'unknown'
      ? { verdict, purpose: row.purpose, name: row.staff!.name, email: row.staff!.email }
      : { verdict };
  }

  private issue(m: EntityManager, staffId: string, purpose: PasswordTokenPurpose): Promise<void> {
    return issuePasswordLink(m, this.store, this.config.tokenPepper, this.clock.now(), staffId, purpose);
  }

  private hash(password: string): Promise<string> {
    return hashPassword(password, passwordHashCost(this.config));
  }
}
