import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dropDatabase } from '../../libs/database/src/index.js';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/';

/** The URL of a new, not yet created database `pr_bench_<random>` on the benchmark's server. */
export function throwawayDatabaseUrl(): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/pr_bench_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

export async function dropBenchDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}

/**
 * The baseline table: a copy of `events` (columns, types, defaults, identity, CHECK constraints, primary key,
 * unique (stream_id, version) and both indexes). `INCLUDING ALL` covers identity columns since PostgreSQL 10;
 * `describeTable` below checks the copy is faithful instead of trusting that.
 */
export async function createBaselineTable(dataSource: DataSource, table = 'raw_events'): Promise<void> {
  await dataSource.query(`CREATE TABLE ${table} (LIKE events INCLUDING ALL)`);
  const events = await describeTable(dataSource, 'events');
  const raw = await describeTable(dataSource, table);
  if (JSON.stringify(events) !== JSON.stringify(raw)) {
    throw new Error(
      `${table} is not an identical copy of events:\nevents:     ${JSON.stringify(events)}\n${table}: ${JSON.stringify(raw)}`,
    );
  }
}

/** Columns, constraints and indexes of a table, with the table's own name (and sequence names) blanked out. */
async function describeTable(dataSource: DataSource, table: string): Promise<unknown> {
  const columns: unknown[] = await dataSource.query(
    `SELECT column_name, data_type, is_nullable, is_identity, identity_generation,
            regexp_replace(coalesce(column_default, ''), '[a-z_]+_seq', 'SEQ', 'g') AS column_default
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1
     ORDER BY ordinal_position`,
    [table],
  );
  const constraints: { contype: string; def: string }[] = await dataSource.query(
    `SELECT contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = $1::regclass ORDER BY contype, def`,
    [table],
  );
  const indexes: { def: string }[] = await dataSource.query(
    `SELECT regexp_replace(regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON'), $1, 'T', 'g') AS def
     FROM pg_indexes WHERE schemaname = 'public' AND tablename = $2 ORDER BY def`,
    [`\\m${table}\\M`, table],
  );
  return { columns, constraints, indexes: indexes.map((i) => i.def) };
}
