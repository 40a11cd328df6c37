import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, dropDatabase, ensureDatabase } from '../../../libs/database/src/index.js';
import { TestDatabase } from '../test-database.js';
import { ANSWERS_FILE, DUMP_FILE, Manifest, MANIFEST_FILE, RecordedAnswer } from './fixture-files.js';
import { SCHEMA } from '../../../apps/composition/src/index.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PreviousRelease {
  db: TestDatabase;
  manifest: Manifest;
  answers: RecordedAnswer[];
  /** The migrations today's release applied to the old database, by name, in order. */
  migrated: string[];
}

/**
 * The database the previous release wrote, loaded into a new database as an operator restores a backup, then
 * migrated by today's migrations, as the api does when it starts.
 */
export async function loadPreviousRelease(label: string): Promise<PreviousRelease> {
  const manifest = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as Manifest;
  const answers = JSON.parse(gunzipSync(readFileSync(ANSWERS_FILE)).toString('utf8')) as RecordedAnswer[];
  const url = new URL(ADMIN_URL);
  url.pathname = `/pr_${label}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    // pg_dump's own psql commands (\restrict) are for psql; the SQL itself runs as one simple query.
    const sql = gunzipSync(readFileSync(DUMP_FILE))
      .toString('utf8')
      .split('\n')
      .filter((line) => !line.startsWith('\\'))
      .join('\n');
    await client.query(sql);
    await renumberTransactions(client);
  } finally {
    await client.end();
  }
  const dataSource = new DataSource(dataSourceOptions(url.toString(), SCHEMA));
  await dataSource.initialize();
  const migrated = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  return {
    manifest,
    answers,
    migrated,
    db: {
      url: url.toString(),
      dataSource,
      async drop() {
        if (dataSource.isInitialized) await dataSource.destroy();
        await dropDatabase(url.toString());
      },
    },
  };
}

/**
 * Subscribers read events in (transaction id, position) order behind the oldest running transaction of this
 * PostgreSQL server. Transaction ids belong to the server that wrote them: restored into another, events whose
 * ids are ahead of it stay invisible, and new events (lower ids) sort before the restored checkpoints, so they
 * would never be read. So the restored ids are renumbered 3, 4, … in their order, in the events and in every
 * other xid8 column (checkpoints), and the server is moved past them if it is younger.
 */
async function renumberTransactions(client: Client): Promise<void> {
  await client.query('BEGIN');
  await client.query(`
    CREATE TEMP TABLE xid_map ON COMMIT DROP AS
      SELECT transaction_id AS old, row_number() OVER (ORDER BY transaction_id) + 2 AS new
      FROM (SELECT DISTINCT transaction_id FROM public.events) d`);
  const { rows: columns } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND udt_name = 'xid8' AND NOT (table_name = 'events' AND column_name = 'transaction_id')`,
  );
  for (const { table_name, column_name } of columns) {
    const column = `"${column_name}"`;
    await client.query(
      `UPDATE public."${table_name}" t SET ${column} =
         coalesce((SELECT max(m.new) FROM xid_map m WHERE m.old <= t.${column}), 0)::text::xid8`,
    );
  }
  await client.query(
    `UPDATE public.events e SET transaction_id = m.new::text::xid8 FROM xid_map m WHERE e.transaction_id = m.old`,
  );
  await client.query('COMMIT');
  for (;;) {
    const { rows } = await client.query<{ ahead: boolean }>(
      `SELECT coalesce(max(transaction_id) >= pg_snapshot_xmin(pg_current_snapshot()), false) AS ahead
       FROM public.events`,
    );
    if (!rows[0].ahead) return;
    await client.query('SELECT pg_current_xact_id()');
  }
}
