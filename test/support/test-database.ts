import { createHash, randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, ensureDatabase } from '../../libs/database/src/index.js';
import { SCHEMA } from '../../apps/composition/src/index.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A throwaway database with every migration applied; each test file gets its own. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/pr_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await copyOfMigratedTemplate(decodeURIComponent(url.pathname.slice(1)));
  const dataSource = new DataSource(dataSourceOptions(url.toString(), SCHEMA));
  await dataSource.initialize();
  return {
    url: url.toString(),
    dataSource,
    async drop() {
      // BI roles belong to the server, not the database: they would outlive it.
      const roles: { role_name: string }[] = dataSource.isInitialized
        ? await dataSource.query(`SELECT role_name FROM bi_access`).catch(() => [])
        : [];
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url.toString());
      await dropRoles(roles.map((r) => r.role_name));
    },
  };
}

/**
 * Every migration is applied once, into a template named after the migrations' own source, and each test file's
 * database is a copy of it: a copy takes a fraction of the time of migrating, and a changed migration gets a
 * template of its own rather than a stale one. Jest workers build it in turn under an advisory lock; it is
 * built under another name and renamed, so a builder that dies leaves no half-migrated template behind.
 */
async function copyOfMigratedTemplate(name: string): Promise<void> {
  const source = (SCHEMA.migrations as unknown[]).map((m) => String(m)).join('\n');
  const template = `pr_template_${createHash('sha256').update(source).digest('hex').slice(0, 16)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_advisory_lock(hashtext('partner-returns-test-template'))`);
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (rowCount === 0) await buildTemplate(admin, template);
    } finally {
      await admin.query(`SELECT pg_advisory_unlock(hashtext('partner-returns-test-template'))`);
    }
    await admin.query(`CREATE DATABASE ${escapeIdentifier(name)} TEMPLATE ${escapeIdentifier(template)}`);
    // A test's commits need not wait for the disk: asynchronous commit loses only the last moments' commits, and
    // only if PostgreSQL itself crashes, which no test does (the crash tests kill the product's processes). What
    // a commit makes visible, and when, is unchanged, so every concurrency and ordering check holds as in
    // production.
    await admin.query(`ALTER DATABASE ${escapeIdentifier(name)} SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
}

async function buildTemplate(admin: Client, template: string): Promise<void> {
  const building = `${template}_building`;
  await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(building)} WITH (FORCE)`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${building}`;
  await ensureDatabase(url.toString());
  const dataSource = new DataSource(dataSourceOptions(url.toString(), SCHEMA));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
  await admin.query(`ALTER DATABASE ${escapeIdentifier(building)} RENAME TO ${escapeIdentifier(template)}`);
}

async function dropRoles(roles: readonly string[]): Promise<void> {
  if (roles.length === 0) return;
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${escapeIdentifier(role)}`);
  } finally {
    await client.end();
  }
}

/**
 * Waits until every event stored so far is behind the subscribers' fence. The fence is this database's own (see
 * event_fence()), but a transaction of this database still open (a processor's batch, say) holds it back for a
 * moment, so tests that read right after an append wait for it instead of assuming it has already passed.
 */
export async function untilEventsVisible(dataSource: DataSource, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ visible }]: { visible: boolean }[] = await dataSource.query(
      `SELECT coalesce(max(transaction_id) < (SELECT event_fence()), true) AS visible FROM events`,
    );
    if (visible) return;
    if (Date.now() > deadline) throw new Error('events stayed behind the fence');
    await new Promise((r) => setTimeout(r, 20));
  }
}
