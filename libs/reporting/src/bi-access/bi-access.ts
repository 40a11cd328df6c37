import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { commandTransactionOn, transactionally } from '../../../event-store/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { biRoleName, newBiPassword, scramVerifier } from './bi-role.js';

/** The views a BI role reads, in schema `bi` (see the BiViews migration and the README's BI feed). */
export const BI_VIEWS = ['cycles', 'returns', 'ratings', 'agencies', 'measures', 'plan_measures'] as const;

/** PostgreSQL's insufficient_privilege: the service's own database user may not manage roles. */
const INSUFFICIENT_PRIVILEGE = '42501';

export interface BiAccessView {
  partnershipId: string;
  role: string;
  database: string;
  schema: 'bi';
  views: readonly string[];
  version: number;
  createdAt: string;
  createdBy: string;
  rotatedAt: string;
  rotatedBy: string;
}

interface AccessRow {
  partnership_id: string;
  role_name: string;
  created_at: Date;
  created_by: string;
  rotated_at: Date;
  rotated_by: string;
  version: number;
}

/**
 * A partnership's read-only PostgreSQL role for BI tools: created, or given a new password, by its coordinator;
 * the password is returned once and kept nowhere (the server holds only its SCRAM verifier). The role may connect,
 * read the views of schema `bi`, which show its partnership's rows only, and nothing else. This is outside the
 * event log on purpose: a role is server state, not a fact about returns, and the audit (who, when) is kept in
 * bi_access beside it.
 */
@Injectable()
export class BiAccess {
  private readonly logger = new Logger('BiAccess');

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async status(partnershipId: string): Promise<BiAccessView> {
    const [{ db }] = await this.dataSource.query<{ db: string }[]>(`SELECT current_database() AS db`);
    const [row] = await this.dataSource.query<AccessRow[]>(
      `SELECT * FROM bi_access WHERE partnership_id = $1`,
      [partnershipId],
    );
    if (!row) throw noAccess();
    return viewOf(row, db);
  }

  /** Creates the role, or rotates its password; `expectedVersion` is the If-Match a caller read. */
  async grant(
    actor: Actor,
    now: Date,
    expectedVersion?: number,
  ): Promise<BiAccessView & { password: string }> {
    const password = newBiPassword();
    const granted = await this.privileged(() =>
      transactionally(this.dataSource, async (m) => {
        const db = await currentDatabase(m);
        const role = biRoleName(actor.partnershipId, db);
        await oneAtATime(m);
        const [row] = await m.query<AccessRow[]>(`SELECT * FROM bi_access WHERE partnership_id = $1`, [
          actor.partnershipId,
        ]);
        const version = row?.version ?? 0;
        if (expectedVersion !== undefined && expectedVersion !== version) throw stale(version);
        await setUpRole(m, role, db, password);
        const [saved] = await m.query<AccessRow[]>(
          `INSERT INTO bi_access (partnership_id, role_name, created_at, created_by, rotated_at, rotated_by, version)
           VALUES ($1, $2, $3, $4, $3, $4, 1)
           ON CONFLICT (partnership_id) DO UPDATE SET role_name = EXCLUDED.role_name,
             rotated_at = EXCLUDED.rotated_at, rotated_by = EXCLUDED.rotated_by, version = bi_access.version + 1
           RETURNING *`,
          [actor.partnershipId, role, now, actor.id],
        );
        return viewOf(saved, db);
      }),
    );
    // The old password's sessions end with it, where the server lets this user end them.
    await this.endSessions(granted.role);
    return { ...granted, password };
  }

