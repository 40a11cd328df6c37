import { Inject, Injectable, Optional } from '@nestjs/common';
import argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, Actor, DomainError, newSecret, sha256 } from '../../kernel/src/index.js';
import { commandTransactionOn, ERASED, transactionally } from '../../event-store/src/index.js';
import { preparedQuery } from '../../database/src/index.js';
import { Session } from './sessions/session.entity.js';
import { StaffAccount } from './staff/staff-account.entity.js';
import { ApiToken } from './tokens/api-token.entity.js';
import { revokeAccountTokens } from './tokens/revoke-account-tokens.js';
import { STAFF_ROLES, StaffRole } from './staff/staff-role.js';
import { passwordProblem } from './passwords/password-rules.js';
import { hashPassword, PasswordHashCost, passwordHashCost } from './passwords/password-hashing.js';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';

export { STAFF_ROLES, type StaffRole };

export const STAFF_SESSION_HOURS = 12;
export const LINK_SESSION_HOURS = 4;

interface SessionRow {
  actor_id: string;
  role: Actor['role'];
  partnership_id: string;
  agency_id: string | null;
  cycle_id: string | null;
  link_id: string | null;
}

export interface LinkSessionGrant {
  linkId: string;
  partnershipId: string;
  /** Null only for sessions made directly by tests or tools, not through a link. */
  cycleId: string | null;
  agencyId: string;
  contactEmail: string;
}

/**
 * Staff accounts (argon2id passwords), sessions for pages and link holders, and bearer tokens for API clients.
 * Session ids and tokens are 256-bit secrets handed out once; only their SHA-256 is kept. Row-by-row work goes
 * through the entities; the two lookups every request makes (session, bearer) stay prepared raw SQL.
 */

const FOREIGN_KEY_VIOLATION = '23503';
/** What a session is refused with when what it would belong to was deleted meanwhile. */
export const SESSION_HOLDER_GONE = 'session-holder-gone';
@Injectable()
export class AuthService {
  /** Verified when an email is unknown, so a wrong email costs as long as a wrong password. */
  private decoyHash: Promise<string> | null = null;

