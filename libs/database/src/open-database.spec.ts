import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { NoAnswerInTime, within } from '../../kernel/src/index.js';
import { dropDatabase } from './ensure-database.js';
import { openDatabase } from './open-database.js';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

class MakeTable1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE measures (ref text)`);
  }
  async down(): Promise<void> {}
}

class AlterTable1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE measures ADD COLUMN rag text`);
  }
  async down(): Promise<void> {}
}

/** What the work gave, or 'still waiting' if it had not finished within `ms`. */
const orStillWaiting = <T>(ms: number, work: Promise<T>) =>
  within(ms, () => work).catch((error: unknown) => {
    if (error instanceof NoAnswerInTime) return 'still waiting' as const;
    throw error;
  });

describe('openDatabase: a migration that waits for a lock does not stall the service beside it', () => {
  const url = new URL(SERVER_URL);
  url.pathname = `/pr_migration_lock_${randomBytes(4).toString('hex')}`;
  const clients: Client[] = [];
  const client = async (applicationName: string) => {
    const made = new Client({ connectionString: url.toString(), application_name: applicationName });
    await made.connect();
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    await (
      await openDatabase(url.toString(), { migrations: [MakeTable1700000000001], entities: [] })
    ).destroy();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await dropDatabase(url.toString());
  });

  it('gives the lock up while a long transaction holds the table, says whose, and migrates once it ends', async () => {
    const warned: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warned.push(String(message));
    });
    try {
      // A BI user's long report: it holds the table (ACCESS SHARE) until it ends.
      const report = await client('bi-report');
      await report.query('BEGIN');
      await report.query('SELECT * FROM measures');

      const opening = openDatabase(
        url.toString(),
        { migrations: [MakeTable1700000000001, AlterTable1700000000002], entities: [] },
        { migrationLockWaitMs: 200 },
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      // The service still running beside the migration reads the table meanwhile. Behind an ALTER queued for
      // its lock, it would wait for as long as the report runs.
      const service = await client('partner-returns-running');
      const read = await orStillWaiting(
        2_000,
        service.query('SELECT count(*)::int AS n FROM measures').then((r) => r.rows[0].n),
      );
      expect(read).toBe(0);
      expect(warned.join('\n')).toMatch(
        /a migration waited 200 ms for a table's lock and was rolled back \(try \d+\); the oldest open transaction here is pid \d+ \(bi-report, idle in transaction, \d+ s\): trying again in 200 ms/,
      );

      await report.query('COMMIT');
      const migrated = await orStillWaiting(5_000, opening);
      expect(migrated).not.toBe('still waiting');
      if (migrated === 'still waiting') return;
      const columns = await migrated.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'measures' ORDER BY column_name`,
      );
      expect(columns).toEqual([{ column_name: 'rag' }, { column_name: 'ref' }]);
      // The DataSource handed back serves without the migrations' lock timeout.
      expect(await migrated.query(`SHOW lock_timeout`)).toEqual([{ lock_timeout: '0' }]);
      await migrated.destroy();
    } finally {
      warn.mockRestore();
    }
  });
});
