import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseSchema, dataSourceOptions } from './data-source-options.js';
import { ensureDatabase } from './ensure-database.js';
import { MigrationLines } from './migration-lines.js';
import { withQueryTimeout } from './query-timeout.js';
import { schemaBehind, unrunMigrations } from './unrun-migrations.js';

/**
 * Creates the database if missing, connects, and brings the schema up to date. An advisory lock makes the api,
 * the worker and a CLI starting together take turns instead of racing the same migrations.
 *
 * With `queryTimeoutMs` (the api and the worker, see withQueryTimeout) the DataSource returned gives up on a
 * statement that takes longer; the migrations still run on one without it, and the wait for another process's
 * migrations too, since either may take minutes. Without it (the CLI scripts) no statement is cut short.
 *
 * `create: false` refuses a database that does not exist rather than making it (see ensureDatabase).
 *
 * A migration waits for a table's lock at most `migrationLockWaitMs` (5 s) at a time: see migrateBriefly.
 *
 * `migrate: false` (the commands that only read: log:verify, log:digest, processors status) changes nothing: a
 * schema older than this build is refused in one line (schemaBehind) instead of migrated, and a missing database
 * is never created. They used to migrate whatever they were pointed at, production included.
 */
export async function openDatabase(
  databaseUrl: string,
  schema: DatabaseSchema,
  options: {
    queryTimeoutMs?: number;
    create?: boolean;
    migrate?: boolean;
    migrationLockWaitMs?: number;
  } = {},
): Promise<DataSource> {
  if (options.migrate === false) return openUnmigrated(databaseUrl, schema, options.queryTimeoutMs);
  await ensureDatabase(databaseUrl, { create: options.create });
  const lockWaitMs = options.migrationLockWaitMs ?? MIGRATION_LOCK_WAIT_MS;
  // Its own DataSource: its connections' lock_timeout is for migrating only.
  const migrating = dataSourceOptions(databaseUrl, schema);
  const extra = (migrating as { extra?: Record<string, unknown> }).extra;
  const lines = new MigrationLines();
  Object.assign(migrating, {
    extra: { ...extra, options: `-c lock_timeout=${Math.round(lockWaitMs)}` },
    logger: lines,
  });
  await (await migrate(new DataSource(migrating), lockWaitMs, lines)).destroy();
  const serving = new DataSource(
    options.queryTimeoutMs === undefined
      ? dataSourceOptions(databaseUrl, schema)
      : withQueryTimeout(dataSourceOptions(databaseUrl, schema), options.queryTimeoutMs),
  );
  await serving.initialize();
  return serving;
}

/** How long one try of a migration waits for a table's lock before it is rolled back and tried again. */
export const MIGRATION_LOCK_WAIT_MS = 5_000;

const logger = new Logger('Migrations');

async function openUnmigrated(
  databaseUrl: string,
  schema: DatabaseSchema,
  queryTimeoutMs: number | undefined,
): Promise<DataSource> {
  await ensureDatabase(databaseUrl, { create: false });
  const options = dataSourceOptions(databaseUrl, schema);
  const dataSource = new DataSource(
    queryTimeoutMs === undefined ? options : withQueryTimeout(options, queryTimeoutMs),
  );
  await dataSource.initialize();
  try {
    const unrun = await unrunMigrations(dataSource);
    if (unrun.length > 0) throw schemaBehind(databaseUrl, unrun, dataSource.migrations.length);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function migrate(
  dataSource: DataSource,
  lockWaitMs: number,
  lines: MigrationLines,
): Promise<DataSource> {
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    // Another process's migrations may take minutes: this wait has no limit.
    await runner.query(`SET lock_timeout = 0`);
    await runner.query(`SELECT pg_advisory_lock(hashtextextended('partner-returns:migrations', 0))`);
    await migrateBriefly(dataSource, runner, lockWaitMs, lines);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  } finally {
    await runner
      .query(`SELECT pg_advisory_unlock(hashtextextended('partner-returns:migrations', 0))`)
      .catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}

/**
 * Runs the migrations, each waiting for its locks at most `lockWaitMs`, then rolled back and tried again after as
 * long, for as long as it takes, saying each time which transaction it waits behind. A migration that alters a
 * table queues for its lock, and every statement on that table after it queues behind it: waiting on a long
 * transaction (a BI query, a release still running), it stalled the service running beside it for as long, with
 * nothing said. Each migration is one transaction, so a try given up leaves nothing half done. Such a try is said in
 * one warning, without TypeORM's "Migration … failed" line (see MigrationLines); any other failure says it.
 */
async function migrateBriefly(
  dataSource: DataSource,
  runner: { query(sql: string): Promise<unknown> },
  lockWaitMs: number,
  lines: MigrationLines,
): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      return;
    } catch (error) {
      if (!waitedTooLongForLock(error)) {
        lines.sayHeld();
        throw error;
      }
      lines.dropHeld();
      const [oldest] = (await runner.query(
        `SELECT pid, coalesce(nullif(application_name, ''), usename) AS who, state,
                round(extract(epoch FROM now() - xact_start))::int AS seconds
           FROM pg_stat_activity
          WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
          ORDER BY xact_start LIMIT 1`,
      )) as { pid: number; who: string; state: string; seconds: number }[];
      logger.warn(
        `a migration waited ${lockWaitMs} ms for a table's lock and was rolled back (try ${tries}); ` +
          (oldest
            ? `the oldest open transaction here is pid ${oldest.pid} (${oldest.who}, ${oldest.state}, ${oldest.seconds} s): `
            : '') +
          `trying again in ${lockWaitMs} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, lockWaitMs));
    }
  }
}

/** 55P03 lock_not_available: lock_timeout ran out. */
function waitedTooLongForLock(error: unknown): boolean {
  const driver = (error as { driverError?: unknown })?.driverError ?? error;
  return (driver as { code?: unknown })?.code === '55P03';
}