  private readonly hashCost: PasswordHashCost;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    /** Absent where a script makes the service itself: the production cost. */
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.hashCost = passwordHashCost(config);
  }

  async createStaff(input: {
    partnershipId: string;
    email: string;
    name: string;
    role: StaffRole;
    password: string;
    /** The themes a reviewer looks after; none means every theme. Submissions are announced by theme. */
    themeIds?: string[];
  }): Promise<{ staffId: string }> {
    if (!STAFF_ROLES.includes(input.role)) {
      throw new DomainError(
        'invalid-role',
        `role must be one of ${STAFF_ROLES.join(', ')}`,
        'unprocessable',
        'role',
      );
    }
    const problem = passwordProblem(input.password, input);
    if (problem) throw new DomainError('password-rule', problem, 'unprocessable', 'password');
    const staffId = randomUUID();
    const hash = await hashPassword(input.password, this.hashCost);
    try {
      await transactionally(this.dataSource, (m) =>
        m
          .createQueryBuilder()
          .insert()
          .into(StaffAccount)
          .values({
            staffId,
            partnershipId: input.partnershipId,
            // PostgreSQL's lower(), the one every lookup by email and both email indexes use.
            email: () => 'lower(:email)',
            name: input.name,
            role: input.role,
            passwordHash: hash,
            themeIds: input.themeIds ?? [],
          })
          .setParameter('email', input.email)
          .execute(),
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new DomainError(
          'email-taken',
          'Your partnership already has an account with that email',
          'conflict',
          'email',
        );
      }
      throw error;
    }
    return { staffId };
  }

  /** Which themes a reviewer looks after (none: every theme). */
  /** Whether the partnership has a staff account of this email (enabled or not). */
  async hasStaff(partnershipId: string, email: string): Promise<boolean> {
    return this.dataSource
      .getRepository(StaffAccount)
      .createQueryBuilder('account')
      .where('account.partnershipId = :partnershipId AND lower(account.email) = lower(:email)', {
        partnershipId,
        email,
      })
      .getExists();
  }

  /** Whether the partnership still has this staff account (enabled or not): forgetting a person deletes theirs. */
  async hasAccount(partnershipId: string, staffId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(StaffAccount)
      .createQueryBuilder('account')
      .where('account.partnershipId = :partnershipId AND account.staffId = :staffId', {
        partnershipId,
        staffId,
      })
      .getExists();
  }

  async assignThemes(partnershipId: string, email: string, themeIds: string[]): Promise<boolean> {
    const { affected } = await this.dataSource
      .createQueryBuilder()
      .update(StaffAccount)
      .set({ themeIds: [...new Set(themeIds)] })
      .where('partnership_id = :partnershipId AND lower(email) = lower(:email)', { partnershipId, email })
      .execute();
    return (affected ?? 0) > 0;
  }

  /**
   * A new session on every sign-in (never reusing one a browser already had), or null. One email may have an
   * account in several partnerships (emails are unique per partnership): the password picks the account, and
   * when it opens more than one the caller must say which partnership (409 partnership-required, naming only
   * the partnerships whose account that password opens).
   */
  async signIn(
    email: string,
    password: string,
    partnershipId?: string,
  ): Promise<{ sessionId: string; actor: Actor } | null> {
    const rows = await this.enabledAccounts(this.dataSource, email, partnershipId)
      .select(['account.staffId', 'account.partnershipId', 'account.email', 'account.role'])
      // The only read of a password hash: it is not selected unless named.
      .addSelect('account.passwordHash')
      .orderBy('account.partnershipId')
      .getMany();
    this.decoyHash ??= hashPassword(newSecret(), this.hashCost);
    const hashes = rows.length > 0 ? rows.map((r) => r.passwordHash) : [await this.decoyHash];
    // Side by side: an email with two accounts costs about the time of one on a machine with two cores.
    const valid = await Promise.all(hashes.map((hash) => argon2.verify(hash, password).catch(() => false)));
    const opened = rows.filter((_, i) => valid[i]);
    if (opened.length === 0) return null;
    if (opened.length > 1) {
      throw new DomainError(
        'partnership-required',
        'That email and password open accounts in more than one partnership: say which one',
        'conflict',
        'partnershipId',
        { partnerships: opened.map((a) => a.partnershipId) },
      );
    }
    const account = opened[0];
    const actor: Actor = { id: account.email, role: account.role, partnershipId: account.partnershipId };
    let sessionId: string;
    try {
      sessionId = await this.createSession(
        { kind: 'staff', staffId: account.staffId, actor },
        STAFF_SESSION_HOURS,
      );
    } catch (error) {
      // Forgotten while its password was being checked: the account is no more, as if it had never matched.
      if (error instanceof DomainError && error.code === SESSION_HOLDER_GONE) return null;
      throw error;
    }
    return { sessionId, actor };
  }

  /**
   * Disables a staff account of the partnership and, in the same transaction, ends its sessions and revokes
   * its tokens, so nothing it held works a moment longer. Null when the partnership has no such account.
   */
  async disableStaff(
    partnershipId: string,
    email: string,
  ): Promise<{ disabledAt: Date; sessionsEnded: number; tokensRevoked: number } | null> {
    const now = this.clock.now();
    return transactionally(this.dataSource, async (m) => {
      // An account disabled before keeps the instant it was first disabled.
      const disabled = await m
        .createQueryBuilder()
        .update(StaffAccount)
        .set({ disabledAt: () => 'coalesce(disabled_at, :now)' })
        .where('partnership_id = :partnershipId AND lower(email) = lower(:email)', { partnershipId, email })
        .setParameter('now', now)
        .returning(['staffId', 'disabledAt'])
        .execute();
      const accounts = disabled.raw as { staff_id: string; disabled_at: Date }[];
      if (accounts.length === 0) return null;
      const [{ staff_id: staffId, disabled_at: disabledAt }] = accounts;
      const sessions = await m.delete(Session, { staffId });
      const tokensRevoked = await revokeAccountTokens(m, staffId, now);
      return { disabledAt, sessionsEnded: sessions.affected ?? 0, tokensRevoked };
    });
  }

  /**
   * The account of a person the partnership's identity provider vouched for and the mapping gave a role: the one
   * their first sign-in was linked to, else the one of their email in the partnership, else a new one (with an
   * unguessable password nobody knows: a password is set, if ever, through "Forgotten your password?"). A
   * disabled account is answered as such, never re-enabled. The mapping decides the role at every sign-in, so
   * a person moved to another group at the provider gets the new role next time. Joins the command's
   * transaction when there is one, so the account and the event that links it commit together.
   */
  async accountFromProvider(input: {
    partnershipId: string;
    linkedStaffId: string | null;
    email: string;
    name: string;
    role: StaffRole;
  }): Promise<{ outcome: 'found' | 'created'; staffId: string; actor: Actor } | { outcome: 'disabled' }> {
    const unusablePassword = await hashPassword(newSecret(), this.hashCost);
    return transactionally(this.dataSource, async (m) => {
      const query = m
        .createQueryBuilder(StaffAccount, 'account')
        .where('account.partnershipId = :partnershipId', { partnershipId: input.partnershipId })
        .setLock('pessimistic_write');
      if (input.linkedStaffId) query.andWhere('account.staffId = :staffId', { staffId: input.linkedStaffId });
      else query.andWhere('lower(account.email) = lower(:email)', { email: input.email });
      const found = await query.getOne();
      if (found?.disabledAt) return { outcome: 'disabled' as const };
      const actorOf = (email: string): Actor => ({
        id: email,
        role: input.role,
        partnershipId: input.partnershipId,
      });
      if (found) {
        if (found.role !== input.role)
          await m.update(StaffAccount, { staffId: found.staffId }, { role: input.role });
        return { outcome: 'found' as const, staffId: found.staffId, actor: actorOf(found.email) };
      }
      const staffId = randomUUID();
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(StaffAccount)
        .values({
          staffId,
          partnershipId: input.partnershipId,
          email: () => 'lower(:email)',
          name: input.name,
          role: input.role,
          passwordHash: unusablePassword,
          themeIds: [],
        })
        .setParameter('email', input.email)
        .returning(['email'])
        .execute();
      const [{ email }] = inserted.raw as { email: string }[];
      return { outcome: 'created' as const, staffId, actor: actorOf(email) };
    });
  }

  /** A staff session for an account whose sign-in was proved some other way than a password. */
  openStaffSession(staffId: string, actor: Actor): Promise<string> {
    return this.createSession({ kind: 'staff', staffId, actor }, STAFF_SESSION_HOURS);
  }

  async createLinkSession(grant: LinkSessionGrant): Promise<string> {
    const actor: Actor = {
      id: grant.contactEmail,
      role: 'agency-lead',
      partnershipId: grant.partnershipId,
      agencyId: grant.agencyId,
      ...(grant.cycleId ? { cycleId: grant.cycleId } : {}),
    };
    return this.createSession({ kind: 'link', linkId: grant.linkId, actor }, LINK_SESSION_HOURS);
  }

  async resolveSession(sessionId: string): Promise<Actor | null> {
    const rows = await preparedQuery<SessionRow>(
      this.dataSource,
      'auth_resolve_session',
      // A staff session lasts only while its account is enabled (link sessions have no account), and no session
      // outlives its person being forgotten: forgetting erases their address, the session's actor, to [erased].
      // A staff session acts with the account's role now, not the one it was opened with: a coordinator moved to
      // viewer must not keep a coordinator's powers until the session ends.
      `SELECT s.actor_id, coalesce(a.role, s.role) AS role, s.partnership_id, s.agency_id, s.cycle_id, s.link_id
       FROM sessions s LEFT JOIN staff_accounts a ON a.staff_id = s.staff_id
       WHERE s.session_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL AND s.actor_id <> $3`,
      [sha256(sessionId), this.clock.now(), ERASED],
    );
    return rows[0] ? toActor(rows[0]) : null;
  }

  async endSession(sessionId: string): Promise<void> {
    await this.dataSource.getRepository(Session).delete({ sessionHash: sha256(sessionId) });
  }

  /** A bearer token for the account of that email in that partnership (or its only account, when omitted). */
  async createApiToken(
    staffEmail: string,
    name: string,
    partnershipId?: string,
  ): Promise<{ tokenId: string; token: string }> {
    const token = `pr_${newSecret()}`;
    const tokenId = randomUUID();
    // In the command's transaction when there is one: a retry with the same Idempotency-Key after a crash
    // gets the token of the first request, or makes the only one.
    const inserted = await transactionally(this.dataSource, async (m) => {
      // Exactly one account: an email with accounts in several partnerships must say which.
      const accounts = await this.enabledAccounts(m, staffEmail, partnershipId)
        .select('account.staffId')
        .limit(2)
        .getMany();
      if (accounts.length !== 1) return false;
      await m.insert(ApiToken, { tokenHash: sha256(token), tokenId, staffId: accounts[0].staffId, name });
      return true;
    });
    if (!inserted) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    return { tokenId, token };
  }

  async resolveBearer(token: string): Promise<Actor | null> {
    const rows = await preparedQuery<{ email: string; role: StaffRole; partnership_id: string }>(
      this.dataSource,
      'auth_resolve_bearer',
      // An account whose address was erased is no one's to act as, as a session's is not (resolveSession).
      `SELECT s.email, s.role, s.partnership_id FROM api_tokens t JOIN staff_accounts s USING (staff_id)
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.disabled_at IS NULL AND s.email <> $2`,
      [sha256(token), ERASED],
    );
    return rows[0] ? { id: rows[0].email, role: rows[0].role, partnershipId: rows[0].partnership_id } : null;
  }

  async revokeApiToken(staffEmail: string, tokenId: string, partnershipId?: string): Promise<boolean> {
    // Only a token of the asker's own account, in their own partnership.
    const owners = this.dataSource
      .createQueryBuilder(StaffAccount, 'account')
      .select('account.staffId')
      .where('lower(account.email) = lower(:staffEmail)');
    if (partnershipId !== undefined) owners.andWhere('account.partnershipId = :partnershipId');
    const { affected } = await this.dataSource
      .createQueryBuilder()
      .update(ApiToken)
      .set({ revokedAt: () => 'now()' })
      .where('token_id = :tokenId AND revoked_at IS NULL', { tokenId })
      .andWhere(`staff_id IN (${owners.getQuery()})`, { staffEmail, partnershipId })
      .execute();
    return (affected ?? 0) > 0;
  }

  private async createSession(
    session: { kind: 'staff' | 'link'; staffId?: string; linkId?: string; actor: Actor },
    hours: number,
  ): Promise<string> {
    const sessionId = newSecret();
    const expires = new Date(this.clock.now().getTime() + hours * 3_600_000);
    // In the command's transaction when there is one: a link's session commits with the use that opened it.
    const command = commandTransactionOn(this.dataSource);
    const db = command ? await command.manager() : this.dataSource.manager;
    try {
      await db.insert(Session, {
        sessionHash: sha256(sessionId),
        kind: session.kind,
        staffId: session.staffId ?? null,
        linkId: session.linkId ?? null,
        partnershipId: session.actor.partnershipId,
        agencyId: session.actor.agencyId ?? null,
        cycleId: session.actor.cycleId ?? null,
        actorId: session.actor.id,
        role: session.actor.role,
        expiresAt: expires,
      });
    } catch (error) {
      // The account or link was deleted (a person forgotten) between its check and now: its key no longer exists.
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
        throw new DomainError(SESSION_HOLDER_GONE, 'That account or link no longer exists', 'gone');
      }
      throw error;
    }
    return sessionId;
  }

  /** The enabled accounts of an email (compared as PostgreSQL's lower() does), in one partnership if named. */
  private enabledAccounts(db: DataSource | EntityManager, email: string, partnershipId?: string) {
    const query = db
      .createQueryBuilder(StaffAccount, 'account')
      .where('lower(account.email) = lower(:email)', { email })
      .andWhere('account.disabledAt IS NULL');
    if (partnershipId !== undefined)
      query.andWhere('account.partnershipId = :partnershipId', { partnershipId });
    return query;
  }
}

function toActor(row: SessionRow): Actor {
  return {
    id: row.actor_id,
    role: row.role,
    partnershipId: row.partnership_id,
    ...(row.agency_id ? { agencyId: row.agency_id } : {}),
    ...(row.cycle_id ? { cycleId: row.cycle_id } : {}),
  };
}