  /** Drops the role and its record; the partnership's BI tools can no longer connect. */
  async revoke(partnershipId: string, expectedVersion?: number): Promise<void> {
    const role = await this.privileged(() =>
      transactionally(this.dataSource, async (m) => {
        await oneAtATime(m);
        const [row] = await m.query<AccessRow[]>(`SELECT * FROM bi_access WHERE partnership_id = $1`, [
          partnershipId,
        ]);
        if (!row) throw noAccess();
        if (expectedVersion !== undefined && expectedVersion !== row.version) throw stale(row.version);
        await m.query(`DELETE FROM bi_access WHERE partnership_id = $1`, [partnershipId]);
        const [exists] = await m.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [row.role_name]);
        if (exists) await dropRole(m, row.role_name, await currentDatabase(m));
        return row.role_name;
      }),
    );
    await this.endSessions(role);
  }

  private async privileged<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      throw new ServiceUnavailableException({
        type: 'https://partner-returns.dev/problems/bi-roles-unavailable',
        title: 'BI roles cannot be managed on this database server',
        status: 503,
        detail:
          "The service's database user may not create or change roles. Give it CREATEROLE " +
          '(`ALTER ROLE <user> CREATEROLE`), or create the role by hand as the README\'s "BI feed" describes.',
      });
    }
  }

  /**
   * Under an Idempotency-Key the change commits with the request, which holds its transaction's connection until
   * then: the sessions are ended on that connection, under a savepoint (a refusal leaves the change standing). On
   * a second one from the pool, with the api's others all held the same way, the rotation waited the pool's 10 s.
   */
  private async endSessions(role: string): Promise<void> {
    const command = commandTransactionOn(this.dataSource);
    const held = command?.begun ? await command.manager() : null;
    try {
      await held?.query('SAVEPOINT bi_end_sessions');
      await (held ?? this.dataSource).query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`,
        [role],
      );
      await held?.query('RELEASE SAVEPOINT bi_end_sessions');
    } catch (error) {
      await held?.query('ROLLBACK TO SAVEPOINT bi_end_sessions').catch(() => undefined);
      this.logger.warn(
        `open sessions of ${role} were left to end by themselves: ${(error as Error).message}`,
      );
    }
  }
}

/**
 * Role changes wait for each other, across partnerships too: two GRANTs on one view at once can fail with
 * "tuple concurrently updated", and a rotation racing a drop would alter a role that is going. They are rare.
 */
async function oneAtATime(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('partner-returns:bi-access'))`);
}

async function currentDatabase(m: EntityManager): Promise<string> {
  const [{ db }] = await m.query<{ db: string }[]>(`SELECT current_database() AS db`);
  return db;
}

/**
 * The role's whole set-up, applied again on every rotation so a role changed by hand comes back to it: log in
 * with the new password, nothing but reading (read-only transactions as a second guard, a statement timeout so a
 * runaway refresh cannot hold the database), and SELECT on the `bi` views, now and on any view a later
 * migration adds there. Identifiers are quoted by pg's escapeIdentifier and the verifier by escapeLiteral: DDL
 * takes no parameters.
 */
async function setUpRole(m: EntityManager, role: string, db: string, password: string): Promise<void> {
  const quoted = escapeIdentifier(role);
  const verifier = escapeLiteral(scramVerifier(password));
  const [exists] = await m.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
  const limits = `LOGIN NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION CONNECTION LIMIT 10 PASSWORD ${verifier}`;
  await m.query(exists ? `ALTER ROLE ${quoted} ${limits}` : `CREATE ROLE ${quoted} ${limits}`);
  await m.query(`ALTER ROLE ${quoted} SET default_transaction_read_only = on`);
  await m.query(`ALTER ROLE ${quoted} SET statement_timeout = '60s'`);
  await m.query(`ALTER ROLE ${quoted} SET search_path = bi`);
  await m.query(`GRANT CONNECT ON DATABASE ${escapeIdentifier(db)} TO ${quoted}`);
  await m.query(`GRANT USAGE ON SCHEMA bi TO ${quoted}`);
  await m.query(`GRANT SELECT ON ALL TABLES IN SCHEMA bi TO ${quoted}`);
  await m.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA bi GRANT SELECT ON TABLES TO ${quoted}`);
}

/**
 * Each grant taken back by name before the role goes: DROP OWNED BY would do it at once, but needs the rights of
 * the role itself, which a CREATEROLE user (not a superuser) does not hold.
 */
async function dropRole(m: EntityManager, role: string, db: string): Promise<void> {
  const quoted = escapeIdentifier(role);
  await m.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA bi REVOKE SELECT ON TABLES FROM ${quoted}`);
  await m.query(`REVOKE ALL ON ALL TABLES IN SCHEMA bi FROM ${quoted}`);
  await m.query(`REVOKE ALL ON SCHEMA bi FROM ${quoted}`);
  await m.query(`REVOKE ALL ON DATABASE ${escapeIdentifier(db)} FROM ${quoted}`);
  await m.query(`DROP ROLE ${quoted}`);
}

function viewOf(row: AccessRow, database: string): BiAccessView {
  return {
    partnershipId: row.partnership_id,
    role: row.role_name,
    database,
    schema: 'bi',
    views: BI_VIEWS.map((v) => `bi.${v}`),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    rotatedAt: row.rotated_at.toISOString(),
    rotatedBy: row.rotated_by,
  };
}

function stale(version: number): DomainError {
  return new DomainError(
    'stale-bi-access',
    `The BI access changed since you read it (now version ${version})`,
    'conflict',
    'If-Match',
  );
}

function noAccess(): DomainError {
  return new DomainError(
    'bi-access-not-found',
    'The partnership has no BI access yet: POST /partnership/bi-access creates it',
    'not-found',
  );
}
