import { randomUUID } from 'node:crypto';
import { StaffAccount } from '../libs/auth/src/index.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

/**
 * The migrations own the schema; the entities only map it (synchronize is off everywhere). If an entity and a
 * migration disagree, TypeORM would read or write a column that is not what the table holds, so: migrate a
 * throwaway database and ask TypeORM what it would run to make the tables fit the entities. Nothing is the
 * only right answer.
 */
describe('the TypeORM entities', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('entities');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('map the migrated tables exactly: syncing them would change nothing', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('are the staff, token, password token, session and publication tables', () => {
    const tables = db.dataSource.entityMetadatas.map((m) => m.tableName).sort();
    expect(tables).toEqual([
      'api_tokens',
      'password_tokens',
      'published_reports',
      'sessions',
      'staff_accounts',
    ]);
  });

  it('never select a password hash unless it is asked for by name', async () => {
    const staffId = randomUUID();
    await db.dataSource.getRepository(StaffAccount).insert({
      staffId,
      partnershipId: 'p',
      email: 'a@example.org',
      name: 'A',
      role: 'viewer',
      passwordHash: 'argon2-hash',
    });

    const [account] = await db.dataSource.getRepository(StaffAccount).find();
    expect(account).toMatchObject({ staffId, email: 'a@example.org' });
    expect(account.passwordHash).toBeUndefined();
    expect(JSON.stringify(account)).not.toContain('argon2-hash');

    const withHash = await db.dataSource
      .getRepository(StaffAccount)
      .findOne({ where: { staffId }, select: { staffId: true, passwordHash: true } });
    expect(withHash?.passwordHash).toBe('argon2-hash');
  });
});
