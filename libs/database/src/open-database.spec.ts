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

class BrokenMigration1700000000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE no_such_table ADD COLUMN rag text`);
  }
  async down(): Promise<void> {}
}

/**
 * Every line said while `work` runs, whoever says it: the Nest loggers and the console (where TypeORM's own logger
 * prints).
 */
async function saidDuring<T>(work: () => Promise<T>): Promise<{ said: string[]; outcome: T | Error }> {
  const said: string[] = [];
  const spies = [
    ...(['log', 'warn', 'error'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...parts: unknown[]) => {
        said.push(String(parts[0]));
      }),
    ),
    ...(['log', 'info', 'warn', 'error'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
        said.push(parts.map(String).join(' '));
      }),
    ),
  ];
  try {
    return { said, outcome: await work().catch((error: Error) => error) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
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
    // A BI user's long report: it holds the table (ACCESS SHARE) until it ends.
    const report = await client('bi-report');
    await report.query('BEGIN');
    await report.query('SELECT * FROM measures');
    let read: number | 'still waiting' = 'still waiting';
    const { said, outcome: migrated } = await saidDuring(async () => {
      const opening = openDatabase(
        url.toString(),
        { migrations: [MakeTable1700000000001, AlterTable1700000000002], entities: [] },
        { migrationLockWaitMs: 200 },
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      // The service still running beside the migration reads the table meanwhile. Behind an ALTER queued for
      // its lock, it would wait for as long as the report runs.
      const service = await client('partner-returns-running');
      read = await orStillWaiting(
        2_000,
        service.query('SELECT count(*)::int AS n FROM measures').then((r) => r.rows[0].n as number),
      );
      await report.query('COMMIT');
      return orStillWaiting(5_000, opening);
    });
    expect(read).toBe(0);
    expect(said.join('\n')).toMatch(
      /a migration waited 200 ms for a table's lock and was rolled back \(try \d+\); the oldest open transaction here is pid \d+ \(bi-report, idle in transaction, \d+ s\): trying again in 200 ms/,
    );
    // Each try given up is our one warning: TypeORM's "Migration … failed" read to an operator as a failed
    // upgrade.
    expect(said.filter((line) => /fail/i.test(line))).toEqual([]);
    expect(said.every((line) => line.startsWith('a migration waited 200 ms'))).toBe(true);

    expect(migrated).not.toBe('still waiting');
    if (migrated === 'still waiting' || migrated instanceof Error) throw migrated;
    const columns = await migrated.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'measures' ORDER BY column_name`,
    );
    expect(columns).toEqual([{ column_name: 'rag' }, { column_name: 'ref' }]);
    // The DataSource handed back serves without the migrations' lock timeout.
    expect(await migrated.query(`SHOW lock_timeout`)).toEqual([{ lock_timeout: '0' }]);
    await migrated.destroy();
  });

  it('still says a migration that fails for real, and throws its error', async () => {
    const { said, outcome } = await saidDuring(() =>
      openDatabase(
        url.toString(),
        { migrations: [MakeTable1700000000001, BrokenMigration1700000000003], entities: [] },
        { migrationLockWaitMs: 200 },
      ),
    );
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/relation "no_such_table" does not exist/);
    expect(said).toContainEqual(
      expect.stringMatching(
        /Migration "BrokenMigration1700000000003" failed, error: relation "no_such_table" does not exist/,
      ),
    );
  });
});
