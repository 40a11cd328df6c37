import { Inject, Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, Actor, DomainError, newSecret, sha256 } from '../../kernel/src/index.js';
import { transactionally } from '../../event-store/src/index.js';
import { preparedQuery } from '../../database/src/index.js';
import { STAFF_ROLES, StaffRole } from './staff/staff-role.js';

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
 * Session ids and tokens are 256-bit secrets handed out once; only their SHA-256 is kept.
 */
@Injectable()
export class AuthService {
  /** Verified when an email is unknown, so a wrong email costs as long as a wrong password. */
  private decoyHash: Promise<string> | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

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
    if (input.password.length < 12) {
      throw new DomainError(
        'password-too-short',
        'A password must be at least 12 characters',
        'unprocessable',
        'password',
      );
    }
    const staffId = randomUUID();
    const hash = await argon2.hash(input.password, { type: argon2.argon2id });
    try {
      await transactionally(this.dataSource, (m) =>
        m.query(
          `INSERT INTO staff_accounts (staff_id, partnership_id, email, name, role, password_hash, theme_ids)
         VALUES ($1, $2, lower($3), $4, $5, $6, $7)`,
          [staffId, input.partnershipId, input.email, input.name, input.role, hash, input.themeIds ?? []],
        ),
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
  async assignThemes(partnershipId: string, email: string, themeIds: string[]): Promise<boolean> {
    // As a SELECT over the UPDATE: TypeORM answers a bare UPDATE with [rows, count], never an empty list.
    const rows: unknown[] = await this.dataSource.query(
      `WITH updated AS (
         UPDATE staff_accounts SET theme_ids = $3 WHERE partnership_id = $1 AND lower(email) = lower($2)
         RETURNING staff_id
       ) SELECT staff_id FROM updated`,
      [partnershipId, email, [...new Set(themeIds)]],
    );
    return rows.length > 0;
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
    const rows: {
      staff_id: string;
      partnership_id: string;
      email: string;
      role: StaffRole;
      password_hash: string;
    }[] = await this.dataSource.query(
      `SELECT staff_id, partnership_id, email, role, password_hash FROM staff_accounts
         WHERE lower(email) = lower($1) AND disabled_at IS NULL AND ($2::text IS NULL OR partnership_id = $2)
         ORDER BY partnership_id`,
      [email, partnershipId ?? null],
    );
    this.decoyHash ??= argon2.hash(newSecret(), { type: argon2.argon2id });
    const hashes = rows.length > 0 ? rows.map((r) => r.password_hash) : [await this.decoyHash];
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
        { partnerships: opened.map((a) => a.partnership_id) },
      );
    }
    const account = opened[0];
    const actor: Actor = { id: account.email, role: account.role, partnershipId: account.partnership_id };
    const sessionId = await this.createSession(
      { kind: 'staff', staffId: account.staff_id, actor },
      STAFF_SESSION_HOURS,
    );
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
      const accounts: { staff_id: string; disabled_at: Date }[] = await m.query(
        `WITH disabled AS (
           UPDATE staff_accounts SET disabled_at = coalesce(disabled_at, $3)
           WHERE partnership_id = $1 AND lower(email) = lower($2)
           RETURNING staff_id, disabled_at
         ) SELECT staff_id, disabled_at FROM disabled`,
        [partnershipId, email, now],
      );
      if (accounts.length === 0) return null;
      const [{ staff_id: staffId, disabled_at: disabledAt }] = accounts;
      const sessions: unknown[] = await m.query(
        `WITH ended AS (DELETE FROM sessions WHERE staff_id = $1 RETURNING 1) SELECT 1 FROM ended`,
        [staffId],
      );
      const tokens: unknown[] = await m.query(
        `WITH revoked AS (
           UPDATE api_tokens SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL RETURNING 1
         ) SELECT 1 FROM revoked`,
        [staffId, now],
      );
      return { disabledAt, sessionsEnded: sessions.length, tokensRevoked: tokens.length };
    });
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
      // A staff session lasts only while its account is enabled (link sessions have no account).
      `SELECT s.actor_id, s.role, s.partnership_id, s.agency_id, s.cycle_id, s.link_id
       FROM sessions s LEFT JOIN staff_accounts a ON a.staff_id = s.staff_id
       WHERE s.session_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL`,
      [sha256(sessionId), this.clock.now()],
    );
    return rows[0] ? toActor(rows[0]) : null;
  }

  async endSession(sessionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM sessions WHERE session_hash = $1`, [sha256(sessionId)]);
  }

  /** Ends every session opened with a link, when the link is revoked. */
  async endLinkSessions(linkId: string): Promise<void> {
    await transactionally(this.dataSource, (m) =>
      m.query(`DELETE FROM sessions WHERE link_id = $1`, [linkId]),
    );
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
    const inserted: unknown[] = await transactionally(this.dataSource, (m) =>
      m.query(
        `WITH account AS (
           SELECT staff_id FROM staff_accounts
           WHERE lower(email) = lower($4) AND disabled_at IS NULL AND ($5::text IS NULL OR partnership_id = $5)
         )
         INSERT INTO api_tokens (token_hash, token_id, staff_id, name)
         SELECT $1, $2, staff_id, $3 FROM account WHERE (SELECT count(*) FROM account) = 1
         RETURNING token_id`,
        [sha256(token), tokenId, name, staffEmail, partnershipId ?? null],
      ),
    );
    if (inserted.length === 0) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    return { tokenId, token };
  }

  async resolveBearer(token: string): Promise<Actor | null> {
    const rows = await preparedQuery<{ email: string; role: StaffRole; partnership_id: string }>(
      this.dataSource,
      'auth_resolve_bearer',
      `SELECT s.email, s.role, s.partnership_id FROM api_tokens t JOIN staff_accounts s USING (staff_id)
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.disabled_at IS NULL`,
      [sha256(token)],
    );
    return rows[0] ? { id: rows[0].email, role: rows[0].role, partnershipId: rows[0].partnership_id } : null;
  }

  async revokeApiToken(staffEmail: string, tokenId: string, partnershipId?: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH revoked AS (UPDATE api_tokens t SET revoked_at = now() FROM staff_accounts s
         WHERE t.staff_id = s.staff_id AND lower(s.email) = lower($1) AND t.token_id = $2 AND t.revoked_at IS NULL
           AND ($3::text IS NULL OR s.partnership_id = $3)
         RETURNING t.token_id) SELECT token_id FROM revoked`,
      [staffEmail, tokenId, partnershipId ?? null],
    );
    return rows.length > 0;
  }

  private async createSession(
    session: { kind: 'staff' | 'link'; staffId?: string; linkId?: string; actor: Actor },
    hours: number,
  ): Promise<string> {
    const sessionId = newSecret();
    const expires = new Date(this.clock.now().getTime() + hours * 3_600_000);
    await this.dataSource.query(
      `INSERT INTO sessions (session_hash, kind, staff_id, link_id, partnership_id, agency_id, cycle_id, actor_id, role, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        sha256(sessionId),
        session.kind,
        session.staffId ?? null,
        session.linkId ?? null,
        session.actor.partnershipId,
        session.actor.agencyId ?? null,
        session.actor.cycleId ?? null,
        session.actor.id,
        session.actor.role,
        expires,
      ],
    );
    return sessionId;
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
