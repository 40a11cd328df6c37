import { Client } from 'pg';
import { addressOf, DEPENDENCY_TIMEOUT_MS, DependencyError } from '../../config/src/index.js';
import { databaseName, withDatabaseName } from './database-url.js';
import { unfinishedRestoreOf } from './unfinished-restore.js';

/**
 * Creates the database named in the URL when it does not exist yet (connecting to `postgres` to do it). A server
 * that cannot be reached, or does not answer within DEPENDENCY_TIMEOUT_MS, is a DependencyError naming
 * DATABASE_URL.
 *
 * With `create: false` (the scripts that look at or work on a deployment that must already be there) a missing
 * database is that DependencyError instead: `log:verify` run with a misspelt name made an empty database, migrated
 * it, and reported that the log "does not verify", a false alarm of tampering, and left the database behind.
 *
 * With `refuseUnfinishedRestore` (the api and the worker) a database a `restore --replace` put in place and was
 * killed before finishing (see UnfinishedRestoreMark) is that DependencyError too, saying to run the restore again.
 *
 * True when this call created it (a restore that fails drops only a database it made).
 */
export async function ensureDatabase(
  databaseUrl: string,
  options: { create?: boolean; refuseUnfinishedRestore?: boolean } = {},
): Promise<boolean> {
  const name = databaseName(databaseUrl);
  if (!name) throw new DependencyError('DATABASE_URL', 'names no database');
  const client = new Client({
    connectionString: withDatabaseName(databaseUrl, 'postgres'),
    connectionTimeoutMillis: DEPENDENCY_TIMEOUT_MS,
  });
  client.on('error', () => undefined); // a connection that drops later fails the query in hand instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(databaseUrl, error);
  }
  try {
    const found = await client.query<{ mark: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
      [name],
    );
    const unfinished = options.refuseUnfinishedRestore
      ? unfinishedRestoreOf(found.rows[0]?.mark ?? null)
      : null;
    if (unfinished) {
      throw new DependencyError(
        'DATABASE_URL',
        `"${name}" at ${addressOf(databaseUrl, 5432)} was put in place by a restore --replace (at ${unfinished.at}) ` +
          'that stopped before it finished: nothing was started; run the same restore again (npm run restore -- ' +
          '--file <the backup> --replace), then start the api and worker',
      );
    }
    if (found.rowCount === 0 && options.create === false) {
      throw new DependencyError(
        'DATABASE_URL',
        `there is no database "${name}" at ${addressOf(databaseUrl, 5432)}: nothing was created (is the name right?)`,
      );
    }
    if (found.rowCount !== 0) return false;
    return await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).then(
      () => true,
      (error: { code?: string }) => {
        // Another process created it between our check and our CREATE: that is what we wanted.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
        return false;
      },
    );
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const client = await adminClient(databaseUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The DependencyError naming DATABASE_URL for a connection to `databaseUrl`'s server that failed. */
export function unreachable(databaseUrl: string, error: unknown): DependencyError {
  return new DependencyError(
    'DATABASE_URL',
    `PostgreSQL at ${addressOf(databaseUrl, 5432)} cannot be reached (${reasonOf(error)})`,
  );
}

/**
 * A connection for the backup, restore and drill tools to `databaseUrl` (or, by default, its server's `postgres`
 * database): one not made within DEPENDENCY_TIMEOUT_MS is the DependencyError of ensureDatabase. They had no
 * timeout, and `npm run backup` or `restore` against a server that takes connections and never answers (stopped,
 * a network gone silent) waited without end.
 */
export async function adminClient(
  databaseUrl: string,
  database: string | null = 'postgres',
): Promise<Client> {
  const client = new Client({
    connectionString: database === null ? databaseUrl : withDatabaseName(databaseUrl, database),
    connectionTimeoutMillis: DEPENDENCY_TIMEOUT_MS,
  });
  client.on('error', () => undefined); // a connection that drops later fails the query in hand instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(databaseUrl, error);
  }
  return client;
}

/** Why a connection failed, in a few words: the code or message, never the connection string. */
function reasonOf(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = (e.message ?? '').replace(/\s+/g, ' ').trim();
  if (/timeout/i.test(message)) return `no answer within ${DEPENDENCY_TIMEOUT_MS / 1000} s`;
  return message || e.code || 'unknown error';
}
